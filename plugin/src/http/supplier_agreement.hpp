// The supplier keeps the agreement too: GET /s/<token>/agreement.txt downloads the
// request's agreement (the latest version, or ?version=N) exactly as stored and hashed,
// so its SHA-256 is the one both sides confirmed; the version and the SHA-256 go in
// X-Hoshitori-Agreement-Version / X-Hoshitori-Agreement-SHA256 and the page shows them.
// Served while the supplier link is live (supplier_form.cpp decides that first).
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "http/exchange.hpp"
#include "service/service.hpp"

namespace hoshi::http {

using FailPage = std::function<void(int status, const std::string& title, const std::string& detail)>;

void send_supplier_agreement(Exchange& ex, Service& svc, const std::string& number,
                             const std::optional<std::string>& version, const FailPage& fail_page);

}  // namespace hoshi::http
