// The policy's limits on evidence (policy.yaml `evidence:`), checked inside the upload's
// write transaction — writers are serialised across processes, so the counts are exact
// whichever server takes the upload — and once before the body is read.
#include <chrono>

#include "core/date.hpp"
#include "core/evidence.hpp"
#include "service/supplier_evidence.hpp"
#include "store/audit_log.hpp"

namespace hoshi {

namespace {
constexpr long kWindowSeconds = 3600;

// "2026-11-20T09:15:02.123Z" → milliseconds since 1970 (0 when unreadable).
long long epoch_ms(const std::string& at) {
  Date d;
  if (at.size() < 19 || !parse_iso_date(at.substr(0, 10), d)) return 0;
  auto num = [&](std::size_t pos, std::size_t len) {
    long long v = 0;
    for (std::size_t i = pos; i < pos + len && i < at.size(); ++i)
      if (at[i] >= '0' && at[i] <= '9') v = v * 10 + (at[i] - '0');
    return v;
  };
  long long ms = (static_cast<long long>(d.days()) * 86400 + num(11, 2) * 3600 + num(14, 2) * 60 + num(17, 2)) * 1000;
  if (at.size() >= 23 && at[19] == '.') ms += num(20, 3);
  return ms;
}

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string wait_words(long seconds) {
  if (seconds < 60) return std::to_string(seconds) + " 秒";
  return "約 " + std::to_string((seconds + 59) / 60) + " 分";
}
}  // namespace

int EvidenceRefused::http_status() const {
  switch (kind) {
    case Kind::file_too_large:
    case Kind::request_too_large:
      return 413;
    case Kind::request_full:
      return 400;
    case Kind::rate_limited:
      return 429;
    case Kind::bad_file:
      break;
  }
  return 422;
}

void check_evidence_limits(store::Database& db, const EvidencePolicy& policy, const std::string& number,
                           const std::string& link_id, long long files, long long bytes) {
  records::EvidenceStore store(db);
  if (!link_id.empty()) {
    // files received through this link in the last hour, from the evidence table itself
    const long limit = policy.max_uploads_per_link_per_hour;
    const auto recent = store.received_through_link(link_id, records::audit_time_after(-kWindowSeconds));
    const long long over = static_cast<long long>(recent.size()) + files - limit;
    if (over > 0) {
      long wait = kWindowSeconds;
      if (over <= static_cast<long long>(recent.size())) {  // when enough of them have left the window
        const long long leaves = epoch_ms(recent[static_cast<std::size_t>(over - 1)]) + kWindowSeconds * 1000LL;
        wait = static_cast<long>(std::max<long long>(1, (leaves - now_ms() + 999) / 1000));
        wait = std::min(wait, kWindowSeconds);
      }
      throw EvidenceRefused(EvidenceRefused::Kind::rate_limited,
                            "このリンクからお送りいただけるファイルは1時間に " + std::to_string(limit) +
                                " 個までです（直近1時間に " + std::to_string(recent.size()) +
                                " 個を受け付けました）。" + wait_words(wait) + "後にもう一度お送りください",
                            wait);
    }
  }
  const records::EvidenceUsage used = store.standing(number);
  if (used.files + files > policy.max_files_per_request)
    throw EvidenceRefused(EvidenceRefused::Kind::request_full,
                          "この要請にお送りいただけるファイルは " + std::to_string(policy.max_files_per_request) +
                              " 個までです（受付済み " + std::to_string(used.files) + " 個、今回 " +
                              std::to_string(files) + " 個）。不要なファイルを取り下げてからお送りください");
  if (used.bytes + bytes > policy.max_bytes_per_request)
    throw EvidenceRefused(EvidenceRefused::Kind::request_too_large,
                          "この要請にお送りいただけるファイルは合計 " +
                              evidence::size_label(policy.max_bytes_per_request) + " までです（受付済み " +
                              evidence::size_label(used.bytes) + "、今回 " + evidence::size_label(bytes) +
                              "）。不要なファイルを取り下げるか、ファイルを小さくしてお送りください");
}

void SupplierEvidence::check_room(const std::string& number, const std::string& link_id) {
  const EvidencePolicy& policy = svc_.catalogs().policy.evidence;
  svc_.with_db([&](store::Database& db) {
    check_evidence_limits(db, policy, number, link_id, 1, 1);
    return 0;
  });
}

}  // namespace hoshi
