// What a campaign reached: counts by channel and by mail state, who answered, each
// recipient's line, and the print-ready letters for those reached by post.
#include "service/campaign_render.hpp"
#include "service/campaigns.hpp"
#include "service/request_common.hpp"
#include "store/audit_log.hpp"
#include "store/briefing_links.hpp"
#include "store/campaign_repository.hpp"
#include "store/outbox.hpp"
#include "store/supplier_links.hpp"

namespace hoshi {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr CampaignService::status(long long id, bool with_recipients) {
  Loaded l = load(id);
  auto rows = svc_.with_db([&](store::Database& db) { return records::CampaignRecipients(db).status(id); });
  const records::SendCounts c =
      svc_.with_db([&](store::Database& db) { return records::Outbox(db, svc_.principal()).counts(id); });
  auto o = obj();
  o->set("id", id);
  o->set("kind", l.spec.kind);
  o->set("title", l.spec.title);
  o->set("template", l.spec.templ);
  o->set("state", l.state);
  o->set("created_by", l.created_by);
  long long email = 0, post = 0, none = 0, with_request = 0, answered = 0;
  Array::Ptr list = new Array;
  for (const auto& line : rows) {
    const records::RecipientRow& r = line.recipient;
    const std::string& channel = r.channel;
    (channel == "email" ? email : channel == "post" ? post : none)++;
    const std::string rstate = line.request_state.value_or("");
    if (r.request_number) {
      ++with_request;
      if (is_answered_request_state(rstate)) ++answered;
    }
    if (!with_recipients) continue;
    auto e = obj();
    e->set("vendor_code", r.vendor_code);
    e->set("name", line.name);
    if (!r.topic.empty()) e->set("topic", r.topic);
    e->set("channel", channel);
    e->set("problem", api::opt(r.problem));
    e->set("request", api::opt(r.request_number));
    e->set("request_state", api::opt(line.request_state));
    e->set("answered", is_answered_request_state(rstate));
    e->set("mail_state", api::opt(line.mail_state));
    e->set("reply", api::opt(line.reply));
    e->set("sent_at", api::opt(line.sent_at));
    e->set("recipient", api::opt(line.mail_to));
    list->add(e);
  }
  auto ch = obj();
  ch->set("email", email);
  ch->set("post", post);
  ch->set("none", none);
  o->set("recipients_by_channel", ch);
  auto mail = obj();
  mail->set("queued", c.queued);
  mail->set("sending", c.claimed);
  mail->set("sent", c.sent);
  mail->set("failed", c.failed);
  mail->set("unknown", c.unknown);
  mail->set("cancelled", c.cancelled);
  o->set("mail", mail);
  auto ans = obj();
  ans->set("requests", with_request);
  ans->set("answered", answered);
  ans->set("waiting", with_request - answered);
  o->set("answers", ans);
  if (with_recipients) o->set("recipients", list);
  return o;
}

std::vector<std::pair<std::string, std::string>> CampaignService::letters(long long id, const std::string& actor) {
  Loaded l = load(id);
  std::vector<std::pair<std::string, std::string>> out;
  auto rows = svc_.with_db([&](store::Database& db) { return records::CampaignRecipients(db).by_post(id); });
  RequestService requests(svc_);
  for (const auto& r : rows) {
    PlannedRecipient p;
    p.vendor_code = r.vendor_code;
    p.topic = r.topic;
    p.request_number = r.request_number;
    p.name = r.name;
    p.contact = r.contact;
    p.channel = "post";
    p.link_request = l.spec.kind == "request" || l.spec.kind == "reminder";
    std::string text;
    svc_.with_db([&](store::Database& db) {
      records::RequestStore rs(db);
      MailInput mi{id, l.spec, p, l.spec.lang, "utf-8", std::nullopt};
      if (p.request_number) mi.request = rs.find(*p.request_number);
      if (l.spec.kind == "request" && mi.request) {
        // the formal letter itself, with a link of its own printed in it
        Object::Ptr letter = requests.letter_context_of(*mi.request);
        if (!is_final_request_state(mi.request->state)) {
          const std::string token = records::SupplierLinks(db, svc_.principal())
                                        .create(*p.request_number, svc_.catalogs().policy.mail.link_days, actor);
          letter->set("token_link", svc_.catalogs().policy.mail.public_url + "/s/" + token);
        }
        text = templates_.render(l.spec.lang, "request_letter", "txt", letter);
      } else {
        RenderedMail m = render_mail(svc_, templates_, requests, rs, mi);
        text = m.text;
        if (l.spec.kind == "briefing")
          text =
              records::with_token(text, records::BriefingLinks(db, svc_.principal())
                                            .create(id, p.vendor_code, svc_.catalogs().policy.mail.link_days, actor));
        if (p.link_request && p.request_number && mi.request && !is_final_request_state(mi.request->state)) {
          const std::string token = records::SupplierLinks(db, svc_.principal())
                                        .create(*p.request_number, svc_.catalogs().policy.mail.link_days, actor);
          text = records::with_token(text, token);
        }
      }
      return 0;
    });
    out.emplace_back(p.vendor_code + (p.topic.empty() ? "" : "_" + p.topic), text);
  }
  return out;
}

}  // namespace hoshi
