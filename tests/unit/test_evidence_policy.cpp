// policy.yaml's `evidence:` section (issue 14): byte sizes with units, defaults, ranges and
// limits that contradict each other, each refused with the file and line.
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "catalog/catalog_loader.hpp"
#include "catalog/evidence_limits.hpp"

using namespace hoshi;
namespace fs = std::filesystem;

namespace {
const char* kPolicyHead =
    "policy: buyer\n"
    "version: \"t\"\n"
    "buyer:\n"
    "  name: 株式会社テスト\n"
    "required_level: {default: 3, star4_if_any: []}\n"
    "# the evidence section starts on line 7\n";
// every other section a policy must state, after the evidence section
const char* kPolicyTail =
    "interim:\n"
    "  - {id: r1, until: 2027-03-31, for_required: [3]}\n"
    "expiring_window_days: 30\n"
    "validity: {sa_reconfirm_days: 365, scs3_days: 365, scs4_days: 1095}\n"
    "retention_years: 2\n"
    "requests: {number_prefix: \"\", min_due_days: 90, overriders: [], min_override_reason_chars: 10}\n"
    "mail: {public_url: \"http://127.0.0.1:8470\", charset: utf-8, per_minute: 120, retry_base_seconds: 60,\n"
    "       max_attempts: 8, sender_lease_seconds: 120, link_days: 180, reminder_days_before: [7, 3, 1]}\n";

// The section as given, with the limits it leaves out stated at their defaults after
// it (every limit must be stated), so that a test names only what it is about.
std::string completed(const std::string& evidence) {
  if (evidence.rfind("evidence:\n", 0) != 0) return evidence;
  std::string out = evidence;
  for (const char* line : {"max_file_bytes: 5 MiB", "max_files_per_upload: 3", "max_files_per_request: 10",
                           "max_bytes_per_request: 30 MiB", "max_uploads_per_link_per_hour: 20"}) {
    const std::string key = std::string(line).substr(0, std::string(line).find(':') + 1);
    if (out.find("  " + key) == std::string::npos) out += "  " + std::string(line) + "\n";
  }
  return out;
}

std::string write_policy(const std::string& evidence, bool complete = true) {
  fs::path dir = fs::temp_directory_path() / ("hoshitori-evp-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path p = dir / "policy.yaml";
  std::ofstream(p) << kPolicyHead << (complete ? completed(evidence) : evidence) << kPolicyTail;
  return p.string();
}

EvidencePolicy load(const std::string& evidence) { return catalog::load_policy(write_policy(evidence)).evidence; }

// "" when it loads; else the error after "file" (":line: what").
std::string error_of(const std::string& evidence) {
  const std::string f = write_policy(evidence);
  try {
    catalog::load_policy(f);
  } catch (const catalog::CatalogError& e) {
    const std::string msg = e.what();
    BOOST_TEST(msg.rfind(f + ":", 0) == 0);
    return msg.substr(f.size());
  }
  return "";
}

std::optional<long long> size_of(const std::string& text) {
  std::string why;
  auto v = catalog::parse_byte_size(text, why);
  BOOST_TEST(v.has_value() == why.empty(), text << ": " << why);
  return v;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(evidence_policy_suite)

BOOST_AUTO_TEST_CASE(byte_sizes_are_whole_bytes_or_binary_units) {
  BOOST_TEST(*size_of("31457280") == 31457280);
  BOOST_TEST(*size_of("30 MiB") == 30LL * 1024 * 1024);
  BOOST_TEST(*size_of("512KiB") == 512 * 1024);
  BOOST_TEST(*size_of("1 GiB") == 1024LL * 1024 * 1024);
  BOOST_TEST(*size_of("100 B") == 100);
  for (const char* bad :
       {"", "MiB", "five", "-1", "1.5 MiB", "5 MB", "5MB", "5 kB", "5 M", "5 mib", "1 TiB", "99999999999999999999"})
    BOOST_TEST(!size_of(bad).has_value(), bad);
  std::string why;
  catalog::parse_byte_size("5 MB", why);
  BOOST_TEST(why.find("ambiguous") != std::string::npos, why);
  BOOST_TEST(why.find("MiB") != std::string::npos, why);
}

BOOST_AUTO_TEST_CASE(the_section_and_each_key_must_be_stated) {
  auto error_as_given = [](const std::string& evidence) {
    try {
      catalog::load_policy(write_policy(evidence, false));
    } catch (const catalog::CatalogError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  BOOST_TEST(error_as_given("").find("missing section 'evidence'") != std::string::npos, error_as_given(""));
  const std::string cut = error_as_given("evidence:\n  max_files_per_request: 4\n");
  BOOST_TEST(cut.find("max_file_bytes") != std::string::npos, cut);
  const EvidencePolicy some = load(
      "evidence:\n  max_files_per_request: 4\n  max_bytes_per_request: 8 KiB\n"
      "  max_file_bytes: 4096\n");
  BOOST_TEST(some.max_files_per_request == 4);
  BOOST_TEST(some.max_bytes_per_request == 8192);
  BOOST_TEST(some.max_file_bytes == 4096);
  BOOST_TEST(some.max_files_per_upload == 3);
  BOOST_TEST(some.max_uploads_per_link_per_hour == 20);
}

BOOST_AUTO_TEST_CASE(the_shipped_policy_states_every_limit) {
  const EvidencePolicy p = catalog::load_policy(std::string(HOSHITORI_SOURCE_SCHEMAS_DIR) + "/policy.yaml").evidence;
  BOOST_TEST(p.max_file_bytes == 5LL * 1024 * 1024);
  BOOST_TEST(p.max_files_per_upload == 3);
  BOOST_TEST(p.max_files_per_request == 10);
  BOOST_TEST(p.max_bytes_per_request == 30LL * 1024 * 1024);
  BOOST_TEST(p.max_uploads_per_link_per_hour == 20);
}

BOOST_AUTO_TEST_CASE(mistakes_are_refused_with_file_and_line) {
  BOOST_TEST(error_of("evidence: 10\n").rfind(":7: 'evidence' must be a mapping", 0) == 0);
  BOOST_TEST(error_of("evidence:\n  max_files: 10\n").rfind(":8: unknown key 'max_files'", 0) == 0);
  BOOST_TEST(error_of("evidence:\n  max_files_per_request: 0\n") ==
             ":8: 'max_files_per_request' must be between 1 and 1000, not 0");
  BOOST_TEST(error_of("evidence:\n  max_files_per_upload: ten\n") ==
             ":8: 'max_files_per_upload' must be a whole number, not 'ten'");
  const std::string unit = error_of("evidence:\n  max_file_bytes: 5 KiB\n  max_bytes_per_request: 30 MB\n");
  BOOST_TEST(unit.rfind(":9: 'max_bytes_per_request': unit 'MB' is ambiguous", 0) == 0, unit);
  BOOST_TEST(error_of("evidence:\n  max_file_bytes: 200 MiB\n") ==
             ":8: 'max_file_bytes' must be between 1 KiB and 100 MiB, not 200 MiB");
  BOOST_TEST(error_of("evidence:\n  max_file_bytes: [5]\n").rfind(":8: 'max_file_bytes'", 0) == 0,
             error_of("evidence:\n  max_file_bytes: [5]\n"));
}

BOOST_AUTO_TEST_CASE(limits_that_contradict_each_other_are_refused) {
  std::string e = error_of("evidence:\n  max_file_bytes: 10 MiB\n  max_bytes_per_request: 8 MiB\n");
  BOOST_TEST(e.rfind(":9: 'max_bytes_per_request' (8388608) is smaller than one file may be", 0) == 0, e);
  e = error_of("evidence:\n  max_files_per_upload: 5\n  max_files_per_request: 4\n");
  BOOST_TEST(e.rfind(":9: 'max_files_per_request' (4) is smaller than 'max_files_per_upload' (5)", 0) == 0, e);
  e = error_of("evidence:\n  max_files_per_upload: 5\n  max_uploads_per_link_per_hour: 4\n");
  BOOST_TEST(e.find("one full submission could never be sent") != std::string::npos, e);
  // a default on the other side: the key given is named
  e = error_of("evidence:\n  max_bytes_per_request: 2 MiB\n");
  BOOST_TEST(e.rfind(":8: 'max_bytes_per_request' (2097152) is smaller", 0) == 0, e);
  e = error_of(
      "evidence:\n  max_file_bytes: 100 MiB\n  max_files_per_upload: 6\n  max_files_per_request: 10\n"
      "  max_bytes_per_request: 1 GiB\n");
  BOOST_TEST(e.find("keep it to 512 MiB") != std::string::npos, e);
}

BOOST_AUTO_TEST_SUITE_END()
