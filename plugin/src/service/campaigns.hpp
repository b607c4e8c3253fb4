// Campaigns: one template sent to a selection of suppliers — briefing invitations (with
// an .ics), requirement requests (each supplier's request issued behind the guardrails,
// with its token link), reminders before due dates, agreement notices. A campaign is
// created as a draft, previewed, planned (dry run), then queued: every message is
// rendered into the outbox in the same transaction as the campaign step.
#pragma once
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "core/standing.hpp"
#include "mail/ics.hpp"
#include "service/letters.hpp"
#include "service/service.hpp"

namespace hoshi {

struct CampaignSelection {
  bool all = false;
  std::vector<Standing> standings;
  std::vector<std::string> departments, codes;
  bool unanswered = false;  // only suppliers with a request still waiting for their answer
  bool include_inactive = false;
};

struct CampaignSpec {
  std::string kind;                                // briefing | request | reminder | agreement_notice
  std::string templ, title, lang = "ja", charset;  // charset "": the policy's
  CampaignSelection suppliers;
  std::optional<mail::BriefingEvent> event;
  Poco::JSON::Object::Ptr request;  // kind request: the request file without "supplier"
  std::string send_at;              // UTC ISO; "" now
};

// Reads a campaign file; throws Error (Code::invalid) naming the field.
CampaignSpec parse_campaign_spec(const Poco::JSON::Object::Ptr& o, const Catalogs& cat,
                                 const records::Templates& templates);

// Who a campaign reaches, and how.
struct PlannedRecipient {
  std::string vendor_code, name, contact, email, topic;
  std::string channel;  // email | post | none
  std::string problem;  // why not by mail / not at all
  std::optional<std::string> request_number;
  int days_left = 0;          // reminders
  bool link_request = false;  // the message carries a token link to request_number
};

class CampaignService {
 public:
  explicit CampaignService(Service& svc);

  long long create(const Poco::JSON::Object::Ptr& file, const std::string& actor);
  Poco::JSON::Array::Ptr list();
  // The campaign with its state, counts by channel and by mail state, and how many of
  // its request recipients answered; with_recipients: each recipient's line too.
  Poco::JSON::Object::Ptr status(long long id, bool with_recipients);
  // Recipients and their problems, nothing written (a request campaign checks each
  // supplier's request against the guardrails).
  std::vector<PlannedRecipient> plan(long long id);
  // One rendered message for the first mail recipient (a sample supplier when none).
  Poco::JSON::Object::Ptr preview(long long id, const std::string& lang);
  // The campaign step. Returns {email, post, none} counts and the campaign's state.
  Poco::JSON::Object::Ptr queue(long long id, const std::string& actor);
  // Print-ready letters for the recipients by post: {vendor_code, text} in code order.
  // A request letter gets a supplier link of its own (recorded), printed in the letter.
  std::vector<std::pair<std::string, std::string>> letters(long long id, const std::string& actor);
  // Mark a supplier as wanting letters by post (or not).
  void set_post_only(const std::string& vendor_code, bool post_only, const std::string& note, const std::string& actor);

 private:
  struct Loaded {
    long long id = 0;
    std::string state, created_by;
    CampaignSpec spec;
    Poco::JSON::Object::Ptr file;
  };
  Loaded load(long long id);
  Service& svc_;
  records::Templates templates_;
};

}  // namespace hoshi
