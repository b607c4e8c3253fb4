#include "http/server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include <filesystem>
#include <iostream>

#include "http/api_routes.hpp"
#include "http/auth.hpp"
#include "http/erp_routes.hpp"
#include "http/exchange.hpp"
#include "http/rate_limit.hpp"
#include "http/supplier_form.hpp"
#include "records/letters.hpp"
#include "store/database.hpp"

namespace hoshi::http {

bool parse_listen(const std::string& text, std::string& host, int& port, std::string& why) {
  std::string h = "127.0.0.1", p = text;
  if (!text.empty() && text[0] == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      why = "write an IPv6 address as [::1]:PORT";
      return false;
    }
    h = text.substr(1, close - 1);
    p = text.substr(close + 2);
  } else if (const std::size_t colon = text.rfind(':'); colon != std::string::npos) {
    if (colon > 0) h = text.substr(0, colon);
    p = text.substr(colon + 1);
  }
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos || std::stoi(p) > 65535) {
    why = "the port must be a number from 0 to 65535 (0: any free port)";
    return false;
  }
  host = h;
  port = std::stoi(p);
  return true;
}

namespace {

struct Shared {
  Shared(Service& s, const WebOptions& o)
      : svc(s),
        options(o),
        key_failures(o.bad_key_allowance, std::chrono::seconds(60)),
        auth(s, key_failures),
        api{s, auth, (std::filesystem::path(s.schemas_dir()) / "openapi.yaml").string(), o.max_body},
        screens(s, records::default_templates_dir(s.schemas_dir())),
        signin_failures(o.bad_key_allowance, std::chrono::seconds(60)),
        staff(s, auth, signin_failures),
        erp{screens, staff, o.frame_ancestors, o.public_url},
        link_guesses(o.bad_key_allowance, std::chrono::seconds(60)),
        supplier_form(s, link_guesses, records::default_templates_dir(s.schemas_dir())) {}
  Service& svc;
  WebOptions options;
  FailureLimiter key_failures;
  Authenticator auth;
  ApiContext api;
  ErpScreens screens;
  // bad sign-in links count apart from bad API keys: a flood of forged links (from behind
  // the same proxy as every user) does not lock the host's API key out
  FailureLimiter signin_failures;
  StaffAuth staff;
  ErpContext erp;
  FailureLimiter link_guesses;
  SupplierForm supplier_form;
};

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(Shared& s) : s_(s) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
    Exchange ex(req, res);
    ex.set_secure(s_.options.public_url.rfind("https://", 0) == 0 || ex.header("X-Forwarded-Proto") == "https");
    try {
      ex.validate();
      const auto& segs = ex.segments();
      if (!segs.empty() && segs[0] == "api") return handle_api(ex, s_.api);
      if (!segs.empty() && segs[0] == "erp") return handle_erp(ex, s_.erp);
      if (!segs.empty() && segs[0] == "static") return handle_static(ex, s_.erp);
      if (!segs.empty() && segs[0] == "s") return s_.supplier_form.handle(ex);
      throw HttpError(404, "Not Found",
                      "nothing at " + ex.path() + " (the API is under /api/v1/, the screens under /erp/)");
    } catch (const HttpError& e) {
      answer(ex, e);
    } catch (const store::StoreError& e) {
      answer(ex, HttpError(e.kind == store::StoreError::Kind::busy ? 503 : 500,
                           e.kind == store::StoreError::Kind::busy ? "Service Unavailable" : "Internal Server Error",
                           e.what()));
    } catch (const std::exception& e) {
      answer(ex, HttpError(500, "Internal Server Error", e.what()));
    }
  }

 private:
  // A supplier (under /s/) gets a page it can read; everyone else a problem document.
  void answer(Exchange& ex, const HttpError& e) {
    if (ex.raw_path().rfind("/s/", 0) == 0) {
      try {
        return s_.supplier_form.error_page(ex, e);
      } catch (const std::exception&) {
        // fall back on the problem document below
      }
    }
    reply(ex, e);
  }

  // A problem document, unless the answer had already begun (then the connection is
  // cut short, which the client sees as a broken transfer, not as success).
  static void reply(Exchange& ex, const HttpError& e) {
    if (ex.sent()) return;
    try {
      ex.problem(e);
    } catch (const std::exception&) {
    }
  }
  Shared& s_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(Shared& s) : s_(s) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(s_);
  }

 private:
  Shared& s_;
};

}  // namespace

struct WebServer::Impl {
  Impl(Service& svc, const WebOptions& o) : shared(svc, o), pool(2, std::max(2, o.max_threads)) {}
  Shared shared;
  Poco::ThreadPool pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  int port = 0;
  bool running = false;
};

WebServer::WebServer(Service& svc, WebOptions options) : impl_(std::make_unique<Impl>(svc, options)) {}

WebServer::~WebServer() { stop(); }

void WebServer::start() {
  if (impl_->running) return;
  const WebOptions& o = impl_->shared.options;
  Poco::Net::ServerSocket socket;
  try {
    socket.bind(Poco::Net::SocketAddress(o.host, static_cast<Poco::UInt16>(o.port)), true);
    socket.listen(128);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + e.displayText());
  }
  impl_->port = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(std::max(2, o.max_threads));
  params->setMaxQueued(o.max_queued);
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(1000);
  params->setTimeout(Poco::Timespan(30, 0));
  params->setServerName("hoshitori");
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(impl_->shared), impl_->pool, socket, params);
  impl_->server->start();
  impl_->running = true;
}

void WebServer::stop() {
  if (!impl_ || !impl_->running) return;
  impl_->server->stopAll(true);
  impl_->pool.joinAll();
  impl_->server.reset();
  impl_->running = false;
}

int WebServer::port() const { return impl_->port; }

std::string WebServer::base_url() const {
  const std::string& h = impl_->shared.options.host;
  const bool v6 = h.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + h + "]" : h) + ":" + std::to_string(impl_->port) + "/";
}

}  // namespace hoshi::http
