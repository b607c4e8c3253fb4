// The one translation of the error model to HTTP: an Error's Code → a status, its title,
// and the problem document's "code" (and the refused rules).
#pragma once
#include "core/error.hpp"
#include "http/exchange.hpp"

namespace hoshi::http {

// invalid 400, notfound 404, conflict 409, refused 422 (with the rules), busy 503,
// error 500. `detail`: what the problem document says (default: the error's message).
HttpError http_error(const Error& e);
HttpError http_error(const Error& e, const std::string& detail);

}  // namespace hoshi::http
