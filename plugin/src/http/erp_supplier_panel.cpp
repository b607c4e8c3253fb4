// The supplier panel (/erp/suppliers/{vendor_code}): statuses with evidence files and
// history, requests with their thread, self-check and agreements (and the buyer's forms),
// and the audit events about the supplier.
#include <Poco/JSON/Array.h>

#include <cstdio>

#include "api/json_api.hpp"
#include "core/evidence.hpp"
#include "domain/request_model.hpp"
#include "http/erp_screen_parts.hpp"
#include "http/erp_screens.hpp"
#include "http/step_view.hpp"
#include "service/audit_export.hpp"
#include "service/json_args.hpp"
#include "service/letters.hpp"
#include "service/requests.hpp"
#include "service/supplier_evidence.hpp"
#include "store/purpose.hpp"
#include "store/staff_link.hpp"
#include "store/standing_links.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;
using records::url_encode;
using namespace screen_parts;

namespace {
std::string size_text(long long bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  if (bytes < 1024 * 1024) return std::to_string((bytes + 512) / 1024) + " KB";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}
}  // namespace

std::string ErpScreens::supplier(const ScreenRequest& r, const std::string& code) {
  auto ctx = base_context(r);
  const Object::Ptr& t = labels_.at(r.lang);
  auto op = obj();
  op->set("op", "status");
  op->set("vendor_code", code);
  auto s = run_op(svc_, op);
  const std::string real_code = s->getValue<std::string>("vendor_code");
  const std::string st = s->getValue<std::string>("standing");
  ctx->set("s", s);
  ctx->set("symbol", standing_symbol(s));
  ctx->set("standing_label", standing_words(s, t));
  if (!s->isNull("interim_rule")) ctx->set("interim_rule", s->getObject("interim_rule"));
  ctx->set("sa", level_text(s, "sa", t));
  ctx->set("ota", ota_text(s, t));
  ctx->set("scs", level_text(s, "scs", t));
  // forms and links keep the language and fragment mode (a panel inside the ERP's frame stays one)
  const std::string mode = query_string({{"lang", r.lang == "ja" ? "" : r.lang}, {"fragment", r.fragment ? "1" : ""}});
  ctx->set("mode_query", mode);
  ctx->set("new_request_href",
           "/erp/requests/new?suppliers=" + url_encode(real_code) + (mode.empty() ? "" : "&" + mode.substr(1)));
  ctx->set("back_href",
           "/erp/" + query_string({{"lang", r.lang == "ja" ? "" : r.lang}, {"fragment", r.fragment ? "1" : ""}}));

  op = obj();
  op->set("op", "history");
  op->set("vendor_code", real_code);
  ctx->set("history", run_op(svc_, op)->getArray("history"));

  // the files the supplier sent (downloaded through /erp/evidence/{id}); metadata only
  // here, the bytes are read only by the download
  SupplierEvidence evidence(svc_);
  Array::Ptr files = new Array;
  // what this view shows of each request's protected content: recorded as one read
  std::vector<records::StaffRead> reads;
  auto read_of = [&](const std::string& number) -> std::vector<std::string>& {
    for (auto& x : reads)
      if (x.number == number) return x.what;
    reads.push_back({number, {}});
    return reads.back().what;
  };
  for (const auto& f : evidence.list(real_code)) {
    if (auto& w = read_of(f.number); w.empty()) w.push_back("evidence");
    auto o = obj();
    o->set("href", "/erp/evidence/" + std::to_string(f.id));
    o->set("filename", f.filename);
    o->set("media_type", f.media_type);
    o->set("topic_label", std::string(evidence::topic_label(f.topic)));
    o->set("size_text", size_text(f.size));
    o->set("sha256", f.sha256);
    o->set("sha_short", f.sha256.substr(0, 12));
    o->set("at", records::utc_to_jst_display(f.uploaded_at));
    o->set("uploaded_by", f.uploaded_by);
    o->set("number", f.number);
    if (f.withdrawn_at) {  // withdrawn by the supplier: its bytes kept (the buyer had them) or deleted
      o->set("withdrawn_at", records::utc_to_jst_display(*f.withdrawn_at));
      o->set("content_deleted", !f.content_stored);
      o->set("kept_downloaded", f.content_stored && f.downloaded);
      o->set("kept_shared", f.content_stored && !f.downloaded);
    }
    files->add(o);
  }
  ctx->set("evidence", files);
  ctx->set("has_evidence", files->size() > 0);

  // requests with their thread and agreement documents; buyers get the forms
  const bool can_act = static_cast<int>(r.caller.key.role) >= static_cast<int>(records::Role::buyer);
  ctx->set("csrf", r.csrf);
  if (!r.notice.empty()) ctx->set("notice", r.notice);
  if (get(r, "done") == "standing_revoked") ctx->set("notice", t->getValue<std::string>("done_standing_revoked"));
  // the supplier's standing link for order documents: its state only (the token is shown once, when made)
  {
    auto cur = svc_.with_repos<records::StandingLinks>([&](records::StandingLinks& l) { return l.current(real_code); });
    auto words = [&](const char* key) {
      std::string w = t->getValue<std::string>(key);
      for (const auto& [k, v] :
           {std::pair<std::string, std::string>{"{{expires}}", cur ? records::utc_to_jst_display(cur->expires_at) : ""},
            {"{{id}}", cur ? cur->token_id : ""}})
        if (auto at = w.find(k); at != std::string::npos) w.replace(at, k.size(), v);
      return w;
    };
    ctx->set("standing_state", !cur                                               ? words("standing_link_none")
                               : cur->state == records::StandingLink::State::live ? words("standing_link_live")
                                                                                  : words("standing_link_expired"));
    ctx->set("standing_exists", cur.has_value());
    ctx->set("standing_can_act", static_cast<int>(r.caller.key.role) >= static_cast<int>(records::Role::buyer));
    ctx->set("standing_base", "/erp/suppliers/" + url_encode(real_code));
  }
  if (const std::string done = get(r, "done"); done == "step" || done == "agreement" || done == "confirm")
    ctx->set("notice", t->getValue<std::string>("done_" + done));
  if (!r.error.empty()) ctx->set("error", r.error);
  if (!r.new_link.empty()) ctx->set("new_link", r.new_link);
  RequestService rs(svc_);
  Array::Ptr requests = new Array;
  auto listed = rs.list(real_code)->getArray("requests");
  for (std::size_t i = 0; i < listed->size(); ++i) {
    auto detail = rs.show(listed->getObject(static_cast<unsigned>(i))->getValue<std::string>("number"));
    for (auto& w : records::protected_content(detail)) read_of(detail->getValue<std::string>("number")).push_back(w);
    auto steps = detail->getArray("steps");
    Array::Ptr shown_steps = new Array;
    for (std::size_t k = 0; k < steps->size(); ++k) {
      auto out = step_view(steps->getObject(static_cast<unsigned>(k)));
      out->set("side_label",
               t->getValue<std::string>(out->getValue<std::string>("side") == "buyer" ? "buyer" : "supplier"));
      shown_steps->add(out);
    }
    const std::string state = detail->getValue<std::string>("state"), num = detail->getValue<std::string>("number");
    detail->set("state", std::string(model::label(model::stored_state(state),
                                                  r.lang == "ja" ? vocab::Lang::ja : vocab::Lang::en)));
    // who started it: a supplier-initiated negotiation has no level, letter or deadline
    const bool initiated = detail->getValue<std::string>("origin") == "supplier";
    detail->set("initiated", initiated);
    if (Object::Ptr ask = detail->getObject("open_ask")) {
      detail->set("open_ask", detail->getValue<std::string>("unanswered_supplier_step"));
      Array::Ptr items = new Array;
      auto keys = ask->getArray("cost_items");
      for (std::size_t k = 0; keys && k < keys->size(); ++k) {
        auto e = obj();
        const std::string key = keys->get(static_cast<unsigned>(k)).toString();
        e->set("key", key);
        e->set("label", model::cost_label_ja(key));
        items->add(e);
      }
      detail->set("ask_items", items);
      detail->set("has_ask_items", items->size() > 0);
    } else {
      detail->set("open_ask", false);
    }
    const bool open = !is_final_request_state(state);
    detail->set("open", model::is_open(model::stored_state(state)) && can_act);
    detail->set("action_base", "/erp/requests/" + url_encode(num));
    detail->set("steps", shown_steps);
    Array::Ptr checks = new Array;
    for (const auto& c : evidence.self_check(num)) {
      auto o = obj();
      o->set("item", c.item);
      o->set("title", c.title);
      o->set("answer", c.latest ? c.latest->answer : std::string("unanswered"));
      o->set("answer_label",
             t->getValue<std::string>("sc_" + (c.latest ? c.latest->answer : std::string("unanswered"))));
      if (c.latest) {
        o->set("planned_on", api::opt(c.latest->planned_on));
        o->set("note", api::opt(c.latest->note));
        o->set("at", records::utc_to_jst_display(c.latest->answered_at));
        o->set("by", c.latest->answered_by);
      }
      checks->add(o);
    }
    detail->set("self_check", checks);
    detail->set("has_self_check", checks->size() > 0);
    detail->set("has_steps", shown_steps->size() > 0);
    auto agreements = detail->getArray("agreements");
    for (std::size_t k = 0; k < agreements->size(); ++k) {
      auto a = agreements->getObject(static_cast<unsigned>(k));
      std::string who;
      bool has_scan = false;  // the supplier's paper-signed copy was recorded with its scan
      auto confs = a->getArray("confirmations");
      for (std::size_t c = 0; c < confs->size(); ++c) {
        auto conf = confs->getObject(static_cast<unsigned>(c));
        who += (who.empty() ? "" : "、") + t->getValue<std::string>(conf->getValue<std::string>("side"));
        has_scan = has_scan || conf->getValue<std::string>("method").rfind("paper-scan", 0) == 0;
      }
      a->set("has_scan", has_scan);
      a->set("confirmed", who.empty() ? "—" : who);
      a->set("buyer_can_confirm", can_act && open && k + 1 == agreements->size() &&
                                      who.find(t->getValue<std::string>("buyer")) == std::string::npos);
      a->set("document",
             rs.agreement(detail->getValue<std::string>("number"), a->getValue<long long>("version")).document);
    }
    requests->add(detail);
  }
  ctx->set("requests", requests);

  // the audit events about this supplier, newest first (the last 100), this view's read first
  std::vector<records::AuditEvent> events;
  svc_.with_repos<records::StaffReads, records::AuditLog>([&](records::StaffReads& staff, records::AuditLog& audit) {
    staff.record(r.caller.via, r.caller.actor, real_code, "erp-panel", reads);
    records::AuditFilter f;
    f.vendor_code = real_code;
    audit.scan(f, [&](const records::AuditEvent& e) {
      events.push_back(e);
      if (events.size() > 100) events.erase(events.begin());
      return true;
    });
  });
  Array::Ptr ev = new Array;
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    auto e = obj();
    e->set("seq", it->seq);
    e->set("at", records::utc_to_jst_display(it->at));
    e->set("label", r.lang == "ja" ? records::action_label(it->action) : it->action);
    e->set("actor", it->actor);
    e->set("via", api::opt(it->via));
    ev->add(e);
  }
  ctx->set("events", ev);
  ctx->set("has_events", ev->size() > 0);
  const std::string name = s->isNull("name") ? real_code : s->getValue<std::string>("name");
  return page(r, name, render_template("supplier", ctx));
}

}  // namespace hoshi::http
