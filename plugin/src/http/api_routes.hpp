// The REST API under /api/v1: each route checks the caller's role, turns the HTTP
// request into the same {"op": …} document hoshitori_query_json takes, and answers
// with that op's JSON (or problem+json). See schemas/openapi.yaml.
#pragma once
#include <string>

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

}  // namespace hoshi::http
