#include "http/supplier_briefing.hpp"

#include <Poco/JSON/Parser.h>

#include <map>

#include "core/date.hpp"
#include "core/evidence.hpp"
#include "core/secret.hpp"
#include "core/text.hpp"
#include "http/erp_request_form.hpp"
#include "http/evidence_download.hpp"
#include "http/http_error.hpp"
#include "http/supplier_form.hpp"
#include "service/briefing.hpp"
#include "service/json_args.hpp"
#include "service/request_common.hpp"
#include "store/campaign_repository.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

// "2027-01-20T14:00:00+09:00" → date in 和暦 and ISO, and "14:00".
void set_when(Object::Ptr& ev, const std::string& start, const std::string& end) {
  Date d;
  if (start.size() >= 16 && parse_iso_date(start.substr(0, 10), d)) {
    ev->set("date_wareki", d.wareki());
    ev->set("date_iso", d.iso());
    ev->set("start_time", start.substr(11, 5));
  }
  if (end.size() >= 16) ev->set("end_time", end.substr(11, 5));
}

// The briefing's event as its campaign file holds it, and the supplier's name.
Object::Ptr event_of(Service& svc, long long campaign) {
  auto c = svc.with_repos<records::Campaigns>([&](records::Campaigns& cs) { return cs.find(campaign); });
  auto ev = obj();
  if (!c) return ev;
  ev->set("campaign_title", c->title);
  try {
    auto spec = Poco::JSON::Parser().parse(c->spec.empty() ? "{}" : c->spec).extract<Object::Ptr>();
    Object::Ptr e = spec->getObject("event");
    if (!e) return ev;
    for (const char* k : {"title", "location", "url", "description"})
      if (e->has(k) && e->get(k).isString() && !e->getValue<std::string>(k).empty())
        ev->set(k, e->getValue<std::string>(k));
    set_when(ev, e->optValue<std::string>("start", ""), e->optValue<std::string>("end", ""));
  } catch (const Poco::Exception&) {
    // a campaign file that no longer reads: the page shows the title only
  }
  return ev;
}

std::string form_field(const std::map<std::string, std::string>& f, const std::string& k) {
  auto it = f.find(k);
  return it == f.end() ? std::string() : it->second;
}

}  // namespace

void serve_supplier_briefing(Exchange& ex, Service& svc, TemplateCache& templates, const std::string& secret,
                             const records::BriefingLink& link, const std::string& token) {
  auto fail_page = [&](int status, const std::string& title, const std::string& detail) {
    auto ctx = obj();
    ctx->set("title", title);
    ctx->set("detail", detail);
    ex.send(status, "text/html; charset=utf-8", templates.render("supplier_message", ctx));
  };
  if (!link.live)
    return fail_page(410, "このリンクは使えなくなりました",
                     link.expired ? "有効期限が過ぎました。お手数ですが、発注者の担当者に新しいリンクをご依頼ください。"
                                  : "発注者がこのリンクを取り消しました。発注者の担当者にお問い合わせください。");
  // CSRF: the supplier pages' SameSite=Strict cookie, and a form token bound to it and to this link
  std::string form_cookie = ex.cookie(SupplierForm::kCookie);
  if (form_cookie.size() != 43) {
    form_cookie = random_token(32);
    ex.set_header("Set-Cookie", std::string(SupplierForm::kCookie) + "=" + form_cookie +
                                    "; Path=/s/; HttpOnly; SameSite=Strict" + ex.cookie_secure());
  }
  const std::string csrf = hmac_sha256(secret, form_cookie + "\nbriefing:" + link.token_id);
  const std::string base = "/s/" + token;
  const auto& segs = ex.segments();
  ScopedPrincipal as("briefing-link:" + link.token_id);
  BriefingService bs(svc);

  if (segs.size() == 3 && segs[2] == "material") {
    if (ex.method() != "GET") {
      ex.set_header("Allow", "GET");
      throw HttpError(405, "Method Not Allowed", "download with GET");
    }
    const std::string id = ex.query("id").value_or("");
    if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos)
      return fail_page(404, "資料が見つかりません", "ページに戻り、資料の一覧からお選びください。");
    // only this briefing's materials: another campaign's id is "not found"
    auto m = bs.download(link.campaign_id, std::stoll(id), "supplier:" + link.vendor_code, link.vendor_code);
    if (!m) return fail_page(404, "資料が見つかりません", "ページに戻り、資料の一覧からお選びください。");
    ex.set_header("Content-Disposition", attachment_disposition(m->filename));
    ex.set_header("X-Content-Type-Options", "nosniff");
    ex.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
    return ex.send(200, m->media_type, m->content);
  }

  std::string error;
  std::map<std::string, std::string> posted;
  if (segs.size() == 3) {
    if (segs[2] != "attendance") return fail_page(404, "ページが見つかりません", "リンクをご確認ください。");
    if (ex.method() != "POST") {
      ex.set_header("Allow", "POST");
      throw HttpError(405, "Method Not Allowed", "send the form with POST");
    }
    if (ex.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0)
      throw HttpError(415, "Unsupported Media Type", "send the form as application/x-www-form-urlencoded");
    for (auto& [k, v] : parse_form_fields(ex.body(SupplierForm::kMaxForm)))
      if (!posted.emplace(k, v).second)
        return fail_page(400, "送信内容を確認してください",
                         "同じ項目（" + std::string(text::utf8_prefix(k, 40)) +
                             "）が二度送られました。ページを開き直して、もう一度送信してください。");
    if (!constant_time_equal(form_field(posted, "csrf"), csrf) || ex.cookie(SupplierForm::kCookie).empty())
      return fail_page(
          403, "送信を受け付けられませんでした",
          "ページの有効期間が切れたか、別の画面から送信されました。ページを開き直して、もう一度送信してください。");
    try {
      const std::string who = text::trim(text::strip_hidden(form_field(posted, "name")));
      if (who.size() > evidence::kMaxNameBytes) throw briefing::InputError("name", "too long", "お名前が長すぎます");
      const auto in = briefing::parse_answer(form_field(posted, "answer"), form_field(posted, "attendees"),
                                             form_field(posted, "note"));
      bs.answer(link.campaign_id, link.vendor_code, in, briefing::kSupplierPageVia,
                "supplier:" + link.vendor_code + (who.empty() ? "" : " " + who));
      ex.set_header("Location", base + "?done=attendance");
      return ex.send(303, "text/plain; charset=utf-8", "");
    } catch (const briefing::InputError& e) {
      error = e.ja;
    } catch (const Error& e) {
      if (e.code != Code::invalid) throw;
      // the link names an invitation that the record no longer holds
      error = "この説明会へのご回答を記録できませんでした。発注者の担当者にお問い合わせください";
    }
  } else if (segs.size() != 2) {
    return fail_page(404, "ページが見つかりません", "リンクをご確認ください。");
  } else if (ex.method() != "GET" && ex.method() != "HEAD") {
    ex.set_header("Allow", "GET, HEAD");
    throw HttpError(405, "Method Not Allowed", "open the page with GET");
  }

  auto ctx = obj();
  ctx->set("buyer", detail::buyer_json(svc.catalogs().policy.buyer));
  const auto supplier = svc.with_repos<store::SupplierRepository>(
      [&](store::SupplierRepository& suppliers) { return suppliers.name_of(link.vendor_code); });
  ctx->set("supplier_name", supplier.value_or(link.vendor_code));
  ctx->set("event", event_of(svc, link.campaign_id));
  const auto history = bs.answers_of(link.campaign_id, link.vendor_code);
  if (!history.empty()) {
    const auto& a = history.back();
    auto cur = obj();
    cur->set("word", std::string(briefing::answer_word(a.answer)));
    if (a.attendees) cur->set("attendees", *a.attendees);
    if (!a.note.empty()) cur->set("note", a.note);
    cur->set("at", a.recorded_at.substr(0, 10));
    cur->set("by_staff", a.via != briefing::kSupplierPageVia);
    ctx->set("current", cur);
  }
  // the form shows what was sent again after an error, else the answer on record
  const std::string chosen = !error.empty()    ? form_field(posted, "answer")
                             : history.empty() ? ""
                                               : history.back().answer;
  ctx->set("attend_checked", chosen == "attend" || chosen == "出席");
  ctx->set("absent_checked", chosen == "absent" || chosen == "欠席");
  ctx->set("attendees_value", !error.empty()                                 ? form_field(posted, "attendees")
                              : !history.empty() && history.back().attendees ? std::to_string(*history.back().attendees)
                                                                             : "");
  ctx->set("note_value", !error.empty() ? form_field(posted, "note") : "");
  ctx->set("max_note", static_cast<int>(briefing::kMaxNoteChars));
  ctx->set("max_attendees", briefing::kMaxAttendees);
  Array::Ptr mats = new Array;
  for (const auto& m : bs.materials(link.campaign_id)) {
    auto o = obj();
    o->set("href", base + "/material?id=" + std::to_string(m.id));
    o->set("name", m.filename);
    o->set("size", evidence::size_label(m.size));
    o->set("sha256", m.sha256);
    mats->add(o);
  }
  ctx->set("materials", mats);
  ctx->set("has_materials", mats->size() > 0);
  ctx->set("csrf", csrf);
  ctx->set("base", base);
  if (!error.empty()) ctx->set("error", error);
  if (ex.query("done").value_or("") == "attendance") ctx->set("done", std::string("ご出欠を記録しました。"));
  ex.send(error.empty() ? 200 : 400, "text/html; charset=utf-8", templates.render("supplier_briefing", ctx));
}

}  // namespace hoshi::http
