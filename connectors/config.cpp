#include "connectors/config.hpp"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "catalog/yaml_doc.hpp"
#include "connectors/registry.hpp"

namespace hoshi::connectors {

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

using Doc = catalog::detail::Doc;
using Key = Doc::Key;
constexpr auto kText = Doc::Shape::scalar;
constexpr auto kList = Doc::Shape::list;

// connectors.yaml's schema (Doc::keys). Both sections are optional, but a section that is
// there must hold its list: "webhooks:" with nothing under it is a cut file. Each
// connector kind checks its own keys (registry.cpp).
constexpr Key kTop[] = {{"connectors", kList, false}, {"webhooks", kList, false}};
constexpr Key kWebhook[] = {{"name", kText, true},
                            {"url", kText, true},
                            {"secret_env", kText, false},
                            {"secret_file", kText, false},
                            {"events", kList, false},
                            {"retry_base_seconds", kText, false},
                            {"max_backoff_seconds", kText, false},
                            {"disable_after", kText, false},
                            {"timeout_seconds", kText, false}};

WebhookSettings webhook_from(const catalog::detail::Doc& doc, const YAML::Node& n) {
  doc.keys(n, "webhooks", kWebhook);
  WebhookSettings w;
  w.endpoint.name = doc.str(n, "name");
  if (!valid_name(w.endpoint.name)) throw doc.fail(n["name"], "webhook name: letters, digits, - _ . (at most 64)");
  w.endpoint.url = doc.str(n, "url");
  if (w.endpoint.url.rfind("http://", 0) != 0 && w.endpoint.url.rfind("https://", 0) != 0)
    throw doc.fail(n["url"], "webhook " + w.endpoint.name + ": url must start with http:// or https://");
  w.secret = SecretRef::from(doc, n, "secret", "webhook " + w.endpoint.name);
  if (n["events"].IsDefined()) {
    for (const auto& e : doc.seq(n, "events")) {
      const std::string t = e.as<std::string>();
      if (!records::is_webhook_event_type(t)) {
        std::string known;
        for (const char* k : records::kWebhookEventTypes) known += std::string(known.empty() ? "" : ", ") + k;
        throw doc.fail(e, "webhook " + w.endpoint.name + ": unknown event '" + t + "' (known: " + known + ")");
      }
      w.endpoint.events.push_back(t);
    }
  } else {
    for (const char* k : records::kWebhookEventTypes) w.endpoint.events.emplace_back(k);
  }
  w.backoff.base_seconds = doc.integer(n, "retry_base_seconds", 1, 86400, 30);
  w.backoff.max_seconds = doc.integer(n, "max_backoff_seconds", 1, 7 * 86400, 3600);
  w.backoff.disable_after = doc.integer(n, "disable_after", 1, 1000, 10);
  w.timeout_seconds = doc.integer(n, "timeout_seconds", 1, 300, 10);
  return w;
}

}  // namespace

std::string SecretRef::read() const {
  if (!env.empty()) {
    const char* v = std::getenv(env.c_str());
    if (!v || !*v) throw ConnectorError(who + ": the environment variable " + env + " is not set");
    return v;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConnectorError(who + ": cannot read the secret file " + file);
  std::stringstream s;
  s << in.rdbuf();
  std::string v = trimmed(s.str());
  if (v.empty()) throw ConnectorError(who + ": the secret file " + file + " is empty");
  return v;
}

SecretRef SecretRef::from(const catalog::detail::Doc& doc, const YAML::Node& node, const std::string& key,
                          const std::string& who) {
  SecretRef r{doc.opt_str(node, key + "_env"), doc.opt_str(node, key + "_file"), who};
  if (r.env.empty() == r.file.empty())
    throw doc.fail(node, who + ": give exactly one of " + key + "_env or " + key + "_file (never the secret itself)");
  return r;
}

const ConnectorSettings* ConnectorsConfig::find(const std::string& name) const {
  for (const auto& c : connectors)
    if (c.name == name) return &c;
  return nullptr;
}

ConnectorsConfig load_connectors_config(const std::string& path) {
  auto doc = std::make_shared<catalog::detail::Doc>(path);
  const YAML::Node& root = doc->root();
  doc->keys(root, "", kTop);
  if (!root["connectors"].IsDefined() && !root["webhooks"].IsDefined())
    throw doc->fail(root, "configures nothing: give a 'connectors:' or a 'webhooks:' section");
  ConnectorsConfig cfg;
  cfg.file = path;
  std::set<std::string> names;
  if (root["connectors"].IsDefined() && !root["connectors"].IsNull()) {
    for (const auto& n : doc->seq(root, "connectors")) {
      if (!n.IsMap()) throw doc->fail(n, "each connector is a mapping (name:, kind:, …)");
      ConnectorSettings s;
      s.name = doc->str(n, "name");
      if (!valid_name(s.name)) throw doc->fail(n["name"], "connector name: letters, digits, - _ . (at most 64)");
      if (!names.insert(s.name).second) throw doc->fail(n["name"], "two connectors are named " + s.name);
      s.kind = doc->str(n, "kind");
      s.every_minutes = doc->integer(n, "every_minutes", 0, 7 * 24 * 60, 0);
      s.node = YAML::Node(n);
      s.doc = doc;
      make_connector(s);  // checks the kind's own keys now, not at the first run
      cfg.connectors.push_back(std::move(s));
    }
  }
  std::set<std::string> hooks;
  if (root["webhooks"].IsDefined() && !root["webhooks"].IsNull()) {
    for (const auto& n : doc->seq(root, "webhooks")) {
      if (!n.IsMap()) throw doc->fail(n, "each webhook is a mapping (name:, url:, …)");
      auto w = webhook_from(*doc, n);
      if (!hooks.insert(w.endpoint.name).second)
        throw doc->fail(n["name"], "two webhooks are named " + w.endpoint.name);
      cfg.webhooks.push_back(std::move(w));
    }
  }
  return cfg;
}

}  // namespace hoshi::connectors
