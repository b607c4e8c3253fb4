#include "connectors/webhook/webhook_sender.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "connectors/transport/http_transport.hpp"
#include "core/secret.hpp"
#include "service/service.hpp"

namespace hoshi::connectors {

namespace {

constexpr int kLeaseSeconds = 120;
constexpr int kBatch = 100;

std::string event_body(const records::WebhookDelivery& d) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", d.uid);
  o.set("type", d.type);
  o.set("occurred_at", d.occurred_at);
  o.set("sequence", d.event_id);
  o.set("vendor_code", d.vendor_code);
  o.set("data", Poco::JSON::Parser().parse(d.data));
  std::ostringstream s;
  Poco::JSON::Stringifier::condense(o, s);
  return s.str();
}

long long unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string webhook_signature(const std::string& secret, long long unix_seconds, const std::string& body) {
  const std::string t = std::to_string(unix_seconds);
  return "t=" + t + ",v1=" + hmac_sha256_hex(secret, t + "." + body);
}

void register_webhooks(Service& svc, const ConnectorsConfig& config, const std::string& actor) {
  std::vector<records::EndpointSpec> specs;
  for (const auto& w : config.webhooks) specs.push_back(w.endpoint);
  svc.in_transaction<records::WebhookQueue>(store::WriteTransaction::Mode::serialize,
                                            [&](store::WriteTransaction& tx, records::WebhookQueue& q) {
                                              q.register_endpoints(specs, actor);
                                              tx.commit();
                                            });
}

WebhookPass deliver_webhooks(Service& svc, const std::vector<WebhookSettings>& hooks, const std::string& worker,
                             const std::atomic<bool>* stop) {
  WebhookPass pass;
  auto stopping = [&] { return stop && stop->load(); };
  for (const auto& hook : hooks) {
    if (stopping()) break;
    auto queue = [&](auto&& fn) { return svc.with_repos<records::WebhookQueue>(fn); };
    // the lease outlasts any one post, so a slow host never lets a second worker in behind us
    const int lease = std::max(kLeaseSeconds, 3 * hook.timeout_seconds);
    auto id = queue([&](records::WebhookQueue& q) { return q.endpoint_id(hook.endpoint.name); });
    if (!id || !queue([&](records::WebhookQueue& q) { return q.acquire(*id, worker, lease); })) continue;
    std::string secret;
    try {
      secret = hook.secret.read();
    } catch (const std::exception& e) {  // a set-up mistake: said, not counted against the host
      pass.problems.push_back(e.what());
      queue([&](records::WebhookQueue& q) { return q.release(*id, worker), 0; });
      continue;
    }
    bool endpoint_failed = false, lost = false;
    while (!endpoint_failed && !lost && !stopping()) {
      auto batch = queue([&](records::WebhookQueue& q) { return q.claim(*id, worker, kBatch, lease); });
      if (batch.empty()) break;
      for (const auto& d : batch) {
        if (stopping()) break;
        HttpRequest req;
        req.url = hook.endpoint.url;
        req.body = event_body(d);
        req.timeout_seconds = hook.timeout_seconds;
        req.headers = {{"User-Agent", "Hoshitori-Webhook/1"},
                       {"Hoshitori-Event", d.type},
                       {"Hoshitori-Event-Id", d.uid},
                       {"Hoshitori-Attempt", std::to_string(d.attempt)},
                       {"Hoshitori-Signature", webhook_signature(secret, unix_now(), req.body)}};
        std::string error;
        int status = 0;
        try {
          status = http_send(req, std::size_t{64} * 1024).status;
          if (status < 200 || status > 299) error = "HTTP " + std::to_string(status);
        } catch (const TransportError& e) {
          error = e.what();
        }
        if (error.empty()) {
          ++pass.delivered;
          if (queue([&](records::WebhookQueue& q) { return q.delivered(*id, worker, d, status, lease); })) continue;
          pass.problems.push_back("webhook " + hook.endpoint.name + ": another worker took over (this one stalled)");
          lost = true;
          break;
        }
        ++pass.failed;
        pass.problems.push_back("webhook " + hook.endpoint.name + ": " + d.uid + " (" + d.type + ", attempt " +
                                std::to_string(d.attempt) + "): " + error);
        if (queue([&](records::WebhookQueue& q) { return q.failed(*id, worker, d, error, hook.backoff); }))
          pass.disabled.push_back(hook.endpoint.name);
        endpoint_failed = true;
        break;
      }
    }
    if (!endpoint_failed && !lost)  // what a stop left in flight goes back untouched by failed()
      queue([&](records::WebhookQueue& q) { return q.release(*id, worker), 0; });
  }
  return pass;
}

}  // namespace hoshi::connectors
