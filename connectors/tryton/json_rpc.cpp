#include "connectors/tryton/json_rpc.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "connectors/transport/http_transport.hpp"
#include "core/base64.hpp"
#include "service/json_parse.hpp"

namespace hoshi::connectors {

TrytonRpc::TrytonRpc(std::string url, const std::string& database, std::string user, SecretRef password,
                     int timeout_seconds)
    : endpoint_(std::move(url)),
      user_(std::move(user)),
      password_(std::move(password)),
      timeout_seconds_(timeout_seconds) {
  if (endpoint_.empty() || endpoint_.back() != '/') endpoint_ += '/';
  endpoint_ += database + "/";
}

Poco::Dynamic::Var TrytonRpc::post(const std::string& method, const Poco::JSON::Array::Ptr& params, int& status) {
  Poco::JSON::Object body;
  body.set("id", next_id_++);
  body.set("method", method);
  body.set("params", params);
  std::ostringstream text;
  Poco::JSON::Stringifier::condense(body, text);
  HttpRequest req;
  req.url = endpoint_;
  req.body = text.str();
  req.timeout_seconds = timeout_seconds_;
  if (!authorization_.empty()) req.headers.emplace_back("Authorization", authorization_);
  HttpResponse resp;
  try {
    resp = http_send(req);
  } catch (const TransportError& e) {
    throw ConnectorError(std::string("Tryton is not reachable: ") + e.what());
  }
  status = resp.status;
  if (status == 401 || status == 403) return {};
  if (status != 200)
    throw ConnectorError("Tryton answered HTTP " + std::to_string(status) + " to " + method + " at " + endpoint_);
  Poco::Dynamic::Var parsed;
  try {
    parsed = api::parse_json(resp.body);  // a key given twice is refused, not read as the last
  } catch (const std::exception& e) {
    throw ConnectorError("Tryton's answer to " + method + " is not JSON (" + e.what() + ")");
  }
  auto o = parsed.extract<Poco::JSON::Object::Ptr>();
  if (o->has("error") && !o->isNull("error")) {
    // ["UserError", ["message", "description"]] or ["KeyError", "…"]
    std::string what = o->get("error").toString();
    throw ConnectorError("Tryton refused " + method + ": " + what.substr(0, 500));
  }
  return o->get("result");
}

void TrytonRpc::login() {
  Poco::JSON::Array::Ptr params = new Poco::JSON::Array;
  params->add(user_);
  Poco::JSON::Object::Ptr parameters = new Poco::JSON::Object;
  parameters->set("password", password_.read());
  params->add(parameters);
  params->add("en");
  authorization_.clear();
  int status = 0;
  auto result = post("common.db.login", params, status);
  if (status == 401 || status == 403 || result.isEmpty() || result.type() != typeid(Poco::JSON::Array::Ptr))
    throw ConnectorError("Tryton refused the login of " + user_ + " at " + endpoint_ + " (user or password wrong?)");
  auto pair = result.extract<Poco::JSON::Array::Ptr>();
  const std::string token = user_ + ":" + pair->get(0).toString() + ":" + pair->get(1).toString();
  authorization_ = "Session " + base64_encode(token);
}

Poco::Dynamic::Var TrytonRpc::call(const std::string& method, const Poco::JSON::Array::Ptr& params) {
  if (authorization_.empty()) login();
  int status = 0;
  auto result = post(method, params, status);
  if (status == 401 || status == 403) {  // the session expired: once more, freshly logged in
    login();
    result = post(method, params, status);
    if (status == 401 || status == 403)
      throw ConnectorError("Tryton refused " + method + " to " + user_ + " (HTTP " + std::to_string(status) + ")");
  }
  return result;
}

}  // namespace hoshi::connectors
