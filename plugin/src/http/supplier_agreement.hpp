// Both parties keep the agreement. The supplier, from its link:
//   GET /s/<token>/agreement.txt  the agreement (the agreed version, the latest, or
//                                 ?version=N) exactly as stored and hashed, so its SHA-256
//                                 is the one both sides confirmed (version and SHA-256 in
//                                 X-Hoshitori-Agreement-Version / -SHA256);
//   GET /s/<token>/agreement.html the same document as a printable A4 page with its
//                                 version, SHA-256 and both confirmations (who, when, how).
// Staff get the same page at /erp/requests/<number>/agreement.html and the scan of a
// paper-signed copy at /erp/requests/<number>/agreement-scan (erp_routes.cpp).
// supplier_form.cpp decides first whether the link may open them (live, or an agreed
// request inside its agreement's retention: AgreementCopy::kept_until).
#pragma once
#include <functional>
#include <optional>
#include <string>

#include <Poco/JSON/Object.h>

#include "http/exchange.hpp"
#include "http/template_cache.hpp"
#include "service/service.hpp"
#include "store/supplier_links.hpp"

namespace hoshi::http {

using FailPage = std::function<void(int status, const std::string& title, const std::string& detail)>;
using RenderPage = std::function<std::string(const std::string& name, const Poco::JSON::Object::Ptr& ctx)>;

inline RenderPage render_page(TemplateCache& t) {
  return [&t](const std::string& name, const Poco::JSON::Object::Ptr& ctx) { return t.render(name, ctx); };
}

// GET /s/<token>/agreement.txt or agreement.html (`file`), for the link's request.
void send_agreement_download(Exchange& ex, Service& svc, const std::string& number, const std::string& file,
                             const RenderPage& render, const FailPage& fail_page);

// A link past its answering validity (expired, not revoked) of an agreed request, while
// the agreement is kept (AgreementCopy::kept_until, on the service's today): answers GET
// <base> (a page with the two downloads), <base>/agreement.txt and <base>/agreement.html,
// and refuses everything else with 410 — no form works through it. Returns false (nothing
// sent) when the request is not agreed or its agreement's retention has ended.
bool serve_kept_agreement(Exchange& ex, Service& svc, const records::SupplierLink& link, const std::string& base,
                          const RenderPage& render, const FailPage& fail_page);

// ?version=N: nullopt when absent; throws Error (Code::invalid) (Japanese, naming the
// field) when it is not a number.
std::optional<long long> agreement_version_param(const std::optional<std::string>& version);

void send_supplier_agreement(Exchange& ex, Service& svc, const std::string& number,
                             const std::optional<std::string>& version, const FailPage& fail_page);

// The printable page (templates/web/agreement_print.html.mustache) with its own CSP: its
// one inline style block is allowed by hash, nothing else loads. Throws
// Error (Code::notfound) (no such request or version) and Error (Code::invalid) (bad version).
void send_agreement_html(Exchange& ex, Service& svc, const std::string& number,
                         const std::optional<std::string>& version, const RenderPage& render);

// The paper scan for staff (an audit event per download); false when there is none.
bool send_agreement_scan(Exchange& ex, Service& svc, const std::string& number,
                         const std::optional<std::string>& version, const std::string& actor, const std::string& via);

}  // namespace hoshi::http
