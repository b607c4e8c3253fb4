// Duplicate JSON keys are refused with the key's path, at any depth.
#include <boost/test/unit_test.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "service/json_parse.hpp"

using hoshi::api::DuplicateKey;
using hoshi::api::parse_json;

namespace {
std::string duplicate_in(const std::string& json) {
  try {
    parse_json(json);
  } catch (const DuplicateKey& e) {
    return e.path;
  }
  return "";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(json_parse)

BOOST_AUTO_TEST_CASE(a_key_given_twice_is_named) {
  BOOST_TEST(duplicate_in(R"({"supplier":"V0001","level":3,"supplier":"V0002"})") == "supplier");
  BOOST_TEST(duplicate_in(R"({"scs":{"level":3,"level":5}})") == "scs.level");
  BOOST_TEST(duplicate_in(R"({"overrides":[{"rule":"a","reason":"x"},{"rule":"b","rule":"c"}]})") ==
             "overrides[1].rule");
  BOOST_TEST(duplicate_in(R"([1,[2,{"a":1}],{"x":{"y":[true,null,{"k":1,"k":2}]}}])") == "[2].x.y[2].k");
  BOOST_TEST(duplicate_in(R"({"campaign":{"suppliers":{"codes":["V1"]},"suppliers":"all"}})") == "campaign.suppliers");
  try {
    parse_json(R"({"supplier":"V0001","supplier":"V0002"})");
    BOOST_FAIL("expected DuplicateKey");
  } catch (const DuplicateKey& e) {
    BOOST_TEST(std::string(e.what()) == "duplicate key \"supplier\"");
  }
}

BOOST_AUTO_TEST_CASE(equal_keys_in_different_objects_are_fine) {
  auto v = parse_json(R"({"a":{"level":3},"b":{"level":4},"list":[{"level":1},{"level":2}],"level":5})");
  auto o = v.extract<Poco::JSON::Object::Ptr>();
  BOOST_TEST(o->getObject("b")->getValue<int>("level") == 4);
  BOOST_TEST(o->getArray("list")->size() == 2u);
  BOOST_TEST(o->getValue<int>("level") == 5);
  BOOST_TEST(duplicate_in(R"({"big":18446744073709551615,"neg":-9223372036854775808,"f":1.5,"s":"\u00e9"})") == "");
}

BOOST_AUTO_TEST_CASE(what_is_not_json_is_still_a_parse_error) {
  BOOST_CHECK_THROW(parse_json(R"({"a":)"), Poco::Exception);
  BOOST_CHECK_THROW(parse_json("nope"), Poco::Exception);
  // the parser is reusable after an error: a fresh one each call
  BOOST_TEST(duplicate_in(R"({"a":1})") == "");
}

BOOST_AUTO_TEST_SUITE_END()
