#include "connectors/transport/http_transport.hpp"

#include <cpprest/http_client.h>
#include <pplx/threadpool.h>

#include <map>
#include <memory>
#include <mutex>

namespace hoshi::connectors {

namespace {
// cpprestsdk starts 40 threads on first use unless told otherwise; a plugin inside an
// ERP process has no use for them.
void small_threadpool() {
  static std::once_flag once;
  std::call_once(once, [] {
    try {
      crossplat::threadpool::initialize_with_threads(2);
    } catch (const std::exception&) {
      // already started by someone else in this process: theirs is used
    }
  });
}
}  // namespace

// One client per server and timeout, per thread: a client keeps its connection open, so a
// run of webhook posts or JSON-RPC calls does not connect anew for each.
web::http::client::http_client& client_for(const web::uri& url, int timeout_seconds) {
  thread_local std::map<std::string, std::unique_ptr<web::http::client::http_client>> clients;
  web::uri_builder base;
  base.set_scheme(url.scheme()).set_host(url.host()).set_port(url.port());
  const web::uri root = base.to_uri();
  const std::string key = root.to_string() + " " + std::to_string(timeout_seconds);
  auto it = clients.find(key);
  if (it == clients.end()) {
    if (clients.size() >= 16) clients.clear();
    web::http::client::http_client_config config;
    config.set_timeout(std::chrono::seconds(timeout_seconds));
    it = clients.emplace(key, std::make_unique<web::http::client::http_client>(root, config)).first;
  }
  return *it->second;
}

HttpResponse http_send(const HttpRequest& request, std::size_t max_body) {
  small_threadpool();
  using namespace web::http;
  try {
    const web::uri url(request.url);
    auto& client = client_for(url, request.timeout_seconds);
    http_request req(request.method);
    req.set_request_uri(url.resource());
    for (const auto& [name, value] : request.headers) req.headers().add(name, value);
    if (!request.body.empty() || request.method == methods::POST) req.set_body(request.body, request.content_type);
    http_response resp = client.request(req).get();
    HttpResponse out;
    out.status = resp.status_code();
    for (const auto& [name, value] : resp.headers()) out.headers.emplace_back(name, value);
    auto length = resp.headers().content_length();
    if (length > max_body)
      throw TransportError(request.url + ": the answer is larger than " + std::to_string(max_body) + " bytes");
    std::vector<unsigned char> bytes = resp.extract_vector().get();
    if (bytes.size() > max_body)
      throw TransportError(request.url + ": the answer is larger than " + std::to_string(max_body) + " bytes");
    out.body.assign(bytes.begin(), bytes.end());
    return out;
  } catch (const TransportError&) {
    throw;
  } catch (const http_exception& e) {
    throw TransportError(request.url + ": " + e.what());
  } catch (const web::uri_exception& e) {
    throw TransportError(request.url + ": not a usable URL (" + e.what() + ")");
  } catch (const std::exception& e) {
    throw TransportError(request.url + ": " + e.what());
  }
}

}  // namespace hoshi::connectors
