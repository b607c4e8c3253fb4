// The error model on both backends: a caller's mistake is a hoshi::Error that says what
// (invalid, notfound) and names the field; a corrupt stored value is not the caller's
// doing — it passes on as a standard exception, which every boundary answers as an
// internal error (Code::error, HTTP 500, CLI exit 1), never as INVALID or NOTFOUND.
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <boost/test/unit_test.hpp>

#include <fstream>

#include "api/json_api.hpp"
#include "http/http_error.hpp"
#include "service/requests.hpp"
#include "test_db.hpp"

using namespace hoshi;

BOOST_TEST_DONT_PRINT_LOG_VALUE(hoshi::Code)

namespace {
ServiceOptions options(const std::string& url) {
  ServiceOptions o;
  o.database = url;
  o.schemas_dir = HOSHITORI_SOURCE_SCHEMAS_DIR;
  o.today = Date{2026, 11, 20};
  return o;
}

// A supplier and a request with the supplier's estimate (negotiation step 1).
struct Negotiating {
  std::string url = test::fresh_database();
  Service svc{options(url)};
  std::string number;
  Negotiating() {
    const std::string csv = test::temp_dir() + "/errors-suppliers.csv";
    std::ofstream(csv, std::ios::binary) << "取引先コード,会社名\nE1,株式会社イー\n";
    importer::ImportOptions io;
    io.actor = "test";
    svc.import_file(csv, io);
    records::RequestInput in;
    in.vendor_code = "E1";
    in.level = "scs3";
    in.due = Date{2027, 3, 31};
    in.items = {"4-1-3"};
    in.cost_sharing = records::CostSharing{"折半", "初期費用と運用費用の半額を当社が負担し、残りは協議します。", true};
    RequestService rs(svc);
    number = rs.issue(in, "yamada", false).number;
    StepInput s;
    s.side = "supplier";
    s.kind = "estimate";
    s.body = Poco::JSON::Parser().parse(R"({"initial_cost": 1000000})").extract<Poco::JSON::Object::Ptr>();
    rs.step(number, s, "sato");
  }
  // The op's outcome as an Error (code, message, field); fails the test when it succeeds
  // or throws anything else.
  Error outcome(const std::string& request) {
    try {
      api::handle(svc, request);
    } catch (const Error& e) {
      return e;
    }
    BOOST_FAIL("expected an Error for " << request);
    return Error(Code::error, "unreachable");
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(errors_suite)

BOOST_AUTO_TEST_CASE(a_caller_mistake_is_invalid_or_notfound_and_names_the_field) {
  Negotiating n;
  BOOST_TEST(api::handle(n.svc, R"({"op":"request_show","number":")" + n.number + "\"}").find(n.number) !=
             std::string::npos);

  Error missing = n.outcome(R"({"op":"request_show"})");
  BOOST_TEST(missing.code == Code::invalid);
  BOOST_TEST(missing.field == "number");
  BOOST_TEST(std::string(missing.what()) == "\"number\" is required");

  Error not_text = n.outcome(R"({"op":"request_show","number":5})");
  BOOST_TEST(not_text.code == Code::invalid);
  BOOST_TEST(not_text.field == "number");

  Error typo = n.outcome(R"({"op":"request_show","number":"x","numbr":"y"})");
  BOOST_TEST(typo.code == Code::invalid);
  BOOST_TEST(typo.field == "numbr");

  Error level = n.outcome(R"({"op":"update_status","vendor_code":"E1","actor":"x","scs":{"level":"★9"}})");
  BOOST_TEST(level.code == Code::invalid);
  BOOST_TEST(level.field == "scs.level");

  Error unknown = n.outcome(R"({"op":"request_show","number":"2026-99999"})");
  BOOST_TEST(unknown.code == Code::notfound);
  BOOST_TEST(std::string(unknown.what()).find("2026-99999") != std::string::npos, unknown.what());

  Error no_supplier = n.outcome(R"({"op":"update_status","vendor_code":"NOPE","actor":"x","sa":{"level":1}})");
  BOOST_TEST(no_supplier.code == Code::notfound);
  BOOST_TEST(std::string(no_supplier.what()).find("NOPE") != std::string::npos, no_supplier.what());

  // each boundary's one translation
  BOOST_TEST(http::http_error(missing).status == 400);
  BOOST_TEST(http::http_error(unknown).status == 404);
  BOOST_TEST(http::http_error(unknown).extra->getValue<int>("code") == -3);
  BOOST_TEST(http::http_error(Error(Code::error, "corrupt")).status == 500);
}

BOOST_AUTO_TEST_CASE(a_corrupt_stored_step_number_is_an_internal_error_not_the_callers) {
  Negotiating n;
  {  // as someone with database access (or a bad restore) would leave it
    store::Database raw(n.url);
    if (raw.backend() == store::Backend::sqlite) {
      raw.session() << "DROP TRIGGER negotiation_steps_no_update";
    } else {
      raw.session() << "DROP TRIGGER negotiation_steps_append_only ON negotiation_steps";
      raw.session() << "ALTER TABLE negotiation_steps ALTER COLUMN step TYPE TEXT";
    }
    raw.session() << "UPDATE negotiation_steps SET step = 'one' WHERE number = '" << n.number << "'";
  }
  const std::string show = R"({"op":"request_show","number":")" + n.number + "\"}";
  bool internal = false;
  try {
    api::handle(n.svc, show);
  } catch (const Error& e) {  // before: INVALID ("stoll"), as if the caller had erred
    BOOST_ERROR("a corrupt column was answered as the caller's mistake: code " << document_code(e.code) << ", "
                                                                               << e.what());
  } catch (const std::exception& e) {
    internal = true;
    BOOST_TEST(std::string(e.what()).find("stoll") != std::string::npos, e.what());
  }
  BOOST_TEST(internal);
  // the request itself is there: the caller named it rightly
  BOOST_TEST(n.outcome(R"({"op":"request_show","number":"2026-99999"})").code == Code::notfound);
}

BOOST_AUTO_TEST_SUITE_END()
