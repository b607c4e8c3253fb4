// Purpose limitation (records/purpose.hpp): what an export or a webhook withholds without a
// named purpose, how, and what it leaves byte for byte.
#include <Poco/JSON/Parser.h>
#include <boost/test/unit_test.hpp>

#include "store/purpose.hpp"

using namespace hoshi::records;

namespace {
Poco::JSON::Object::Ptr parse(const std::string& s) {
  return Poco::JSON::Parser().parse(s).extract<Poco::JSON::Object::Ptr>();
}
bool withheld(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  auto m = o->getObject(key);
  return m && m->size() == 1 && m->getValue<std::string>("withheld") == "purpose";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(purpose)

BOOST_AUTO_TEST_CASE(purpose_names) {
  BOOST_TEST((parse_purpose("negotiation") == Purpose::negotiation));
  BOOST_TEST((parse_purpose("audit") == Purpose::audit));
  for (const char* bad : {"", "Audit", "audit ", "marketing", "none"}) BOOST_TEST(!parse_purpose(bad), bad);
  const std::string e = purpose_error("--purpose", "marketing");
  BOOST_TEST(e.rfind("--purpose must be negotiation or audit, not \"marketing\"", 0) == 0, e);
}

BOOST_AUTO_TEST_CASE(cost_keys) {
  for (const char* k : {"amount", "initial_cost", "running_cost", "direct_cost", "indirect_cost", "buyer_amount",
                        "buyer_running_amount", "share_percent", "buyer_share_percent", "material_costs"})
    BOOST_TEST(is_cost_key(k), k);
  for (const char* k : {"message", "items", "cost", "percent", "method", "price_revision_date", "sha256", "basis"})
    BOOST_TEST(!is_cost_key(k), k);
  // the basis of a step is the supplier's cost basis; elsewhere (a request's scope) it is not
  BOOST_TEST(is_withheld_key("negotiation.estimate", "basis"));
  BOOST_TEST(is_withheld_key("price_decision.refused", "basis"));
  BOOST_TEST(!is_withheld_key("request.issued", "basis"));
  BOOST_TEST(is_withheld_key("self_check.answered", "note"));
  BOOST_TEST(!is_withheld_key("negotiation.message", "note"));
}

BOOST_AUTO_TEST_CASE(estimate_step_payload) {
  const std::string stored =
      R"({"step":2,"side":"supplier","kind":"estimate","body":{"initial_cost":500000,"running_cost":120000,)"
      R"("direct_cost":400000,"indirect_cost":100000,"basis":"MFA導入の見積り","items":["4-1-3"],"message":"見積りです"}})";
  auto out = withhold_payload("negotiation.estimate", stored);
  BOOST_REQUIRE(out);
  BOOST_TEST(out->find("500000") == std::string::npos);
  BOOST_TEST(out->find("120000") == std::string::npos);
  BOOST_TEST(out->find("MFA") == std::string::npos);
  auto body = parse(*out)->getObject("body");
  for (const char* k : {"initial_cost", "running_cost", "direct_cost", "indirect_cost", "basis"})
    BOOST_TEST(withheld(body, k), k);
  BOOST_TEST(body->getValue<std::string>("message") == "見積りです");
  BOOST_TEST(parse(*out)->getValue<int>("step") == 2);
  // the stored key order is kept
  BOOST_TEST(out->rfind(R"({"step":2,"side":"supplier","kind":"estimate","body":{"initial_cost":)", 0) == 0, *out);
  // withholding twice changes nothing more
  BOOST_TEST(!withhold_payload("negotiation.estimate", *out));
}

BOOST_AUTO_TEST_CASE(agreement_terms_and_arrays) {
  const std::string stored = R"({"body":{"terms":{"sharing":"折半","buyer_share_percent":50,"initial_cost":500000,)"
                             R"("price_revision":{"date":"2027-04-01"}},"proposals":[{"amount":7},{"note":"x"}]}})";
  auto out = withhold_payload("negotiation.agreement", stored);
  BOOST_REQUIRE(out);
  auto body = parse(*out)->getObject("body");
  BOOST_TEST(withheld(body->getObject("terms"), "buyer_share_percent"));
  BOOST_TEST(withheld(body->getObject("terms"), "initial_cost"));
  BOOST_TEST(body->getObject("terms")->getValue<std::string>("sharing") == "折半");
  BOOST_TEST(body->getObject("terms")->getObject("price_revision")->getValue<std::string>("date") == "2027-04-01");
  BOOST_TEST(withheld(body->getArray("proposals")->getObject(0), "amount"));
  BOOST_TEST(body->getArray("proposals")->getObject(1)->getValue<std::string>("note") == "x");
}

BOOST_AUTO_TEST_CASE(self_check_answers) {
  auto out =
      withhold_payload("self_check.answered",
                       R"({"answers":[{"item":"4-1-3","answer":"planned","planned_on":"2027-01-10","note":"n"}]})");
  BOOST_REQUIRE(out);
  auto a = parse(*out)->getArray("answers")->getObject(0);
  BOOST_TEST(a->getValue<std::string>("item") == "4-1-3");
  for (const char* k : {"answer", "planned_on", "note"}) BOOST_TEST(withheld(a, k), k);
}

BOOST_AUTO_TEST_CASE(nothing_to_withhold_keeps_the_bytes) {
  // no figure: nullopt, so the stored text (and its payload hash) stays exactly as it is
  BOOST_TEST(!withhold_payload("request.issued", R"({"state":"issued","scope":{"basis":"資本金基準"}})"));
  BOOST_TEST(!withhold_payload("negotiation.message", R"({"body":{"message":"50万円でお願いします"}})"));
  BOOST_TEST(!withhold_payload("negotiation.estimate", R"({"body":{"initial_cost":null}})"));
  BOOST_TEST(!withhold_payload("negotiation.estimate", "not json"));
  BOOST_TEST(!withhold_payload("negotiation.estimate", "[1,2]"));
  BOOST_TEST(!withhold_payload("negotiation.estimate", ""));
}

BOOST_AUTO_TEST_CASE(protected_content_of_a_request) {
  auto doc = parse(R"({"steps":[{"kind":"acknowledge","body":{"message":"受領"}}],"agreements":[],"self_check":[]})");
  BOOST_TEST(protected_content(doc).empty());
  doc =
      parse(R"({"steps":[{"kind":"estimate","body":{"initial_cost":1}}],"agreements":[],"self_check":[{"item":"x"}]})");
  BOOST_TEST((protected_content(doc) == std::vector<std::string>{"cost_figures", "self_check"}));
  doc = parse(R"({"steps":[],"agreements":[{"terms":{"sharing":"全額"}}],"self_check":[]})");
  BOOST_TEST((protected_content(doc) == std::vector<std::string>{"agreement"}));
}

BOOST_AUTO_TEST_SUITE_END()
