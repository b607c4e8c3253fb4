// `serve` (the web server: REST API, later the ERP screens and supplier form) and
// `apikey` (the staff keys the server accepts).
#include <pthread.h>
#include <signal.h>

#include <iomanip>
#include <iostream>
#include <type_traits>

#include <Poco/JSON/Parser.h>

#include "api/json_api.hpp"
#include "cli.hpp"
#include "http/server.hpp"
#include "service/service.hpp"
#include "store/api_keys.hpp"

namespace hoshi::cli {

int cmd_serve(const Globals& g, Args& a) {
  http::WebOptions o;
  if (std::string listen = a.take_value("--listen"); !listen.empty()) {
    std::string why;
    if (!http::parse_listen(listen, o.host, o.port, why)) throw UsageError{"--listen " + listen + ": " + why};
  } else {
    o.port = 8470;
  }
  if (std::string fa = a.take_value("--frame-ancestors"); !fa.empty()) {
    if (fa.find_first_of(";,\r\n") != std::string::npos)
      throw UsageError{"--frame-ancestors takes CSP sources separated by spaces ('self' https://erp.example)"};
    o.frame_ancestors = fa;
  }
  if (std::string url = a.take_value("--public-url"); !url.empty()) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    if ((url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) ||
        url.find_first_of(" \t\r\n\"<>?#") != std::string::npos)
      throw UsageError{
          "--public-url takes the base URL suppliers and staff reach the server at (https://hoshitori.example.co.jp)"};
    o.public_url = url;
  }
  // the front's bounds (README: Limits)
  auto count = [&](const char* flag, long lo, long hi, auto& field, long scale = 1) {
    const std::string v = a.take_value(flag);
    if (v.empty()) return;
    if (v.size() > 7 || v.find_first_not_of("0123456789") != std::string::npos || std::stol(v) < lo ||
        std::stol(v) > hi)
      throw UsageError{std::string(flag) + " takes a whole number from " + std::to_string(lo) + " to " +
                       std::to_string(hi) + ", not \"" + v + "\""};
    field = static_cast<std::remove_reference_t<decltype(field)>>(std::stol(v) * scale);
  };
  count("--workers", 2, 256, o.max_threads);
  count("--max-connections", 16, 1000000, o.max_connections);
  count("--max-per-address", 0, 1000000, o.max_per_address);
  count("--head-timeout", 1, 3600, o.head_timeout_ms, 1000);
  count("--idle-timeout", 1, 3600, o.idle_timeout_ms, 1000);
  const std::string smtp_flag = a.take_value("--smtp"), connectors_file = a.take_value("--connectors");
  if (!a.positionals().empty())
    throw UsageError{
        "serve takes no arguments besides --listen, --frame-ancestors, --public-url, --smtp, --connectors, "
        "--workers, --max-connections, --max-per-address, --head-timeout and --idle-timeout"};

  // Block the stop signals in every thread (the server's inherit the mask), then wait
  // for one here: a clean stop that lets requests in progress finish.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  auto svc = open_service(g, false);
  if (!svc) return kUnusable;
  http::WebServer server(*svc, o);
  try {
    server.start();
  } catch (const std::exception& e) {
    std::cerr << "hoshitori: " << e.what() << "\n";
    return kUnusable;
  }
  std::cout << "hoshitori: serving " << server.base_url() << " (REST API under " << server.base_url()
            << "api/v1/, ERP screens under " << server.base_url() << "erp/; stop with Ctrl-C)" << std::endl;
  std::unique_ptr<BackgroundSender> sender;
  const std::string smtp = configured_smtp(smtp_flag, *svc);
  try {
    if (!smtp.empty()) sender = std::make_unique<BackgroundSender>(*svc, smtp);
  } catch (const UsageError& e) {
    std::cerr << "hoshitori: " << e.message << "\n";
    server.stop();
    return kUnusable;
  }
  std::unique_ptr<BackgroundConnectors> connectors;
  if (!connectors_file.empty()) {
    try {
      connectors = std::make_unique<BackgroundConnectors>(*svc, connectors_file, g.actor);
    } catch (const std::exception& e) {
      std::cerr << "hoshitori: " << e.what() << "\n";
      sender.reset();
      server.stop();
      return kUnusable;
    }
    std::cerr << "hoshitori: connectors and webhooks from " << connectors_file << std::endl;
  }
  std::cerr << (sender ? "hoshitori: sending queued mail through " + smtp
                       : std::string("hoshitori: no SMTP server (--smtp): campaign mail stays queued"))
            << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  connectors.reset();
  sender.reset();
  server.stop();
  std::cout << "hoshitori: stopped" << std::endl;
  return kOk;
}

namespace {
Poco::JSON::Object::Ptr op_doc(const char* op) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("op", op);
  return o;
}
}  // namespace

int cmd_apikey(const Globals& g, Args& a) {
  const std::string sub = a.take_first();
  Poco::JSON::Object::Ptr out;
  if (sub == "create") {
    const std::string name = a.take_value("--name"), role = a.take_value("--role");
    if (name.empty()) throw UsageError{"apikey create needs --name NAME (whose key: a person or a host system)"};
    records::Role parsed;
    if (!records::parse_role(role, parsed)) throw UsageError{"apikey create needs --role viewer|buyer|admin"};
    if (!a.positionals().empty()) throw UsageError{"apikey create takes --name and --role only"};
    auto req = op_doc("apikey_create");
    req->set("name", name);
    req->set("role", role);
    req->set("actor", g.actor);
    if (int rc = call(g, false, req, out)) return rc;
    std::cout << out->getValue<std::string>("key") << std::endl;
    std::cerr << "hoshitori: key \"" << name << "\" (" << role
              << ") created. It is shown only now: keep it where the host keeps secrets.\n";
    return kOk;
  }
  if (sub == "list") {
    if (!a.positionals().empty()) throw UsageError{"apikey list takes no arguments"};
    if (int rc = call(g, true, op_doc("apikeys"), out)) return rc;
    std::cout << std::left << std::setw(14) << "id" << std::setw(8) << "role" << std::setw(26) << "created"
              << std::setw(26) << "revoked"
              << "name\n";
    auto keys = out->getArray("keys");
    for (std::size_t i = 0; i < keys->size(); ++i) {
      auto k = keys->getObject(static_cast<unsigned>(i));
      const std::string revoked = k->isNull("revoked_at") ? "-" : k->getValue<std::string>("revoked_at");
      std::cout << std::setw(14) << k->getValue<std::string>("id") << std::setw(8) << k->getValue<std::string>("role")
                << std::setw(26) << k->getValue<std::string>("created_at") << std::setw(26) << revoked
                << k->getValue<std::string>("name") << "\n";
    }
    return kOk;
  }
  if (sub == "revoke") {
    auto pos = a.positionals();
    if (pos.size() != 1) throw UsageError{"apikey revoke NAME"};
    auto req = op_doc("apikey_revoke");
    req->set("name", pos[0]);
    req->set("actor", g.actor);
    if (int rc = call(g, true, req, out)) return rc;
    std::cerr << "hoshitori: key \"" << pos[0] << "\" revoked (every server refuses it from its next request)\n";
    return kOk;
  }
  throw UsageError{"apikey create|list|revoke"};
}

int cmd_erp_link(const Globals& g, Args& a) {
  const std::string user = a.take_value("--for"), role = a.take_value("--role"), next = a.take_value("--next"),
                    ttl = a.take_value("--ttl"), base = a.take_value("--base");
  if (user.empty() || role.empty()) throw UsageError{"erp-link needs --for NAME and --role viewer|buyer|admin"};
  if (!a.positionals().empty()) throw UsageError{"erp-link takes --for, --role, --next, --ttl and --base"};
  auto req = op_doc("erp_link");
  req->set("user", user);
  req->set("role", role);
  if (!next.empty()) req->set("next", next);
  if (!ttl.empty()) {
    if (ttl.size() > 6 || ttl.find_first_not_of("0123456789") != std::string::npos)
      throw UsageError{"--ttl is whole seconds"};
    req->set("ttl_seconds", std::stoll(ttl));
  }
  Poco::JSON::Object::Ptr out;
  if (int rc = call(g, false, req, out)) return rc;
  std::string prefix = base;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  std::cout << prefix << out->getValue<std::string>("path") << std::endl;
  return kOk;
}

}  // namespace hoshi::cli
