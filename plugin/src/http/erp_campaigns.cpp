#include "http/erp_campaigns.hpp"

#include "http/erp_briefing.hpp"
#include "http/erp_screen_parts.hpp"
#include "http/exchange.hpp"
#include "service/json_args.hpp"
#include "store/staff_link.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

const char* kStandings[] = {"below", "unknown", "expired", "expiring", "meets"};

Object::Ptr op(const std::string& name) {
  auto o = obj();
  o->set("op", name);
  return o;
}

std::string kind_word(const Object::Ptr& t, const std::string& kind) {
  return t->optValue<std::string>("kind_" + kind, kind);
}

Array::Ptr standing_choices(const Object::Ptr& t) {
  Array::Ptr a = new Array;
  for (const char* s : kStandings) {
    auto o = obj();
    o->set("value", std::string(s));
    o->set("label", t->getValue<std::string>(s));
    o->set("checked", std::string(s) == "below" || std::string(s) == "unknown");
    a->add(o);
  }
  return a;
}

// "2027-01-20" + "14:00" → "2027-01-20T14:00:00+09:00" (the screen's times are Japan time).
std::string jst_instant(const std::string& date, const std::string& hhmm, const char* field) {
  if (date.size() != 10 || hhmm.size() != 5 || hhmm[2] != ':')
    throw HttpError(400, "Bad Request", std::string(field) + ": a date and a time (HH:MM) are required");
  return date + "T" + hhmm + ":00+09:00";
}

// A recipient's problems (service words, "; "-separated) in the screen's words.
std::string problem_words(const Object::Ptr& t, const std::string& problems) {
  static const std::pair<const char*, const char*> kWords[] = {
      {"no mail address", "p_no_address"}, {"mail address not usable: ", "p_bad_address"},
      {"asked for post", "p_post_only"},   {"mail to ", "p_bounced"},
      {"links open request ", "p_linked"}, {"refused by guardrail: ", "p_refused"}};
  std::string out;
  for (std::size_t i = 0; i <= problems.size();) {
    std::size_t end = problems.find("; ", i);
    if (end == std::string::npos) end = problems.size();
    const std::string one = problems.substr(i, end - i);
    std::string said = one;
    for (const auto& [prefix, key] : kWords) {
      if (one.rfind(prefix, 0) != 0) continue;
      said = t->getValue<std::string>(key);
      const std::string rest = one.substr(std::string(prefix).size());
      if (std::string(key) == "p_post_only" && rest.size() > 2) said += "（" + rest.substr(2) + "）";
      if (std::string(key) == "p_bad_address" || std::string(key) == "p_linked" || std::string(key) == "p_refused")
        said += "：" + rest;
    }
    if (one.find("ISO-2022-JP") != std::string::npos) said = t->getValue<std::string>("p_charset");
    if (!said.empty()) out += (out.empty() ? "" : "／") + said;
    i = end + 2;
  }
  return out;
}

}  // namespace

std::string campaigns_screen(ErpScreens& screens, const ScreenRequest& r) {
  auto ctx = screens.base_context(r);
  const Object::Ptr t = ctx->getObject("t");
  Object::Ptr out = screen_parts::run_op(screens.service(), op("campaigns"));
  Array::Ptr list = out->getArray("campaigns");
  Array::Ptr rows = new Array;
  for (std::size_t i = 0; i < list->size(); ++i) {
    Object::Ptr c = list->getObject(static_cast<unsigned>(i));
    auto o = obj();
    o->set("id", c->getValue<long long>("id"));
    o->set("href", "/erp/campaigns/" + std::to_string(c->getValue<long long>("id")) + screen_parts::screen_query(r));
    o->set("kind", kind_word(t, c->getValue<std::string>("kind")));
    o->set("title", c->getValue<std::string>("title"));
    o->set("state", t->optValue<std::string>("state_" + c->getValue<std::string>("state"), ""));
    o->set("recipients", c->getValue<long long>("recipients"));
    o->set("sent", c->getValue<long long>("sent"));
    o->set("created_at", c->getValue<std::string>("created_at").substr(0, 10));
    rows->add(o);
  }
  ctx->set("campaigns", rows);
  ctx->set("has_campaigns", rows->size() > 0);
  ctx->set("form_query", screen_parts::screen_query(r));
  ctx->set("csrf", r.csrf);
  ctx->set("can_create", r.caller.key.role >= records::Role::buyer);
  ctx->set("standings", standing_choices(t));
  ctx->set("levels", level_options(t, "3"));
  ctx->set("methods", method_options(t, ""));
  if (!r.error.empty()) ctx->set("error", r.error);
  return screens.page(r, t->getValue<std::string>("campaigns"), screens.render_template("campaigns", ctx));
}

std::string campaign_screen(ErpScreens& screens, const ScreenRequest& r, long long id) {
  auto ctx = screens.base_context(r);
  const Object::Ptr t = ctx->getObject("t");
  Service& svc = screens.service();
  Object::Ptr q = op("campaign_status");
  q->set("campaign", id);
  q->set("recipients", true);
  Object::Ptr st = screen_parts::run_op(svc, q);
  const bool draft = st->getValue<std::string>("state") == "draft";
  ctx->set("id", id);
  ctx->set("title", st->getValue<std::string>("title"));
  ctx->set("kind", kind_word(t, st->getValue<std::string>("kind")));
  ctx->set("state", t->optValue<std::string>("state_" + st->getValue<std::string>("state"), ""));
  ctx->set("draft", draft);
  ctx->set("mail", st->getObject("mail"));
  ctx->set("answers", st->getObject("answers"));
  ctx->set("has_requests", st->getObject("answers")->getValue<long long>("requests") > 0);
  ctx->set("channels", st->getObject("recipients_by_channel"));
  ctx->set("csrf", r.csrf);
  ctx->set("form_query", screen_parts::screen_query(r));
  ctx->set("can_send", draft && r.caller.key.role >= records::Role::buyer);
  ctx->set("back", "/erp/campaigns" + screen_parts::screen_query(r));
  Array::Ptr rows = new Array;
  auto add_row = [&](const Object::Ptr& e, bool planned) {
    auto o = obj();
    o->set("code", e->getValue<std::string>("vendor_code"));
    o->set("panel", "/erp/suppliers/" + records::url_encode(e->getValue<std::string>("vendor_code")) +
                        screen_parts::screen_query(r));
    o->set("name", e->optValue<std::string>("name", ""));
    const std::string channel = e->getValue<std::string>("channel");
    o->set("channel", t->optValue<std::string>(channel == "email"  ? "by_mail"
                                               : channel == "post" ? "by_post"
                                                                   : "not_reached",
                                               channel));
    o->set("problem", e->isNull("problem") ? "" : problem_words(t, e->optValue<std::string>("problem", "")));
    o->set("request", e->isNull("request") ? "" : e->optValue<std::string>("request", ""));
    if (!planned) {
      const std::string ms = e->isNull("mail_state") ? "" : e->getValue<std::string>("mail_state");
      o->set("mail_state", ms.empty() ? "" : t->optValue<std::string>("mail_" + ms, ms));
      o->set("answered", e->optValue<bool>("answered", false));
      o->set("request_state", e->isNull("request_state") ? "" : e->getValue<std::string>("request_state"));
    }
    rows->add(o);
  };
  if (draft) {
    // a dry run: who the campaign would reach, and the problems, before anything is sent
    Object::Ptr p = op("campaign_plan");
    p->set("campaign", id);
    Object::Ptr plan = screen_parts::run_op(svc, p);
    Array::Ptr list = plan->getArray("recipients");
    for (std::size_t i = 0; i < list->size(); ++i) add_row(list->getObject(static_cast<unsigned>(i)), true);
    auto ch = obj();
    ch->set("email", plan->getValue<long long>("email"));
    ch->set("post", plan->getValue<long long>("post"));
    ch->set("none", plan->getValue<long long>("none"));
    ctx->set("channels", ch);
    Object::Ptr pv = op("campaign_preview");
    pv->set("campaign", id);
    pv->set("lang", r.lang);
    try {
      Object::Ptr m = screen_parts::run_op(svc, pv);
      ctx->set("preview", m);
    } catch (const HttpError&) {
      // nobody to mail: no preview
    }
  } else {
    Array::Ptr list = st->getArray("recipients");
    for (std::size_t i = 0; i < list->size(); ++i) add_row(list->getObject(static_cast<unsigned>(i)), false);
  }
  ctx->set("recipients", rows);
  if (!draft && st->getValue<std::string>("kind") == "briefing") add_briefing_context(screens, r, id, ctx);
  if (!r.error.empty()) ctx->set("error", r.error);
  return screens.page(r, st->getValue<std::string>("title"), screens.render_template("campaign", ctx));
}

long long create_campaign_from_form(ErpScreens& screens, const Caller& caller, const FormFields& f) {
  auto spec = obj();
  const std::string kind = form_value(f, "kind");
  // only the values the forms offer (a hand-made level=5 is not quietly read as 3)
  require_offered(f, "standing", std::vector<std::string>(std::begin(kStandings), std::end(kStandings)));
  check_offered_choices(f, screens.service().catalogs());
  Array::Ptr standings = new Array;
  for (const auto& [k, v] : f)
    if (k == "standing") standings->add(v);
  auto sel = obj();
  sel->set("standing", standings);
  if (!form_value(f, "department").empty()) sel->set("department", form_value(f, "department"));
  spec->set("suppliers", sel);
  if (kind == "briefing") {
    spec->set("kind", std::string("briefing"));
    auto ev = obj();
    ev->set("title", form_value(f, "title"));
    const std::string date = form_value(f, "date");
    ev->set("start", jst_instant(date, form_value(f, "start"), "event.start"));
    ev->set("end", jst_instant(date, form_value(f, "end"), "event.end"));
    if (!form_value(f, "location").empty()) ev->set("location", form_value(f, "location"));
    if (!form_value(f, "url").empty()) ev->set("url", form_value(f, "url"));
    if (!form_value(f, "capacity").empty()) {
      try {
        ev->set("capacity", std::stoi(form_value(f, "capacity")));
      } catch (...) {
        throw HttpError(400, "Bad Request", "event.capacity: a whole number of companies");
      }
    }
    spec->set("event", ev);
  } else if (kind == "request") {
    spec->set("kind", std::string("request"));
    auto rq = obj();
    const std::string level = form_value(f, "level");
    if (level == "SA2")
      rq->set("level", level);
    else
      rq->set("level", level == "4" ? 4 : 3);
    rq->set("due", form_value(f, "due"));
    rq->set("reason", form_value(f, "reason"));
    auto cs = obj();
    cs->set("method", form_value(f, "cost_method"));
    cs->set("explanation", form_value(f, "cost_explanation"));
    cs->set("negotiable", form_value(f, "negotiable") == "yes");
    rq->set("cost_sharing", cs);
    spec->set("request", rq);
    if (!form_value(f, "title").empty()) spec->set("title", form_value(f, "title"));
  } else {
    throw HttpError(400, "Bad Request", "kind: briefing or request");
  }
  Object::Ptr req = op("campaign_create");
  req->set("actor", caller.actor);
  req->set("campaign", spec);
  ScopedPrincipal via(caller.via);
  return screen_parts::run_op(screens.service(), req)->getValue<long long>("campaign");
}

void queue_campaign(ErpScreens& screens, const Caller& caller, long long id) {
  Object::Ptr req = op("campaign_queue");
  req->set("campaign", id);
  req->set("actor", caller.actor);
  ScopedPrincipal via(caller.via);
  screen_parts::run_op(screens.service(), req);
}

}  // namespace hoshi::http
