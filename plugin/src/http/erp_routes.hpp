// /erp/ (the staff screens, as pages or ?fragment=1) and /static/ (their assets,
// served locally: no CDN). Errors on these paths are HTML in the caller's language.
#pragma once
#include <string>

#include "http/erp_screens.hpp"
#include "http/exchange.hpp"
#include "http/staff_auth.hpp"

namespace hoshi::http {

struct ErpContext {
  ErpScreens& screens;
  StaffAuth& auth;
  std::string frame_ancestors;  // CSP frame-ancestors: who may frame the screens
  std::string public_url;       // base of the supplier links made here ("" = the request's Host)
};

void handle_erp(Exchange& ex, ErpContext& ctx);
void handle_static(Exchange& ex, ErpContext& ctx);

}  // namespace hoshi::http
