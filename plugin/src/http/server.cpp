#include "http/server.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "http/api_routes.hpp"
#include "http/auth.hpp"
#include "http/erp_routes.hpp"
#include "http/exchange.hpp"
#include "http/http_error.hpp"
#include "http/http_front.hpp"
#include "http/rate_limit.hpp"
#include "http/supplier_form.hpp"
#include "http/supplier_uploads.hpp"
#include "service/letters.hpp"
#include "store/database.hpp"
#include "store/supplier_links.hpp"

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

class Handler {
 public:
  explicit Handler(Shared& s) : s_(s) {}
  void handle(Request& req, Responder& res) {
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
    } catch (const Error& e) {
      answer(ex, http_error(e));
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
    if (ex.sent()) return ex.abort();
    try {
      ex.problem(e);
    } catch (const std::exception&) {
    }
  }
  Shared& s_;
};

// The most a request may send: a form or JSON body; an evidence upload (POST
// /s/<token>/evidence) more, once a worker has found that its link exists — so a
// made-up link cannot make the front hold megabytes.
std::size_t usual_body_limit(const WebOptions& o) {
  return std::max<std::size_t>({o.max_body, SupplierForm::kMaxForm, 64 * 1024});
}

HttpFront::BodyRule body_rule(const RequestHead& head, const WebOptions& o) {
  const std::size_t usual = usual_body_limit(o);
  const bool upload = head.method == "POST" && head.target.rfind("/s/", 0) == 0 &&
                      head.target.find('/', 3) != std::string::npos &&
                      head.target.compare(head.target.find('/', 3), std::string::npos, "/evidence") == 0;
  return {usual, upload && head.body != RequestHead::Body::none &&
                     (head.body == RequestHead::Body::chunked || head.content_length > usual)};
}

std::size_t checked_upload_limit(const RequestHead& head, const WebOptions& o, Service& svc) {
  const std::size_t usual = usual_body_limit(o);
  const std::size_t slash = head.target.find('/', 3);
  const std::string token = head.target.substr(3, slash - 3);
  const bool known =
      svc.with_repos<records::SupplierLinks>([&](records::SupplierLinks& l) { return l.find(token).has_value(); });
  return known ? std::max(usual, max_upload_body(svc.catalogs().policy.evidence)) : usual;
}

}  // namespace

struct WebServer::Impl {
  Impl(Service& svc, const WebOptions& o) : shared(svc, o), handler(shared) {}
  Shared shared;
  Handler handler;
  std::unique_ptr<HttpFront> front;
  int port = 0;
  bool running = false;
};

WebServer::WebServer(Service& svc, WebOptions options) : impl_(std::make_unique<Impl>(svc, options)) {}

WebServer::~WebServer() { stop(); }

void WebServer::start() {
  if (impl_->running) return;
  const WebOptions& o = impl_->shared.options;
  FrontOptions f;
  f.host = o.host;
  f.port = o.port;
  f.workers = std::max(2, o.max_threads);
  f.max_queued = static_cast<std::size_t>(std::max(1, o.max_queued));
  f.max_connections = o.max_connections;
  f.max_per_address = o.max_per_address;
  f.head_timeout_ms = o.head_timeout_ms;
  f.idle_timeout_ms = o.idle_timeout_ms;
  Impl* impl = impl_.get();
  impl_->front = std::make_unique<HttpFront>(
      f, [impl](Request& req, Responder& res) { impl->handler.handle(req, res); },
      [impl](const RequestHead& head) { return body_rule(head, impl->shared.options); },
      [impl](const RequestHead& head) { return checked_upload_limit(head, impl->shared.options, impl->shared.svc); });
  impl_->front->start();
  impl_->port = impl_->front->port();
  impl_->running = true;
}

void WebServer::stop() {
  if (!impl_ || !impl_->running) return;
  impl_->front->stop();
  impl_->front.reset();
  impl_->running = false;
}

int WebServer::port() const { return impl_->port; }

std::string WebServer::base_url() const {
  const std::string& h = impl_->shared.options.host;
  const bool v6 = h.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + h + "]" : h) + ":" + std::to_string(impl_->port) + "/";
}

}  // namespace hoshi::http
