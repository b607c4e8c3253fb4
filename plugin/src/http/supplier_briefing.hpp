// The supplier's briefing page (説明会), behind the link its invitation carried
// (/s/<token>, records/briefing_links.hpp): the briefing's date and place, its answer
// 出席 / 欠席 (with the number of attendees and a note), and the materials the buyer
// attached, to download. Served by SupplierForm for tokens that are briefing links:
//   GET  /s/<token>                  the page
//   POST /s/<token>/attendance       answer=attend|absent, attendees, note, name (urlencoded)
//   GET  /s/<token>/material?id=N    one material of this briefing (recorded)
// Each POST carries a CSRF token bound to the same SameSite=Strict cookie as the request
// page and to this link; the link decides the campaign and the supplier, nothing in the
// form does.
#pragma once
#include <string>

#include "http/exchange.hpp"
#include "http/template_cache.hpp"
#include "service/service.hpp"
#include "store/briefing_links.hpp"

namespace hoshi::http {

void serve_supplier_briefing(Exchange& ex, Service& svc, TemplateCache& templates, const std::string& secret,
                             const records::BriefingLink& link, const std::string& token);

}  // namespace hoshi::http
