#include "service/agreement_text.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <ctime>
#include <set>

#include "core/text.hpp"
#include "domain/request_input.hpp"
#include "domain/request_model.hpp"
#include "service/json_args.hpp"
#include "service/letters.hpp"
#include "service/request_common.hpp"

namespace hoshi::agreement {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

const char* kind_label(const std::string& kind) {
  static const std::pair<const char*, const char*> labels[] = {{"acknowledge", "要請の受領"},
                                                               {"estimate", "見積り"},
                                                               {"negotiation_request", "協議の申入れ"},
                                                               {"proposal", "提案"},
                                                               {"counter_proposal", "対案"},
                                                               {"accept", "見積り・対案の受入れ"},
                                                               {"reject", "理由を示した不受理"},
                                                               {"message", "連絡"},
                                                               {"price_decision", "取引価格の決定"},
                                                               {"agreement", "合意書案の作成"},
                                                               {"decline", "要請への対応の辞退"},
                                                               {"withdraw", "要請の取下げ"}};
  for (const auto& [k, label] : labels)
    if (kind == k) return label;
  return "その他";
}

std::string side_label(const std::string& side) { return side == "buyer" ? "甲" : side == "supplier" ? "乙" : side; }

std::string text_of(const Object::Ptr& b, const char* key) {
  if (!b->has(key) || b->isNull(key)) return "";
  Poco::Dynamic::Var v = b->get(key);
  return v.isString() ? v.extract<std::string>() : v.toString();
}

std::string join_list(const Object::Ptr& b, const char* key, const std::string& prefix) {
  Array::Ptr a = b->has(key) ? b->getArray(key) : nullptr;
  std::string out;
  if (!a) return out;
  for (std::size_t i = 0; i < a->size(); ++i)
    out += (out.empty() ? "" : "、") + prefix + a->get(static_cast<unsigned>(i)).toString();
  return out;
}

void add_date(Object::Ptr& o, const Date& d, const std::string& prefix = "date") {
  o->set(prefix + "_wareki", d.wareki());
  o->set(prefix + "_iso", d.iso());
}

// "2027-04-01" (any form parse_date takes) → the date; throws naming `field`; not before today.
Date future_date(const std::string& raw, const std::string& field, const Date& today, const char* what) {
  Date d;
  std::string why;
  if (!parse_date(raw, d, why)) throw Error(Code::invalid, "\"" + field + "\": " + why);
  if (d.year > 2100) throw Error(Code::invalid, "\"" + field + "\": " + d.iso() + " is not a date anyone can plan for");
  if (d < today)
    throw Error(Code::invalid, "\"" + field + "\": " + d.iso() + " is before today (" + today.iso() + "): " + what +
                                   " cannot be in the past");
  return d;
}

// One step as an entry of the annex 「協議の経過」: amounts, dates and texts as labelled lines.
Object::Ptr entry(const records::StepRecord& s, const Object::Ptr& b) {
  auto e = obj();
  e->set("step", std::to_string(s.step));
  add_date(e, step_date(s.at));
  // a supplier's step the buyer's staff wrote down is the buyer's record of what the supplier said
  e->set("side_label", side_label(s.side) + (b->optValue<bool>("recorded_by_staff", false) ? "（甲が記録）" : ""));
  e->set("kind_label", kind_label(s.kind));
  e->set("actor", s.actor);
  Array::Ptr lines = new Array;
  auto line = [&](const std::string& label, const std::string& value) {
    if (value.empty()) return;
    auto l = obj();
    l->set("label", label);
    l->set("value", value);
    lines->add(l);
  };
  auto amount = [&](const char* key, const std::string& label) {
    if (auto v = api::int_arg(b, key, 0, LLONG_MAX)) line(label, records::yen(*v));
  };
  const bool estimate = s.kind == "estimate";
  amount("initial_cost", estimate ? "初期費用の見積額" : "初期費用");
  amount("running_cost", estimate ? "運用費用の見積額" : "運用費用");
  amount("direct_cost", "直接経費");
  amount("indirect_cost", "間接経費");
  amount("material_initial_cost", "うち物件費（初期）");
  amount("labor_initial_cost", "うち人件費（初期）");
  amount("material_running_cost", "うち物件費（運用）");
  amount("labor_running_cost", "うち人件費（運用）");
  if (s.kind == "accept" && b->has("accepted_step"))
    line("受け入れた見積り・対案", "ステップ" + text_of(b, "accepted_step") + "の金額のとおり");
  if (Object::Ptr acc = s.kind == "accept" ? b->getObject("accepted") : nullptr)
    for (const auto& k : model::cost_keys())
      if (auto v = api::int_arg(acc, k, 0, LLONG_MAX))
        line(model::cost_label_ja(k), k == "share_percent" ? std::to_string(*v) + "％" : records::yen(*v));
  if (s.kind != "accept" && b->has("answers_step")) line("応答した申出", "ステップ" + text_of(b, "answers_step"));
  amount("amount", s.kind == "price_decision" ? "決定した金額" : "金額");
  amount("buyer_amount", s.kind == "negotiation_request" ? "甲に負担を求める額（初期費用）" : "甲の負担額");
  amount("buyer_running_amount",
         s.kind == "negotiation_request" ? "甲に負担を求める額（運用費用・年額）" : "甲の負担額（運用・年額）");
  if (std::string p = text_of(b, "sales_share_percent"); !p.empty()) line("乙の売上に占める甲との取引の割合", p + "％");
  line("計算", text_of(b, "calculation"));
  if (auto p = api::int_arg(b, "share_percent", 0, 100)) line("甲の負担割合", std::to_string(*p) + "％");
  line("負担の方法", text_of(b, "method"));
  if (std::string d = text_of(b, "price_revision_date"); !d.empty()) {
    Date date;
    line("取引価格の改定日", parse_iso_date(d, date) ? date.wareki() + "（" + date.iso() + "）" : d);
  }
  line("対象の要求事項", join_list(b, "items", "No."));
  line("対象とする契約", join_list(b, "contracts", ""));
  if (s.kind == "agreement" && b->has("agreement_version"))
    line("合意書案", "第" + text_of(b, "agreement_version") + "版");
  line("根拠", text_of(b, "basis"));
  line("理由", text_of(b, "reason"));
  if (Object::Ptr rs = b->has("reasons") ? b->getObject("reasons") : nullptr)
    for (const auto& k : model::cost_keys())
      if (rs->has(k)) line("理由（" + model::cost_label_ja(k) + "）", text_of(rs, k.c_str()));
  line("内容", text_of(b, "message"));
  e->set("lines", lines);
  return e;
}

// The latest explanation a side gave (its basis, reason and message), as {step, date, text}.
Object::Ptr explanation(const records::StepRecord& s, const Object::Ptr& b) {
  std::string text;
  for (const char* k : {"basis", "reason", "message"})
    if (std::string t = text_of(b, k); !t.empty()) text += (text.empty() ? "" : "／") + t;
  // a reject's reasons, item by item
  if (Object::Ptr rs = b->has("reasons") ? b->getObject("reasons") : nullptr)
    for (const auto& k : model::cost_keys())
      if (std::string t = text_of(rs, k.c_str()); !t.empty())
        text += (text.empty() ? "" : "／") + model::cost_label_ja(k) + "について、" + t;
  if (text.empty()) return nullptr;
  auto o = obj();
  const Date d = step_date(s.at);
  o->set("where", "ステップ" + std::to_string(s.step) + "（" + kind_label(s.kind) + "、" + d.wareki() + "）");
  o->set("text", text);
  return o;
}

bool explains(const std::string& side, const std::string& kind) {
  if (side == "buyer")
    return kind == "proposal" || kind == "counter_proposal" || kind == "accept" || kind == "reject" ||
           kind == "message" || kind == "price_decision";
  return kind == "negotiation_request" || kind == "estimate" || kind == "counter_proposal" || kind == "message" ||
         kind == "decline";
}

}  // namespace

Date step_date(const std::string& at) {
  std::tm tm{};
  if (at.size() >= 19 && strptime(at.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) {
    std::time_t t = timegm(&tm) + 9 * 3600;
    std::tm j{};
    gmtime_r(&t, &j);
    return Date{j.tm_year + 1900, j.tm_mon + 1, j.tm_mday};
  }
  Date d;
  parse_iso_date(at.substr(0, 10), d);
  return d;
}

// A recorded step's body; {} when it cannot be read (the thread is told as it stands).
Object::Ptr step_body(const records::StepRecord& s) {
  try {
    return detail::parse_obj(s.body);
  } catch (const std::exception&) {
    return obj();
  }
}

Object::Ptr thread_context(const std::vector<records::StepRecord>& steps, const Draft& draft) {
  auto t = obj();
  Array::Ptr requests = new Array, entries = new Array, declines = new Array;
  bool exchanged = false;
  std::set<std::string> drafted_by{draft.side};
  Object::Ptr buyer_reason, supplier_reason;
  for (const auto& s : steps) {
    const Object::Ptr b = step_body(s);
    entries->add(entry(s, b));
    if (s.side == "supplier" && s.kind == "negotiation_request") {
      auto r = obj();
      r->set("step", std::to_string(s.step));
      add_date(r, step_date(s.at));
      r->set("actor", s.actor);
      requests->add(r);
    }
    if (s.kind == "estimate" || s.kind == "proposal" || s.kind == "counter_proposal" || s.kind == "accept" ||
        s.kind == "reject" || s.kind == "price_decision")
      exchanged = true;
    if (s.kind == "agreement") drafted_by.insert(s.side);
    if (s.side == "supplier" && s.kind == "decline") {
      auto d = obj();
      d->set("step", std::to_string(s.step));
      add_date(d, step_date(s.at));
      declines->add(d);
    }
    if (explains(s.side, s.kind))
      if (Object::Ptr e = explanation(s, b)) (s.side == "buyer" ? buyer_reason : supplier_reason) = e;
  }
  // a draft answered by a draft from the other side is an exchange of terms
  exchanged = exchanged || drafted_by.size() > 1;
  if (!draft.message.empty()) {
    auto e = obj();
    e->set("where",
           std::string(draft.by_staff ? "本合意書案に付した説明（甲が乙に代わって記録）" : "本合意書案に付した説明"));
    e->set("text", draft.message);
    (draft.side == "buyer" ? buyer_reason : supplier_reason) = e;
  }
  const bool requested = requests->size() > 0;
  t->set("requested", requested);
  t->set("requests", requests);
  t->set("exchanged", exchanged);
  t->set("negotiated", requested || exchanged);
  t->set("declined", declines->size() > 0);
  t->set("declines", declines);
  t->set("entries", entries);
  t->set("has_entries", entries->size() > 0);
  if (buyer_reason) t->set("buyer_reason", buyer_reason);
  if (supplier_reason) t->set("supplier_reason", supplier_reason);
  return t;
}

Object::Ptr context(const std::string& number, const Object::Ptr& request, Object::Ptr terms,
                    const std::vector<records::StepRecord>& steps, const Draft& draft, const Catalogs& cat,
                    const Date& today) {
  api::only_keys(terms, "terms",
                 {"measures", "implementation_due", "sharing", "buyer_share_percent", "initial_cost", "running_cost",
                  "buyer_amount", "buyer_running_amount", "price_revision", "notes"});
  constexpr long long kMax = 1'000'000'000'000LL;
  auto ctx = obj();
  ctx->set("number", number);
  ctx->set("agreed_on_wareki", today.wareki());
  ctx->set("agreed_on_iso", today.iso());
  ctx->set("buyer", request->getObject("buyer"));
  auto supplier = obj();
  supplier->set("name", request->optValue<std::string>("supplier_name", ""));
  supplier->set("vendor_code", request->optValue<std::string>("supplier", ""));
  const std::string cn = request->optValue<std::string>("supplier_corporate_number", "");
  if (!cn.empty()) supplier->set("corporate_number", cn);
  ctx->set("supplier", supplier);
  const std::string level = request->optValue<std::string>("level", "");
  ctx->set("level_label", records::level_label(level));
  // the supplier started it (想定事例 (4)): the document says so, and that the buyer requested nothing
  const bool initiated = request->optValue<std::string>("origin", "buyer") == "supplier";
  ctx->set("initiated", initiated);
  // the request's due is the reply deadline (letter §4), named as such and never as the
  // deadline of the measures
  Date reply_due;
  if (parse_iso_date(request->optValue<std::string>("due", ""), reply_due)) {
    auto rd = obj();
    add_date(rd, reply_due);
    ctx->set("reply_due", rd);
  }
  if (std::string raw = api::str_arg(terms, "implementation_due", false); !raw.empty()) {
    const Date d = future_date(raw, "terms.implementation_due", today, "the deadline of the measures");
    terms->set("implementation_due", d.iso());
    auto o = obj();
    add_date(o, d);
    ctx->set("implementation_due", o);
  } else if (terms->has("implementation_due") && !terms->isNull("implementation_due")) {
    throw Error(Code::invalid, "\"terms.implementation_due\" is empty: give a date or leave it out");
  }
  std::string measures = api::str_arg(terms, "measures", false);
  // a negotiation the supplier started recorded costs, not measures: the agreement names
  // the measures itself rather than pointing at a thread that holds none
  if (measures.empty() && initiated)
    throw Error(Code::invalid,
                "\"terms.measures\" is required: the supplier's own ask records its costs, not the measures "
                "it will carry out, so the agreement must name them");
  if (measures.empty()) measures = records::level_label(level) + " の要求事項への対応";
  ctx->set("measures", measures);
  detail::add_items_context(ctx, request, cat);
  ctx->set("sharing", api::str_arg(terms, "sharing", true));
  if (auto p = api::int_arg(terms, "buyer_share_percent", 0, 100, "terms."))
    ctx->set("buyer_share_percent", std::to_string(*p));
  for (const char* k : {"initial_cost", "running_cost", "buyer_amount", "buyer_running_amount"})
    if (auto v = api::int_arg(terms, k, 0, kMax, "terms.")) ctx->set(k, records::yen(*v));
  // the document may not say the price stays when the thread holds a price decided, or a
  // figure accepted with the day a new price takes effect
  // the day a price changes is the one the buyer decided or accepted, when it named one
  std::string decided_date;
  long long decided_step = 0;
  for (const auto& s : steps)
    if (s.side == "buyer" && (s.kind == "price_decision" || s.kind == "accept"))
      if (std::string d = text_of(step_body(s), "price_revision_date"); !d.empty()) {
        decided_date = d;
        decided_step = s.step;
      }
  if (Object::Ptr pr = api::sub(terms, "price_revision"); pr && !decided_date.empty()) {
    Date want, got;
    std::string why;
    if (parse_date(decided_date, want, why) && parse_date(api::str_arg(pr, "date", false), got, why) && !(want == got))
      throw Error(Code::invalid, "\"terms.price_revision.date\" is " + got.iso() + ", but step " +
                                     std::to_string(decided_step) + " set the price change for " + want.iso() +
                                     ": the agreement states the date the thread holds");
  }
  if (Object::Ptr pr = api::sub(terms, "price_revision"))
    if (std::string d = api::str_arg(pr, "description", false); !d.empty() && text::readable_length(d) == 0)
      throw Error(Code::invalid,
                  "\"terms.price_revision.description\": say in words how the price changes (not a hollow text)");
  if (!api::sub(terms, "price_revision"))
    for (const auto& s : steps) {
      const Object::Ptr b = step_body(s);
      const bool decided = s.side == "buyer" && s.kind == "price_decision";
      const bool accepted_revision =
          s.side == "buyer" && s.kind == "accept" && !text_of(b, "price_revision_date").empty();
      if (decided || accepted_revision)
        throw Error(Code::invalid,
                    "\"terms.price_revision\" is required: the thread holds " +
                        std::string(decided ? "a price decision" : "an accepted figure with a price-change date") +
                        " (step " + std::to_string(s.step) +
                        "), so the agreement must state the revision, its date and the contracts it covers");
    }
  if (Object::Ptr pr = api::sub(terms, "price_revision")) {
    api::only_keys(pr, "terms.price_revision", {"date", "description", "contracts"});
    const std::string raw = api::str_arg(pr, "date", false);
    if (raw.empty())
      throw Error(Code::invalid, "\"terms.price_revision.date\" is required: the day the revised price takes effect");
    const Date d = future_date(raw, "terms.price_revision.date", today, "the day a price change takes effect");
    pr->set("date", d.iso());
    auto o = obj();
    add_date(o, d);
    if (std::string d2 = api::str_arg(pr, "description", false); !d2.empty()) o->set("description", d2);
    Array::Ptr contracts = new Array;
    for (const auto& c : api::str_list_arg(pr, "contracts", "terms.price_revision.")) contracts->add(c);
    o->set("contracts", contracts);
    o->set("has_contracts", contracts->size() > 0);
    ctx->set("price_revision", o);
  }
  const std::string notes = api::str_arg(terms, "notes", false);
  if (!notes.empty()) ctx->set("notes", notes);
  ctx->set("retention_years", std::to_string(cat.policy.retention.agreements_years));  // an agreement's period
  ctx->set("thread", thread_context(steps, draft));
  return ctx;
}

void add_notice_summary(Object::Ptr& agreement, const records::AgreementRecord& version,
                        const std::vector<records::StepRecord>& steps) {
  // the thread before the step that drafted this version
  std::vector<records::StepRecord> before;
  Draft draft;
  for (const auto& s : steps) {
    const Object::Ptr b = step_body(s);
    if (s.kind == "agreement" && text_of(b, "agreement_version") == std::to_string(version.version)) {
      draft = {s.side, text_of(b, "message"), b->optValue<bool>("recorded_by_staff", false)};
      break;
    }
    before.push_back(s);
  }
  Object::Ptr t = thread_context(before, draft);
  agreement->set("negotiated", t->getValue<bool>("negotiated"));
  agreement->set("requested", t->getValue<bool>("requested"));
  agreement->set("exchanged", t->getValue<bool>("exchanged"));
  agreement->set("request_count", std::to_string(t->getArray("requests")->size()));
  Object::Ptr terms;
  try {
    terms = detail::parse_obj(version.terms);
  } catch (const std::exception&) {
    terms = obj();
  }
  Date d;
  if (parse_iso_date(text_of(terms, "implementation_due"), d)) {
    auto o = obj();
    add_date(o, d);
    agreement->set("implementation_due", o);
  }
  Object::Ptr pr = terms->has("price_revision") ? terms->getObject("price_revision") : nullptr;
  if (pr) {
    auto o = obj();
    const std::string raw = text_of(pr, "date");
    if (parse_iso_date(raw, d))
      add_date(o, d);
    else  // stored before dates were normalised: as written
      o->set("date_wareki", raw);
    agreement->set("price_revision", o);
  }
}

}  // namespace hoshi::agreement
