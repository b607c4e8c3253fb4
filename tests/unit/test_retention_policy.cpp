// policy.yaml's retention: section — a period per kind of record, the legal minimums
// refused below with file:line and the law, and the older retention_years key.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "catalog/catalog_loader.hpp"

using namespace hoshi;

namespace {
std::string shipped() {
  std::ifstream in(HOSHITORI_SOURCE_SCHEMAS_DIR "/policy.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The shipped policy with its retention section replaced by `section` ("" drops it).
std::string with_retention(const std::string& section) {
  return std::regex_replace(shipped(), std::regex("retention:\n(  .*\n)+"), section);
}

struct Loaded {
  std::string error;  // "" when it loads; else the message after the file name
  Policy policy;
};

Loaded load(const std::string& yaml) {
  auto dir = std::filesystem::temp_directory_path() / "hoshitori-retention-tests";
  std::filesystem::create_directories(dir);
  const std::string f = (dir / "policy.yaml").string();
  std::ofstream(f) << yaml;
  Loaded out;
  try {
    out.policy = catalog::load_policy(f);
  } catch (const catalog::CatalogError& e) {
    const std::string msg = e.what();
    BOOST_TEST(msg.rfind(f + ":", 0) == 0, msg);
    out.error = msg.substr(f.size() + 1);
  }
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(retention_policy)

BOOST_AUTO_TEST_CASE(the_shipped_policy_keeps_requests_two_years_and_agreements_seven) {
  const Loaded l = load(shipped());
  BOOST_TEST(l.error == "");
  BOOST_TEST(l.policy.retention.requests_years == 2);
  BOOST_TEST(l.policy.retention.agreements_years == 7);
  const Loaded longer = load(with_retention("retention:\n  requests_years: 5\n  agreements_years: 10\n"));
  BOOST_TEST(longer.error == "");
  BOOST_TEST(longer.policy.retention.requests_years == 5);
  BOOST_TEST(longer.policy.retention.agreements_years == 10);
}

BOOST_AUTO_TEST_CASE(periods_below_the_legal_minimums_are_refused_citing_the_law) {
  const std::string full = shipped();
  const int line = static_cast<int>(std::count(full.begin(), full.begin() + full.find("  requests_years:"), '\n')) + 1;
  const Loaded one = load(with_retention("retention:\n  requests_years: 1\n  agreements_years: 7\n"));
  BOOST_TEST(one.error.rfind(std::to_string(line) + ": 'requests_years' must be at least 2, not 1: 取適法 7条", 0) == 0,
             one.error);
  const Loaded five = load(with_retention("retention:\n  requests_years: 2\n  agreements_years: 5\n"));
  BOOST_TEST(five.error.rfind(std::to_string(line + 1) + ": 'agreements_years' must be at least 7, not 5:", 0) == 0,
             five.error);
  BOOST_TEST(five.error.find("法人税法施行規則59条") != std::string::npos, five.error);
  const Loaded shorter = load(with_retention("retention:\n  requests_years: 9\n  agreements_years: 8\n"));
  BOOST_TEST(shorter.error.find("'agreements_years' (8) must be at least 'requests_years' (9)") != std::string::npos,
             shorter.error);
  BOOST_TEST(load(with_retention("retention:\n  requests_years: two\n  agreements_years: 7\n"))
                 .error.find("'requests_years' must be a whole number") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_missing_or_half_section_is_refused) {
  BOOST_TEST(load(with_retention("")).error.find("missing section 'retention' (required)") != std::string::npos);
  BOOST_TEST(load(with_retention("retention:\n  requests_years: 2\n"))
                 .error.find("'retention' is missing 'agreements_years' (required)") != std::string::npos);
  BOOST_TEST(load(with_retention("retention:\n")).error.find("'retention' is empty") != std::string::npos);
  BOOST_TEST(load(with_retention("retention:\n  requests_years: 2\n  agreements_years: 7\n  evidence_years: 1\n"))
                 .error.find("unknown key 'evidence_years' in 'retention'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_older_single_retention_years_key_never_shortens_an_agreements_period) {
  const Loaded two = load(with_retention("retention_years: 2\n"));
  BOOST_TEST(two.error == "");
  BOOST_TEST(two.policy.retention.requests_years == 2);
  BOOST_TEST(two.policy.retention.agreements_years == 7);
  const Loaded ten = load(with_retention("retention_years: 10\n"));
  BOOST_TEST(ten.policy.retention.requests_years == 10);
  BOOST_TEST(ten.policy.retention.agreements_years == 10);
  BOOST_TEST(load(with_retention("retention_years: 1\n")).error.find("must be at least 2, not 1") != std::string::npos);
  const Loaded both =
      load(with_retention("retention_years: 2\nretention:\n  requests_years: 2\n  agreements_years: 7\n"));
  BOOST_TEST(both.error.find("'retention_years' and 'retention' both given") != std::string::npos, both.error);
}

BOOST_AUTO_TEST_SUITE_END()
