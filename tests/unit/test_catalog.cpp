#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "catalog/catalog_loader.hpp"

using namespace hoshi;
namespace fs = std::filesystem;

namespace {
std::string write_temp(const std::string& name, const std::string& content) {
  fs::path dir = fs::temp_directory_path() / ("hoshitori-cat-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path p = dir / name;
  std::ofstream(p) << content;
  return p.string();
}

std::string policy_error(const std::string& yaml) {
  std::string f = write_temp("policy.yaml", yaml);
  try {
    catalog::load_policy(f);
  } catch (const catalog::CatalogError& e) {
    std::string msg = e.what();
    BOOST_TEST(msg.rfind(f + ":", 0) == 0);  // always "file:line: …"
    return msg.substr(f.size());
  }
  return "loaded";
}

const char* kGoodPolicy =
    "policy: buyer\n"
    "version: \"t\"\n"
    "buyer:\n"
    "  name: 株式会社テスト\n"
    "required_level:\n"
    "  default: 3\n"
    "  star4_if_any:\n"
    "    - id: confidential_info\n"
    "interim:\n"
    "  - id: r1\n"
    "    until: 2027-03-31\n"
    "    for_required: [3]\n"
    "expiring_window_days: 30\n"
    "validity: {sa_reconfirm_days: 365, scs3_days: 365, scs4_days: 1095}\n"
    "retention: {requests_years: 2, agreements_years: 7}\n"
    "requests: {number_prefix: \"\", min_due_days: 90, overriders: [], min_override_reason_chars: 10}\n"
    "mail:\n"
    "  public_url: http://127.0.0.1:8470\n"
    "  charset: utf-8\n"
    "  per_minute: 120\n"
    "  retry_base_seconds: 60\n"
    "  max_attempts: 8\n"
    "  sender_lease_seconds: 120\n"
    "  link_days: 180\n"
    "  reminder_days_before: [7, 3, 1]\n"
    "evidence:\n"
    "  max_file_bytes: 5 MiB\n"
    "  max_files_per_upload: 3\n"
    "  max_files_per_request: 10\n"
    "  max_bytes_per_request: 30 MiB\n"
    "  max_uploads_per_link_per_hour: 20\n";  // 31 lines: every section a policy must state
}  // namespace

BOOST_AUTO_TEST_SUITE(catalog_suite)

BOOST_AUTO_TEST_CASE(shipped_catalogs_load_and_match_the_published_counts) {
  Catalogs c = catalog::load_all(HOSHITORI_SOURCE_SCHEMAS_DIR, "");
  int star3 = 0, criteria = 0, star4 = 0;
  for (const auto& r : c.scs.requirements) {
    bool at3 = std::find(r.levels.begin(), r.levels.end(), 3) != r.levels.end();
    bool at4 = std::find(r.levels.begin(), r.levels.end(), 4) != r.levels.end();
    star3 += at3;
    star4 += at4;
    if (at3) criteria += r.criteria.value_or(0);
  }
  BOOST_TEST(star3 == 26);
  BOOST_TEST(criteria == 81);
  BOOST_TEST(star4 == 43);
  BOOST_TEST(c.scs.categories.size() == 7u);
  BOOST_TEST(c.sa.questions.size() == 25u);
  BOOST_TEST(c.otasuketai.services.size() >= 6u);
  BOOST_TEST(c.otasuketai.find("SOMPO SHERIFF") != nullptr);
  BOOST_TEST(c.otasuketai.find("sompo-sheriff") != nullptr);
  BOOST_TEST(c.otasuketai.find("存在しないサービス") == nullptr);
  BOOST_TEST(c.policy.star4_if_any.size() == 3u);
  BOOST_TEST(c.policy.interim.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_good_policy_loads) { BOOST_TEST(policy_error(kGoodPolicy) == "loaded"); }

BOOST_AUTO_TEST_CASE(malformed_policy_names_file_and_line) {
  // YAML syntax error: still file:line
  std::string syntax = policy_error("policy: buyer\nversion: t\nbuyer: [unclosed\n");
  BOOST_TEST((syntax.size() > 2 && syntax[0] == ':' && syntax[1] >= '1' && syntax[1] <= '9'));
  // a typo'd key is refused with its line
  std::string typo = std::string(kGoodPolicy) + "expiring_windw_days: 5\n";
  std::string err = policy_error(typo);
  BOOST_TEST(err.rfind(":32:", 0) == 0, err);
  BOOST_TEST(err.find("unknown key 'expiring_windw_days'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_key_given_twice_is_refused_not_silently_dropped) {
  std::string twice = std::string(kGoodPolicy) + "expiring_window_days: 900\n";
  std::string err = policy_error(twice);
  BOOST_TEST(err.rfind(":32:", 0) == 0, err);
  BOOST_TEST(err.find("appears twice") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(inconsistent_policy_is_refused) {
  std::string unknown_q = kGoodPolicy;
  unknown_q.replace(unknown_q.find("confidential_info"), 17, "likes_cats");
  std::string err = policy_error(unknown_q);
  BOOST_TEST(err.rfind(":8:", 0) == 0);
  BOOST_TEST(err.find("likes_cats") != std::string::npos);

  std::string bad_date = kGoodPolicy;
  bad_date.replace(bad_date.find("2027-03-31"), 10, "2027-02-30");
  err = policy_error(bad_date);
  BOOST_TEST(err.rfind(":11:", 0) == 0);

  std::string bad_level = kGoodPolicy;
  bad_level.replace(bad_level.find("default: 3"), 10, "default: 7");
  BOOST_TEST(policy_error(bad_level).find("between 3 and 5") != std::string::npos);

  BOOST_TEST(policy_error("policy: supplier\nversion: x\n").find("'policy' must be 'buyer'") != std::string::npos);
}

// Recommended service as a condition (issue 15 item 6): no policy path may make buying a
// particular service the only way to meet a level.
BOOST_AUTO_TEST_CASE(an_interim_rule_that_accepts_only_a_named_service_is_refused) {
  std::string only = kGoodPolicy;
  only.replace(only.find("    for_required: [3]\n"), 22,
               "    for_required: [3]\n    otasuketai: true\n    equivalent: false\n");
  std::string err = policy_error(only);
  BOOST_TEST(err.rfind(":14:", 0) == 0, err);  // the 'equivalent' line
  BOOST_TEST(err.find("interim rule 'r1' would accept only a named service (お助け隊)") != std::string::npos, err);
  BOOST_TEST(err.find("同等のサービス") != std::string::npos, err);

  std::string stray = kGoodPolicy;
  stray.replace(stray.find("    for_required: [3]\n"), 22,
                "    for_required: [3]\n    otasuketai: false\n    equivalent: true\n");
  err = policy_error(stray);
  BOOST_TEST(err.rfind(":14:", 0) == 0, err);
  BOOST_TEST(err.find("'equivalent' belongs with 'otasuketai: true'") != std::string::npos, err);

  // left out, it is accepted: a rule naming お助け隊 takes the equivalent too
  Policy p = catalog::load_policy(write_temp("interim.yaml", kGoodPolicy));
  BOOST_TEST(p.interim.at(0).otasuketai);
  BOOST_TEST(p.interim.at(0).equivalent);
  std::string said = kGoodPolicy;
  said.replace(said.find("    for_required: [3]\n"), 22, "    for_required: [3]\n    equivalent: true\n");
  BOOST_TEST(policy_error(said) == "loaded");
}

BOOST_AUTO_TEST_CASE(the_shipped_policy_never_makes_a_service_the_only_way) {
  Catalogs c = catalog::load_all(HOSHITORI_SOURCE_SCHEMAS_DIR, "");
  BOOST_TEST(!c.policy.interim.empty());
  for (const auto& rule : c.policy.interim) {
    BOOST_TEST((!rule.otasuketai || rule.equivalent), rule.id);
    BOOST_TEST(rule.description.find("同等のサービス") != std::string::npos, rule.id);
    BOOST_TEST(rule.description.find("当社の暫定基準") != std::string::npos, rule.id);
  }
}

BOOST_AUTO_TEST_CASE(the_buyer_size_for_the_subcontract_scope_is_optional_and_checked) {
  const std::string good = std::string(kGoodPolicy) +
                           "subcontract_scope:\n"
                           "  transaction_kind: service\n"
                           "  capital_yen: ５億円\n"
                           "  employees: 1,200\n";
  BOOST_TEST(policy_error(good) == "loaded");
  Policy p = catalog::load_policy(write_temp("scope.yaml", good));
  BOOST_TEST((p.scope.kind == scope::TransactionKind::service));
  BOOST_TEST(*p.scope.buyer.capital_yen == 500'000'000);
  BOOST_TEST(*p.scope.buyer.employees == 1200);
  BOOST_TEST(!catalog::load_policy(write_temp("noscope.yaml", kGoodPolicy)).scope.kind.has_value());

  std::string err = policy_error(std::string(kGoodPolicy) + "subcontract_scope:\n  transaction_kind: construction\n" +
                                 "  capital_yen: 1億円\n");
  BOOST_TEST(err.rfind(":33:", 0) == 0, err);
  BOOST_TEST(err.find("must be one of manufacturing") != std::string::npos, err);
  err = policy_error(std::string(kGoodPolicy) + "subcontract_scope:\n  transaction_kind: repair\n" +
                     "  capital_yen: たくさん\n");
  BOOST_TEST(err.rfind(":34:", 0) == 0, err);
  BOOST_TEST(err.find("'capital_yen': 資本金が読めません") != std::string::npos, err);
  err = policy_error(std::string(kGoodPolicy) + "subcontract_scope:\n  transaction_kind: repair\n");
  BOOST_TEST(err.find("needs the buyer's 'capital_yen' or 'employees'") != std::string::npos, err);
  err = policy_error(std::string(kGoodPolicy) + "subcontract_scope:\n  capital_yen: 1億円\n");
  BOOST_TEST(err.find("transaction_kind") != std::string::npos, err);
  err = policy_error(std::string(kGoodPolicy) + "subcontract_scope:\n  transaction_kind: repair\n  employes: 3\n");
  BOOST_TEST(err.find("unknown key 'employes'") != std::string::npos, err);
}

BOOST_AUTO_TEST_CASE(the_one_time_code_before_the_suppliers_confirmation_is_optional_and_checked) {
  BOOST_TEST(!catalog::load_policy(write_temp("nocode.yaml", kGoodPolicy)).agreement.one_time_code);
  const std::string on = std::string(kGoodPolicy) + "agreement:\n  one_time_code: true\n";
  BOOST_TEST(policy_error(on) == "loaded");
  BOOST_TEST(catalog::load_policy(write_temp("code.yaml", on)).agreement.one_time_code);
  std::string err = policy_error(std::string(kGoodPolicy) + "agreement:\n  one_time_code: sometimes\n");
  BOOST_TEST(err.rfind(":33:", 0) == 0, err);
  BOOST_TEST(err.find("'one_time_code' must be true or false") != std::string::npos, err);
  err = policy_error(std::string(kGoodPolicy) + "agreement:\n  one_time_code: true\n  code_minutes: 5\n");
  BOOST_TEST(err.rfind(":34:", 0) == 0, err);
  BOOST_TEST(err.find("unknown key 'code_minutes'") != std::string::npos, err);
  err = policy_error(std::string(kGoodPolicy) + "agreement:\n  otp: true\n");
  BOOST_TEST(err.find("one_time_code") != std::string::npos, err);
}

BOOST_AUTO_TEST_CASE(scs_catalog_totals_must_match_the_list) {
  std::string src = HOSHITORI_SOURCE_SCHEMAS_DIR "/scs-requirements.yaml";
  std::ifstream in(src);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string broken = text;
  broken.replace(broken.find("criteria: 81"), 12, "criteria: 80");
  std::string f = write_temp("scs-requirements.yaml", broken);
  try {
    catalog::load_scs(f);
    BOOST_FAIL("expected CatalogError");
  } catch (const catalog::CatalogError& e) {
    BOOST_TEST(std::string(e.what()).find("sums to 81") != std::string::npos);
  }
  std::string dup = text;
  std::size_t at = dup.find("\"1-2-1\"");
  dup.replace(at, 7, "\"1-2-3\"");
  f = write_temp("scs-requirements.yaml", dup);
  BOOST_CHECK_THROW(catalog::load_scs(f), catalog::CatalogError);
}

BOOST_AUTO_TEST_CASE(missing_file_is_reported) {
  try {
    catalog::load_policy("/nonexistent/policy.yaml");
    BOOST_FAIL("expected CatalogError");
  } catch (const catalog::CatalogError& e) {
    BOOST_TEST(std::string(e.what()) == "/nonexistent/policy.yaml: file not found");
  }
}

BOOST_AUTO_TEST_SUITE_END()
