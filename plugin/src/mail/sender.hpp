// The outbox sender: claims due messages, builds each one's MIME as it goes out (with
// its supplier link's fresh token and the sending time as Date), sends it over one
// SMTP connection and marks it, throttled, retrying 4xx replies with back-off.
#pragma once
#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "mail/smtp.hpp"
#include "store/database.hpp"
#include "store/outbox.hpp"

namespace hoshi::mail {

struct SenderOptions {
  SmtpConfig smtp;
  std::string from_addr, from_name, reply_to;
  int per_minute = 0;  // 0: as fast as the server takes them
  int retry_base_seconds = 60;
  int max_attempts = 8;
  int lease_seconds = 120;
  int link_days = 180;
  int batch = 100;                          // messages claimed at once (a throttled sender takes fewer)
  bool once = false;                        // stop when nothing is due now
  std::optional<long long> campaign;        // only this campaign's messages
  const std::atomic<bool>* stop = nullptr;  // set from a signal handler
};

struct RunSummary {
  long long sent = 0, deferred = 0, failed = 0, unknown = 0, recovered_unknown = 0, requeued = 0;
  std::string smtp_error;  // the server could not be reached (nothing was lost: claims released)
};

// Called after each message with the run's figures so far.
using Progress = std::function<void(const RunSummary&)>;

// Runs until nothing is due (once) or `stop` is set, on a connection of its own to
// `database_url` (Service::database_url). Throws StoreError for the store.
RunSummary run_outbox(const std::string& database_url, const std::string& via, const SenderOptions& o,
                      const Progress& progress = {});

}  // namespace hoshi::mail
