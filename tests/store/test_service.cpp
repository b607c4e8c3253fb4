#include <boost/test/unit_test.hpp>

#include <fstream>
#include <thread>

#include "api/json_api.hpp"
#include "core/text.hpp"
#include "service/service.hpp"
#include "test_db.hpp"

using namespace hoshi;

BOOST_TEST_DONT_PRINT_LOG_VALUE(hoshi::Standing)
BOOST_TEST_DONT_PRINT_LOG_VALUE(hoshi::Code)

namespace {
ServiceOptions options(const std::string& url) {
  ServiceOptions o;
  o.database = url;
  o.schemas_dir = HOSHITORI_SOURCE_SCHEMAS_DIR;
  o.today = Date{2026, 11, 20};
  return o;
}

std::string write_csv(const std::string& name, const std::string& body) {
  std::string path = test::temp_dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << body;
  return path;
}

importer::ImportOptions as(const std::string& actor) {
  importer::ImportOptions o;
  o.actor = actor;
  return o;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(service_suite)

BOOST_AUTO_TEST_CASE(status_by_vendor_code_or_corporate_number) {
  Service svc(options(test::fresh_database()));
  svc.import_file(write_csv("a.csv",
                            "取引先コード,会社名,法人番号,SCS,SCS有効期限\n"
                            "A1,株式会社エー,1180301018771,★3,2027-09-30\n"),
                  as("test"));
  auto byCode = svc.get("A1");
  BOOST_TEST_REQUIRE(byCode.has_value());
  BOOST_TEST(byCode->standing.standing == Standing::meets);
  auto byNumber = svc.get("1180301018771");
  BOOST_TEST_REQUIRE(byNumber.has_value());
  BOOST_TEST(byNumber->supplier.code() == "A1");
  BOOST_TEST(!svc.get("NOPE").has_value());
  auto spelled = svc.get("１１８０-３０１０-１８７７１");  // as people write it
  BOOST_TEST_REQUIRE(spelled.has_value());
  BOOST_TEST(spelled->supplier.code() == "A1");
}

BOOST_AUTO_TEST_CASE(a_corporate_number_shared_by_two_vendor_codes_is_ambiguous) {
  Service svc(options(test::fresh_database()));
  svc.import_file(write_csv("amb.csv",
                            "取引先コード,会社名,法人番号\n"
                            "E1,株式会社イー 東工場,1180301018771\n"
                            "E2,株式会社イー 西工場,1180301018771\n"),
                  as("test"));
  BOOST_TEST(svc.get("E2")->supplier.code() == "E2");  // by code: fine (and now cached)
  try {
    svc.get("1180301018771");
    BOOST_FAIL("expected AmbiguousKey");
  } catch (const AmbiguousKey& e) {
    BOOST_TEST(std::string(e.what()).find("E1, E2") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(a_change_by_another_handle_reaches_the_cache) {
  std::string url = test::fresh_database();
  Service erp(options(url));  // checks the change counter on every call
  Service other(options(url));
  other.import_file(write_csv("b.csv", "取引先コード,会社名,SA\nB1,株式会社ビー,★\n"), as("test"));
  auto before = erp.get("B1");
  BOOST_TEST_REQUIRE(before.has_value());
  BOOST_TEST(before->view.sa_level == 1);
  other.import_file(write_csv("b2.csv", "取引先コード,会社名,SA,お助け隊サービス\nB1,株式会社ビー,★★,SOMPO SHERIFF\n"),
                    as("test"));
  auto after = erp.get("B1");
  BOOST_TEST(after->view.sa_level == 2);
  BOOST_TEST(after->standing.standing == Standing::meets);  // interim rule now applies
}

BOOST_AUTO_TEST_CASE(update_status_records_who_and_what_and_validates) {
  Service svc(options(test::fresh_database()));
  svc.import_file(write_csv("c.csv", "取引先コード,会社名\nC1,株式会社シー\n"), as("test"));
  std::string out = api::handle(svc, R"({"op":"update_status","vendor_code":"C1","actor":"erp:sato",
      "scs":{"level":"★4","valid_until":"令和11年3月31日"},"decision_chart":{"network_access":true}})");
  BOOST_TEST(out.find("\"standing\":\"meets\"") != std::string::npos, out);
  BOOST_TEST(out.find("\"required_scs\":4") != std::string::npos, out);
  auto h = svc.history("C1");
  BOOST_TEST_REQUIRE(h.size() == 4u);  // created + scs_level + scs_valid_until + chart_network
  BOOST_TEST(h[1].actor == "erp:sato");
  BOOST_TEST(h[1].source == "api");
  try {
    api::handle(svc, R"({"op":"update_status","vendor_code":"C1","actor":"erp:sato","scs":{"level":"★9"}})");
    BOOST_FAIL("expected an Error");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).rfind("scs.level:", 0) == 0, e.what());
  }
  BOOST_CHECK_THROW(api::handle(svc, R"({"op":"update_status","vendor_code":"C1","scs":{"level":3}})"), Error);
  try {
    api::handle(svc, R"({"op":"update_status","vendor_code":"ZZ","actor":"x","sa":{"level":1}})");
    BOOST_FAIL("expected an Error");
  } catch (const Error& e) {
    BOOST_TEST(e.code == Code::notfound);
  }
  for (const char* typo : {R"({"op":"update_status","vendor_code":"C1","actor":"x","emial":"a@b.example"})",
                           R"({"op":"update_status","vendor_code":"C1","actor":"x","sa":{"levle":1}})",
                           R"({"op":"update_status","vendor_code":"C1","actor":"x","name":"新社名"})"}) {
    try {
      api::handle(svc, typo);
      BOOST_FAIL("expected an Error for " << typo);
    } catch (const Error& e) {
      BOOST_TEST(e.code == Code::invalid);
      BOOST_TEST(std::string(e.what()).find("unknown key") != std::string::npos, e.what());
    }
  }
  BOOST_TEST(svc.history("C1").size() == 4u);  // refused changes leave no trace
}

BOOST_AUTO_TEST_CASE(list_filters_by_standing_and_normalised_name) {
  Service svc(options(test::fresh_database()));
  svc.import_file(write_csv("d.csv",
                            "取引先コード,会社名,SA,SCS,SCS有効期限\n"
                            "D1,㈱髙橋製作所,★★,★3,2027-09-30\n"
                            "D2,株式会社ディー,★,,\n"
                            "D3,髙橋物産株式会社,,,\n"),
                  as("test"));
  ListQuery q;
  q.standing = Standing::below;
  auto below = svc.list(q);
  BOOST_TEST_REQUIRE(below.size() == 1u);
  BOOST_TEST(below[0].supplier.code() == "D2");
  ListQuery byName;
  byName.filter.name_like = text::normalize_company_name("（株）髙橋");
  BOOST_TEST(svc.list(byName).size() == 2u);  // 髙橋製作所 and 髙橋物産
  ListQuery page;
  page.offset = 1;
  page.limit = 1;
  std::size_t total = 0;
  auto one = svc.list(page, &total);
  BOOST_TEST(total == 3u);
  BOOST_TEST_REQUIRE(one.size() == 1u);
  BOOST_TEST(one[0].supplier.code() == "D2");
}

BOOST_AUTO_TEST_CASE(concurrent_imports_from_two_handles_lose_nothing) {
  std::string url = test::fresh_database();
  { Service init(options(url)); }
  auto body = [](char prefix) {
    std::string csv = "取引先コード,会社名,SA\n";
    for (int i = 0; i < 300; ++i)
      csv += std::string(1, prefix) + std::to_string(i) + ",会社" + std::to_string(i) + ",★\n";
    return csv;
  };
  std::string fa = write_csv("pa.csv", body('P')), fb = write_csv("pb.csv", body('Q'));
  std::string error;
  auto worker = [&](const std::string& file) {
    try {
      Service s(options(url));
      for (int round = 0; round < 3; ++round) s.import_file(file, as("test"));
    } catch (const std::exception& e) {
      error = e.what();
    }
  };
  std::thread a(worker, fa), b(worker, fb);
  a.join();
  b.join();
  BOOST_TEST(error == "");
  Service check(options(url));
  BOOST_TEST(check.list({}).size() == 600u);
  BOOST_TEST(check.history("P7").size() == 1u);  // created once, unchanged after
}

BOOST_AUTO_TEST_SUITE_END()
