// One campaign message rendered from its templates (subject, text, HTML, .ics) for one
// supplier: what the outbox stores and the preview shows.
#pragma once
#include <optional>
#include <string>

#include "service/campaigns.hpp"
#include "service/letters.hpp"
#include "service/requests.hpp"
#include "store/request_store.hpp"

namespace hoshi {

struct MailInput {
  long long campaign_id = 0;
  const CampaignSpec& spec;
  const PlannedRecipient& to;
  std::string lang, charset;
  std::optional<records::RequestRecord> request;
};

struct RenderedMail {
  std::string subject, text, html, ics;
  std::string charset;       // may fall back to utf-8 from iso-2022-jp
  std::string charset_note;  // why it fell back
};

// The template context every campaign template gets: buyer, supplier, campaign, event
// (dates in 和暦 and ISO), request (number, level, due, days left, link with the token
// placeholder), agreement, letter_text (a request's formal letter), retention_years.
Poco::JSON::Object::Ptr mail_context(Service& svc, RequestService& requests, records::RequestStore& rs,
                                     const MailInput& in);
RenderedMail render_mail(Service& svc, const records::Templates& templates, RequestService& requests,
                         records::RequestStore& rs, const MailInput& in);

}  // namespace hoshi
