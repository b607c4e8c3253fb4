// connectors.yaml: the connectors to sync with and the webhooks to notify.
//
//   connectors:
//     - name: tryton            # unique; the audit trail and links carry it
//       kind: tryton            # a kind from registry.cpp
//       every_minutes: 60       # `serve --connectors` runs it on this schedule (0: never)
//       ...                     # the kind's own keys (README "Connectors")
//   webhooks:
//     - name: host
//       url: https://erp.example.jp/hoshitori/events
//       secret_env: HOSHITORI_WEBHOOK_SECRET   # or secret_file: /etc/hoshitori/webhook.key
//       events: [supplier.standing_changed, request.answered, agreement.confirmed]
//       retry_base_seconds: 30   # back-off after the n-th failure: base × 2^(n−1) …
//       max_backoff_seconds: 3600
//       disable_after: 10        # … and disabled after this many failures in a row
//       timeout_seconds: 10
#pragma once
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "store/webhook_queue.hpp"

namespace hoshi::connectors {

// A secret named in the configuration by `<key>_env` (an environment variable) or
// `<key>_file`, never written in it; read when it is used.
struct SecretRef {
  std::string env, file, who;
  // Throws ConnectorError naming the variable or file when it is missing or empty.
  std::string read() const;
  // Exactly one of `<key>_env` / `<key>_file` in `node`, else CatalogError (file:line).
  static SecretRef from(const catalog::detail::Doc& doc, const YAML::Node& node, const std::string& key,
                        const std::string& who);
};

struct WebhookSettings {
  records::EndpointSpec endpoint;
  SecretRef secret;  // the signing key
  records::Backoff backoff;
  int timeout_seconds = 10;
};

struct ConnectorsConfig {
  std::string file;
  std::vector<ConnectorSettings> connectors;
  std::vector<WebhookSettings> webhooks;
  const ConnectorSettings* find(const std::string& name) const;
};

// Throws catalog::CatalogError with file:line for anything wrong.
ConnectorsConfig load_connectors_config(const std::string& path);

}  // namespace hoshi::connectors
