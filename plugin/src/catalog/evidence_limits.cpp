#include "catalog/evidence_limits.hpp"

#include <cctype>
#include <limits>

namespace hoshi::catalog {

namespace {
constexpr long long KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

// The range a byte count may take, in words for the error.
std::string range_words(long long min, long long max) {
  auto words = [](long long v) {
    if (v % GiB == 0) return std::to_string(v / GiB) + " GiB";
    if (v % MiB == 0) return std::to_string(v / MiB) + " MiB";
    if (v % KiB == 0) return std::to_string(v / KiB) + " KiB";
    return std::to_string(v);
  };
  return words(min) + " and " + words(max);
}

long long bytes(const detail::Doc& d, const YAML::Node& parent, const std::string& key, long long min, long long max,
                long long fallback) {
  YAML::Node n = parent[key];
  if (!n.IsDefined() || n.IsNull()) return fallback;
  if (!n.IsScalar()) throw d.fail(n, "'" + key + "' must be a number of bytes, such as 5242880 or \"5 MiB\"");
  std::string why;
  auto v = parse_byte_size(n.Scalar(), why);
  if (!v) throw d.fail(n, "'" + key + "': " + why);
  if (*v < min || *v > max)
    throw d.fail(n, "'" + key + "' must be between " + range_words(min, max) + ", not " + n.Scalar());
  return *v;
}
}  // namespace

std::optional<long long> parse_byte_size(std::string_view text, std::string& why) {
  std::size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  const std::size_t digits_from = i;
  long long n = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    if (n > (std::numeric_limits<long long>::max() - 9) / 10 / GiB) {
      why = "'" + std::string(text) + "' is far too large";
      return std::nullopt;
    }
    n = n * 10 + (text[i] - '0');
  }
  if (i == digits_from) {
    why = "'" + std::string(text) + "' is not a whole number of bytes (write 5242880 or \"5 MiB\")";
    return std::nullopt;
  }
  while (i < text.size() && text[i] == ' ') ++i;
  std::string unit(text.substr(i));
  while (!unit.empty() && unit.back() == ' ') unit.pop_back();
  if (unit.empty() || unit == "B") return n;
  if (unit == "KiB") return n * KiB;
  if (unit == "MiB") return n * MiB;
  if (unit == "GiB") return n * GiB;
  if (unit == "KB" || unit == "kB" || unit == "MB" || unit == "GB" || unit == "K" || unit == "M" || unit == "G")
    why = "unit '" + unit + "' is ambiguous: write KiB, MiB or GiB (1 MiB = 1048576 bytes) or the bytes as a number";
  else
    why = "unknown unit '" + unit + "' in '" + std::string(text) + "' (bytes as a number, or KiB, MiB, GiB)";
  return std::nullopt;
}

void load_evidence_policy(const detail::Doc& d, const YAML::Node& node, Policy& p) {
  EvidencePolicy& e = p.evidence;
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) throw d.fail(node, "'evidence' must be a mapping of limits");
  // every limit stated (a file cut inside the section is refused, as elsewhere in the policy)
  using Key = detail::Doc::Key;
  constexpr auto kText = detail::Doc::Shape::scalar;
  static constexpr Key kEvidence[] = {{"max_file_bytes", kText, true},
                                      {"max_files_per_upload", kText, true},
                                      {"max_files_per_request", kText, true},
                                      {"max_bytes_per_request", kText, true},
                                      {"max_uploads_per_link_per_hour", kText, true}};
  d.keys(node, "evidence", kEvidence);
  e.max_file_bytes = bytes(d, node, "max_file_bytes", KiB, 100 * MiB, e.max_file_bytes);
  e.max_files_per_upload = d.integer(node, "max_files_per_upload", 1, 20, e.max_files_per_upload);
  e.max_files_per_request = d.integer(node, "max_files_per_request", 1, 1000, e.max_files_per_request);
  e.max_bytes_per_request = bytes(d, node, "max_bytes_per_request", KiB, 4 * GiB, e.max_bytes_per_request);
  e.max_uploads_per_link_per_hour =
      d.integer(node, "max_uploads_per_link_per_hour", 1, 10000, e.max_uploads_per_link_per_hour);
  // limits that contradict each other: the smaller one would silently win
  auto at = [&](const char* key) { return node[key].IsDefined() ? node[key] : node; };
  if (e.max_file_bytes > e.max_bytes_per_request)
    throw d.fail(at("max_bytes_per_request"), "'max_bytes_per_request' (" + std::to_string(e.max_bytes_per_request) +
                                                  ") is smaller than one file may be ('max_file_bytes' " +
                                                  std::to_string(e.max_file_bytes) + ")");
  if (e.max_files_per_upload > e.max_files_per_request)
    throw d.fail(at("max_files_per_request"), "'max_files_per_request' (" + std::to_string(e.max_files_per_request) +
                                                  ") is smaller than 'max_files_per_upload' (" +
                                                  std::to_string(e.max_files_per_upload) + ")");
  if (e.max_files_per_upload > e.max_uploads_per_link_per_hour)
    throw d.fail(at("max_uploads_per_link_per_hour"),
                 "'max_uploads_per_link_per_hour' (" + std::to_string(e.max_uploads_per_link_per_hour) +
                     ") is smaller than 'max_files_per_upload' (" + std::to_string(e.max_files_per_upload) +
                     "): one full submission could never be sent");
  if (e.max_file_bytes * e.max_files_per_upload > 512 * MiB)
    throw d.fail(at("max_files_per_upload"), "one submission could reach " +
                                                 std::to_string(e.max_file_bytes * e.max_files_per_upload / MiB) +
                                                 " MiB ('max_files_per_upload' × 'max_file_bytes'), which the server "
                                                 "holds in memory while it checks them: keep it to 512 MiB");
}

}  // namespace hoshi::catalog
