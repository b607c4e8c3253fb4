// Posting queued webhook events to the host (records/webhook_queue.hpp keeps them).
//
// Each POST carries the event as JSON and these headers:
//   Content-Type: application/json; charset=utf-8
//   Hoshitori-Event: supplier.standing_changed
//   Hoshitori-Event-Id: evt_…            (the same on every attempt: de-duplicate on it)
//   Hoshitori-Attempt: 1                 (2, 3 … when it goes again)
//   Hoshitori-Signature: t=1764633600,v1=<hex HMAC-SHA256(secret, "1764633600." + body)>
// The receiver recomputes v1 over the timestamp, a dot and the raw body, compares in
// constant time and refuses a timestamp more than 5 minutes old. Any 2xx answer counts
// as delivered; anything else, or no answer within the timeout, as a failure.
#pragma once
#include <atomic>
#include <string>
#include <vector>

#include "connectors/config.hpp"

namespace hoshi {
class Service;
}

namespace hoshi::connectors {

// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
std::string webhook_signature(const std::string& secret, long long unix_seconds, const std::string& body);

// Makes the endpoints table follow the configuration (see WebhookQueue).
void register_webhooks(Service& svc, const ConnectorsConfig& config, const std::string& actor);

struct WebhookPass {
  long long delivered = 0, failed = 0;
  std::vector<std::string> disabled;  // endpoints disabled in this pass
  std::vector<std::string> problems;  // one line per failure, for the log
};

// One pass: for each configured webhook that is due and free, posts its pending events
// in order until none is left, one fails, or `stop` becomes true.
WebhookPass deliver_webhooks(Service& svc, const std::vector<WebhookSettings>& hooks, const std::string& worker,
                             const std::atomic<bool>* stop = nullptr);

}  // namespace hoshi::connectors
