// The supplier's standing page (records/standing_links.hpp), behind the link the buyer
// prints in its order documents (/s/<token>): 「価格交渉を申し入れる」 even when the buyer
// asked nothing (想定事例 (4)), with the cost-share helper (core/cost_share.hpp), and the
// supplier's open requests and negotiations. Served by SupplierForm for standing tokens:
//   GET  /s/<token>               the page
//   POST /s/<token>/negotiate     do=preview (computes and shows, writes nothing) | do=send
//                                 (the record and its first step, then on to its page)
//   POST /s/<token>/open          number=… one of this supplier's open records: a link to
//                                 its page (/s/<request token>) is made and followed
// Each POST carries a CSRF token bound to the supplier pages' SameSite=Strict cookie and
// to this link; the link decides the supplier, nothing in the form does. Works without
// JavaScript; /static/cost_share.js only computes the same figures as they are typed.
#pragma once
#include <string>

#include "http/exchange.hpp"
#include "http/template_cache.hpp"
#include "service/service.hpp"
#include "store/standing_links.hpp"

namespace hoshi::http {

void serve_supplier_standing(Exchange& ex, Service& svc, TemplateCache& templates, const std::string& secret,
                             const records::StandingLink& link, const std::string& token);

}  // namespace hoshi::http
