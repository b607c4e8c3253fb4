// The supplier's page behind a request link (/s/<token>): no account, no JavaScript
// needed. It shows the request letter's substance, the cost-sharing explanation and
// where to get help, and takes the supplier's answers as plain HTML form POSTs:
//   POST /s/<token>/answer    accept | plan | negotiate | decline (with a reason)
//   POST /s/<token>/estimate  initial / running cost and basis
//   POST /s/<token>/counter   a counter-proposal
//   POST /s/<token>/status    SECURITY ACTION, お助け隊, SCS as the supplier reports them
//   POST /s/<token>/confirm   the agreement document, confirmed by its SHA-256
//   POST /s/<token>/evidence  evidence files (PDF, PNG, JPEG), multipart — supplier_uploads.hpp
//   POST /s/<token>/withdraw  withdraws one of the files sent (file=<id>)
//   POST /s/<token>/self-check  done / planned (date) / not planned per requirement item
// Each POST carries a CSRF token bound to a SameSite=Strict cookie and the link, and
// acts only on the link's own request and supplier. Unknown links answer 404 (and
// count towards the per-address guessing limit); expired or revoked ones 410.
#pragma once
#include <map>
#include <mutex>
#include <string>

#include "http/exchange.hpp"
#include "http/rate_limit.hpp"
#include "http/template_cache.hpp"
#include "service/service.hpp"

namespace hoshi::http {

class SupplierForm {
 public:
  SupplierForm(Service& svc, FailureLimiter& guesses, const std::string& templates_dir);
  void handle(Exchange& ex);
  // An error under /s/ as the supplier's kind of page: plain Japanese, no JSON. The
  // error's own words are shown when they are Japanese (ours for suppliers); a developer's
  // English detail is replaced by what the supplier can do.
  void error_page(Exchange& ex, const HttpError& e);

  static constexpr std::size_t kMaxForm = 64 * 1024;
  static constexpr const char* kCookie = "hoshitori_form";

 private:
  const std::string& secret();

  Service& svc_;
  FailureLimiter& guesses_;
  TemplateCache templates_;
  std::mutex mutex_;
  std::string secret_;
};

}  // namespace hoshi::http
