// `hoshitori sync`, `hoshitori webhook …` and the connectors thread of `serve`.
#include <chrono>
#include <iostream>
#include <thread>

#include "api/json_api.hpp"
#include "cli.hpp"
#include "connectors/config.hpp"
#include "connectors/sync.hpp"
#include "connectors/webhook/webhook_sender.hpp"
#include "service/service.hpp"
#include "store/audit_log.hpp"
#include "store/outbox.hpp"

namespace hoshi::cli {

namespace {

std::string config_path(Args& a) {
  std::string path = a.take_value("--config");
  if (path.empty()) {
    const char* env = std::getenv("HOSHITORI_CONNECTORS");
    path = env && *env ? env : "connectors.yaml";
  }
  return path;
}

// Prints what is wrong with the file and returns false.
bool load(const std::string& path, connectors::ConnectorsConfig& out) {
  try {
    out = connectors::load_connectors_config(path);
    return true;
  } catch (const std::exception& e) {
    std::cerr << "hoshitori: " << e.what() << "\n";
    return false;
  }
}

void print_sync(const connectors::SyncReport& r) {
  for (const auto& x : r.rejected)
    std::cerr << r.connector << ": " << x.where << ": " << x.field << ": " << x.reason << "\n";
  std::cout << r.connector << (r.dry_run ? " (dry run)" : "") << ": read " << r.read << ", created " << r.created
            << ", updated " << r.updated << ", unchanged " << r.unchanged << ", deactivated " << r.deactivated
            << ", rejected " << r.rejected.size();
  if (r.pushed)
    std::cout << "; standings " << (r.dry_run ? "to write " : "written ") << r.push.written << ", unchanged "
              << r.push.unchanged;
  std::cout << "\n";
  if (!r.ok())
    std::cerr << r.connector << ": failed: " << r.error << " (nothing of it was applied; the next run tries again)\n";
}

void print_pass(const connectors::WebhookPass& p) {
  for (const auto& line : p.problems) std::cerr << "hoshitori: " << line << "\n";
  for (const auto& name : p.disabled)
    std::cerr << "hoshitori: webhook " << name << " is DISABLED after repeated failures; its events keep queueing. "
              << "Fix the receiver, then: hoshitori webhook enable " << name << "\n";
}

void pause(const std::atomic<bool>* stop, int millis) {
  for (int i = 0; i < millis / 100 && !(stop && stop->load()); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

void register_webhooks_or_say(Service& svc, const connectors::ConnectorsConfig& cfg, const std::string& actor) {
  try {
    connectors::register_webhooks(svc, cfg, actor);
  } catch (const std::exception& e) {
    std::cerr << "hoshitori: registering webhooks: " << e.what() << "\n";
  }
}

}  // namespace

int cmd_sync(const Globals& g, Args& a) {
  const std::string path = config_path(a), only = a.take_value("--connector"), actor = by(g, a);
  const bool dry = a.take_switch("--dry-run"), json = a.take_switch("--json");
  if (!a.positionals().empty())
    throw UsageError{"sync [--connector NAME] [--dry-run] [--config FILE] [--json] [--by USER]"};
  connectors::ConnectorsConfig cfg;
  if (!load(path, cfg)) return kUnusable;
  if (!only.empty() && !cfg.find(only)) {
    std::cerr << "hoshitori: " << path << " has no connector named " << only << "\n";
    return kNotFound;
  }
  if (cfg.connectors.empty()) {
    std::cerr << "hoshitori: " << path << " names no connectors\n";
    return kUnusable;
  }
  auto svc = open_service(g, false);
  if (!svc) return kUnusable;
  if (!dry) register_webhooks_or_say(*svc, cfg, actor);
  int rc = kOk;
  Poco::JSON::Array::Ptr all = new Poco::JSON::Array;
  for (const auto& r : connectors::run_syncs(*svc, cfg.connectors, only, dry, actor)) {
    if (json) {
      all->add(connectors::sync_report_json(r));
    } else {
      print_sync(r);
    }
    if (!r.ok()) {
      rc = kUnusable;
    } else if (!r.rejected.empty() && rc == kOk) {
      rc = kRejected;
    }
  }
  if (json) std::cout << api::to_string(all) << "\n";
  return rc;
}

int cmd_webhook(const Globals& g, Args& a) {
  const std::string sub = a.take_first();
  if (sub == "run") {
    const std::string path = config_path(a);
    const bool once = a.take_switch("--once");
    if (!a.positionals().empty()) throw UsageError{"webhook run [--once] [--config FILE]"};
    connectors::ConnectorsConfig cfg;
    if (!load(path, cfg)) return kUnusable;
    auto svc = open_service(g, false);
    if (!svc) return kUnusable;
    register_webhooks_or_say(*svc, cfg, g.actor);
    const std::string me = records::SenderId::for_this_process().id;
    long long delivered = 0, failed = 0;
    for (;;) {
      auto pass = connectors::deliver_webhooks(*svc, cfg.webhooks, me);
      print_pass(pass);
      delivered += pass.delivered;
      failed += pass.failed;
      if (once) break;
      pause(nullptr, 1000);
    }
    std::cout << "delivered " << delivered << ", failed attempts " << failed << "\n";
    return failed ? kRejected : kOk;
  }
  if (sub == "status") {
    const bool json = a.take_switch("--json");
    if (!a.positionals().empty()) throw UsageError{"webhook status [--json]"};
    Poco::JSON::Object::Ptr req = new Poco::JSON::Object, out;
    req->set("op", "webhook_status");
    if (int rc = call(g, true, req, out); rc != kOk) return rc;
    auto hooks = out->getArray("webhooks");
    bool disabled = false;
    for (std::size_t i = 0; i < hooks->size(); ++i) {
      auto h = hooks->getObject(static_cast<unsigned>(i));
      auto text = [&](const char* key) { return h->isNull(key) ? std::string() : h->getValue<std::string>(key); };
      disabled |= text("state") == "disabled";
      if (json) continue;
      std::cout << text("name") << "  " << text("state") << "  " << text("url") << "  pending "
                << h->getValue<long long>("pending") << ", delivered " << h->getValue<long long>("delivered");
      if (h->getValue<long long>("failures"))
        std::cout << ", failures in a row " << h->getValue<long long>("failures") << " (next try " << text("next_at")
                  << ")";
      if (!text("last_error").empty()) std::cout << ", last error: " << text("last_error");
      std::cout << "\n";
    }
    if (json) std::cout << api::to_string(hooks) << "\n";
    return disabled ? kRejected : kOk;
  }
  if (sub == "enable") {
    Poco::JSON::Object::Ptr req = new Poco::JSON::Object, out;
    req->set("op", "webhook_enable");
    req->set("actor", by(g, a));
    auto pos = a.positionals();
    if (pos.size() != 1) throw UsageError{"webhook enable NAME [--by USER]"};
    req->set("name", pos[0]);
    if (int rc = call(g, true, req, out); rc != kOk) return rc;
    std::cout << "webhook " << pos[0] << " is active again; its queued events go at the next run\n";
    return kOk;
  }
  throw UsageError{"webhook run|status|enable"};
}

BackgroundConnectors::BackgroundConnectors(Service& svc, const std::string& config_file, const std::string& actor) {
  connectors::ConnectorsConfig cfg = connectors::load_connectors_config(config_file);  // mistakes stop serve
  register_webhooks_or_say(svc, cfg, actor);
  thread_ = std::thread([this, &svc, cfg, actor] {
    const std::string me = records::SenderId::for_this_process().id;
    while (!stop_.load()) {
      try {
        print_pass(connectors::deliver_webhooks(svc, cfg.webhooks, me, &stop_));
        for (const auto& c : cfg.connectors) {
          if (c.every_minutes <= 0 || stop_.load()) continue;
          const std::string last = connectors::last_sync_at(svc, c.name);
          if (!last.empty() && last > records::audit_time_after(-60LL * c.every_minutes)) continue;
          auto r = connectors::run_sync(svc, c, false, actor);
          print_sync(r);
        }
      } catch (const std::exception& e) {
        std::cerr << "hoshitori: connectors: " << e.what() << "\n";
      }
      pause(&stop_, 1000);
    }
  });
}

BackgroundConnectors::~BackgroundConnectors() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

}  // namespace hoshi::cli
