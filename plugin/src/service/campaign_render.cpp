#include "service/campaign_render.hpp"
#include "service/request_common.hpp"

#include <filesystem>

#include "core/text.hpp"
#include "domain/request_input.hpp"
#include "mail/ics.hpp"
#include "mail/mime.hpp"
#include "service/agreement_text.hpp"
#include "service/json_args.hpp"
#include "store/outbox.hpp"

namespace hoshi {

using api::obj;
using Poco::JSON::Object;

namespace {

const char* kWeekdaysJa[] = {"日", "月", "火", "水", "木", "金", "土"};
const char* kWeekdaysEn[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

Date tokyo_date(std::time_t t, int* weekday, std::string* hhmm) {
  std::time_t j = t + 9 * 3600;
  std::tm tm{};
  gmtime_r(&j, &tm);
  if (weekday) *weekday = tm.tm_wday;
  if (hhmm) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", tm.tm_hour, tm.tm_min);
    *hhmm = buf;
  }
  return Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

std::string first_line(std::string s) {
  s = text::trim(s);
  const auto nl = s.find_first_of("\r\n");
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

}  // namespace

Object::Ptr mail_context(Service& svc, RequestService& requests, records::RequestStore& rs, const MailInput& in) {
  const Catalogs& cat = svc.catalogs();
  auto ctx = obj();
  ctx->set("buyer", detail::buyer_json(cat.policy.buyer));
  auto supplier = obj();
  supplier->set("name", in.to.name);
  supplier->set("vendor_code", in.to.vendor_code);
  if (!in.to.contact.empty()) supplier->set("contact", in.to.contact);
  supplier->set("email", in.to.email);
  ctx->set("supplier", supplier);
  auto campaign = obj();
  campaign->set("id", in.campaign_id);
  campaign->set("title", in.spec.title);
  ctx->set("campaign", campaign);
  // the notice of an agreement states the agreement's period; every other mail the requests'
  const RetentionPolicy& keep = cat.policy.retention;
  ctx->set("retention_years", in.spec.kind == "agreement_notice" ? keep.agreements_years : keep.requests_years);
  ctx->set("retention_agreements_years", keep.agreements_years);
  if (in.spec.event) {
    const mail::BriefingEvent& e = *in.spec.event;
    int wd = 0;
    std::string start_hm, end_hm;
    const Date d = tokyo_date(mail::parse_instant(e.start, "event.start"), &wd, &start_hm);
    tokyo_date(mail::parse_instant(e.end, "event.end"), nullptr, &end_hm);
    auto ev = obj();
    ev->set("title", e.title);
    ev->set("date_wareki", d.wareki() + "（" + kWeekdaysJa[wd] + "）");
    ev->set("date_iso", d.iso());
    ev->set("date_en", std::string(kWeekdaysEn[wd]) + " " + d.iso());
    ev->set("start_time", start_hm);
    ev->set("end_time", end_hm);
    ev->set("start_iso", e.start);
    ev->set("end_iso", e.end);
    if (!e.location.empty()) ev->set("location", e.location);
    if (!e.url.empty()) ev->set("url", e.url);
    if (e.capacity > 0) ev->set("capacity", e.capacity);
    if (!e.description.empty()) ev->set("description", e.description);
    ctx->set("event", ev);
  }
  // the invited supplier's own page to answer 出席/欠席 and fetch the materials: a link
  // minted as the invitation is sent (briefing_links.hpp)
  if (in.spec.kind == "briefing")
    ctx->set("briefing_link", cat.policy.mail.public_url + "/s/" + records::kTokenPlaceholder);
  if (in.request) {
    const records::RequestRecord& r = *in.request;
    const std::string link = cat.policy.mail.public_url + "/s/" + records::kTokenPlaceholder;
    auto rq = obj();
    rq->set("number", r.number);
    rq->set("level_label", records::level_label(r.level));
    Date due;
    if (parse_iso_date(r.due, due)) {
      rq->set("due_wareki", due.wareki());
      rq->set("due_iso", due.iso());
      rq->set("days_left", static_cast<int>(due.days() - svc.today().days()));
    }
    if (in.to.link_request) rq->set("link", link);
    ctx->set("request", rq);
    if (in.spec.kind == "request") {
      Object::Ptr letter = requests.letter_context_of(r);
      if (in.to.link_request) letter->set("token_link", link);
      ctx->set("letter", letter);
    }
    if (in.spec.kind == "agreement_notice") {
      auto versions = rs.agreements(r.number, true);
      if (!versions.empty()) {
        auto ag = obj();
        ag->set("version", versions.back().version);
        ag->set("sha256", versions.back().sha256);
        ag->set("text", versions.back().document);
        agreement::add_notice_summary(ag, versions.back(), rs.steps(r.number));
        ctx->set("agreement", ag);
      }
    }
  }
  return ctx;
}

RenderedMail render_mail(Service& svc, const records::Templates& templates, RequestService& requests,
                         records::RequestStore& rs, const MailInput& in) {
  Object::Ptr ctx = mail_context(svc, requests, rs, in);
  if (ctx->has("letter")) {
    // the formal letter (the same template the printed letter uses), inside the mail's text
    ctx->set("letter_text", templates.render(in.lang, "request_letter", "txt", ctx->getObject("letter")));
  }
  RenderedMail m;
  m.subject = first_line(templates.render(in.lang, in.spec.templ, "subject", ctx));
  m.text = templates.render(in.lang, in.spec.templ, "txt", ctx);
  const std::string html_file = templates.dir() + "/" + in.lang + "/" + in.spec.templ + ".html.mustache";
  if (std::filesystem::exists(html_file)) m.html = templates.render(in.lang, in.spec.templ, "html", ctx);
  if (in.spec.event) {
    mail::Invitation inv;
    inv.event = *in.spec.event;
    inv.uid = "campaign-" + std::to_string(in.campaign_id) + "-" + in.to.vendor_code + "@" +
              svc.catalogs().policy.mail.domain();
    inv.organizer_email = svc.catalogs().policy.mail.from;
    inv.organizer_name = svc.catalogs().policy.mail.from_name;
    inv.attendee_email = in.to.email;
    inv.attendee_name = in.to.name;
    inv.stamp = std::time(nullptr);
    m.ics = mail::ics(inv);
  }
  m.charset = in.charset;
  if (m.charset == "iso-2022-jp") {
    std::string bad;
    const std::string* parts[] = {&m.subject, &m.text, &in.to.name, &in.to.contact,
                                  &svc.catalogs().policy.mail.from_name};
    for (const std::string* part : parts) {
      if (!mail::to_iso2022jp(*part, &bad)) {
        m.charset = "utf-8";
        m.charset_note = "'" + bad + "' has no ISO-2022-JP form: sent as UTF-8";
        break;
      }
    }
  }
  return m;
}

}  // namespace hoshi
