// The mail-out screens (/erp/campaigns): the campaigns with their progress, a form for a
// briefing invitation and one for requirement requests to many suppliers, and each
// campaign's page — who it reaches (a dry run while it is a draft), one rendered
// message, the send button, then mail states and who answered. Buyers create and send;
// viewers look. The serve process's sender (--smtp) delivers what is queued.
#pragma once
#include <string>

#include "http/erp_request_form.hpp"
#include "http/erp_screens.hpp"

namespace hoshi::http {

std::string campaigns_screen(ErpScreens& screens, const ScreenRequest& r);
std::string campaign_screen(ErpScreens& screens, const ScreenRequest& r, long long id);
// POST /erp/campaigns (kind=briefing|request): the new draft's id; HttpError 400 naming
// the field that is wrong.
long long create_campaign_from_form(ErpScreens& screens, const Caller& caller, const FormFields& f);
// POST /erp/campaigns/{id}/send: the campaign step (requests, links, outbox rows).
void queue_campaign(ErpScreens& screens, const Caller& caller, long long id);

}  // namespace hoshi::http
