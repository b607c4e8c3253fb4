// The REST API under /api/v1: the routes of the op table (api/op_table.hpp) and a few of
// its own. Each checks the caller's role (the op's), reads the op's arguments from the
// path, the query or the body, calls the op's handler with them and answers with its JSON
// (or problem+json). See schemas/openapi.yaml.
#pragma once
#include <string>
#include <vector>

#include "http/auth.hpp"
#include "http/exchange.hpp"
#include "service/service.hpp"

namespace hoshi::http {

struct ApiContext {
  Service& svc;
  Authenticator& auth;
  std::string openapi_path;  // schemas/openapi.yaml, served at /api/v1/openapi.yaml
  std::size_t max_body = 1 << 20;
};

// `ex.segments()` begins with "api", "v1".
void handle_api(Exchange& ex, ApiContext& ctx);

// Every route, for `hoshitori ops --json` (checked against openapi.yaml): method, path
// (/api/v1/…) and the op it runs ("" for none).
struct RouteInfo {
  std::string method, path, op;
};
std::vector<RouteInfo> api_route_list();

}  // namespace hoshi::http
