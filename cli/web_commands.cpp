// `serve` (the web server: REST API, later the ERP screens and supplier form) and
// `apikey` (the staff keys the server accepts).
#include <pthread.h>
#include <signal.h>

#include <iomanip>
#include <iostream>

#include "cli.hpp"
#include "http/server.hpp"
#include "records/api_keys.hpp"
#include "service/service.hpp"

namespace hoshi::cli {

int cmd_serve(const Globals& g, Args& a) {
  http::WebOptions o;
  if (std::string listen = a.take_value("--listen"); !listen.empty()) {
    std::string why;
    if (!http::parse_listen(listen, o.host, o.port, why)) throw UsageError{"--listen " + listen + ": " + why};
  } else {
    o.port = 8470;
  }
  if (!a.positionals().empty()) throw UsageError{"serve takes no arguments besides --listen"};

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
            << "api/v1/; stop with Ctrl-C)" << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  server.stop();
  std::cout << "hoshitori: stopped" << std::endl;
  return kOk;
}

int cmd_apikey(const Globals& g, Args& a) {
  const std::string sub = a.take_first();
  if (sub == "create") {
    const std::string name = a.take_value("--name"), role_text = a.take_value("--role");
    if (name.empty()) throw UsageError{"apikey create needs --name NAME (whose key: a person or a host system)"};
    records::Role role;
    if (!records::parse_role(role_text, role)) throw UsageError{"apikey create needs --role viewer|buyer|admin"};
    if (!a.positionals().empty()) throw UsageError{"apikey create takes --name and --role only"};
    auto svc = open_service(g, false);
    if (!svc) return kUnusable;
    try {
      auto created = svc->with_db(
          [&](store::Database& db) { return records::ApiKeys(db, svc->principal()).create(name, role, g.actor); });
      std::cout << created.secret << std::endl;
      std::cerr << "hoshitori: key \"" << name << "\" (" << role_text
                << ") created. It is shown only now: keep it where the host keeps secrets.\n";
      return kOk;
    } catch (const std::invalid_argument& e) {
      std::cerr << "hoshitori: " << e.what() << "\n";
      return kUnusable;
    } catch (const std::domain_error& e) {
      std::cerr << "hoshitori: " << e.what() << "\n";
      return kRejected;
    }
  }
  if (sub == "list") {
    if (!a.positionals().empty()) throw UsageError{"apikey list takes no arguments"};
    auto svc = open_service(g, true);
    if (!svc) return kUnusable;
    auto keys = svc->with_db([&](store::Database& db) { return records::ApiKeys(db).list(); });
    std::cout << std::left << std::setw(14) << "id" << std::setw(8) << "role" << std::setw(26) << "created"
              << std::setw(26) << "revoked"
              << "name\n";
    for (const auto& k : keys)
      std::cout << std::setw(14) << k.id << std::setw(8) << records::role_name(k.role) << std::setw(26)
                << k.created_at << std::setw(26) << k.revoked_at.value_or("-") << k.name << "\n";
    return kOk;
  }
  if (sub == "revoke") {
    auto pos = a.positionals();
    if (pos.size() != 1) throw UsageError{"apikey revoke NAME"};
    auto svc = open_service(g, true);
    if (!svc) return kUnusable;
    bool done = svc->with_db(
        [&](store::Database& db) { return records::ApiKeys(db, svc->principal()).revoke(pos[0], g.actor); });
    if (!done) {
      std::cerr << "hoshitori: no live key named \"" << pos[0] << "\"\n";
      return kNotFound;
    }
    std::cerr << "hoshitori: key \"" << pos[0] << "\" revoked (servers stop accepting it within 2 s)\n";
    return kOk;
  }
  throw UsageError{"apikey create|list|revoke"};
}

}  // namespace hoshi::cli
