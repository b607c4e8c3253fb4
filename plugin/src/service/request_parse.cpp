// JSON → request inputs and step bodies, checked field by field; guardrail results → JSON.
#include <algorithm>
#include <set>
#include <tuple>

#include "core/cost_share.hpp"

#include "domain/request_model.hpp"

#include "core/levels.hpp"
#include "core/text.hpp"
#include "service/json_args.hpp"
#include "service/requests.hpp"

namespace hoshi {

using api::int_arg;
using api::obj;
using api::str_arg;
using api::str_list_arg;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {
constexpr long long kMaxYen = 1'000'000'000'000LL;  // 1兆円: anything above is a typo

std::string parse_level(const Object::Ptr& o) {
  if (!o->has("level") || o->isNull("level")) throw Error(Code::invalid, "\"level\" is required (3, 4 or \"SA2\")");
  const std::string raw = text::ascii_lower(text::nfkc(text::trim(o->get("level").convert<std::string>())));
  if (raw == "sa2" || raw == "sa★★" || raw == "sa ★★" || raw == "★★" || raw == "security action ★★") return "sa2";
  int scs = 0;
  std::string why;
  if (levels::parse_scs(raw, scs, why)) {
    if (scs == 3) return "scs3";
    if (scs == 4) return "scs4";
    if (scs == 5) throw Error(Code::invalid, "\"level\": ★5 is still being designed and cannot be asked for");
  }
  throw Error(Code::invalid, "\"level\" must be 3, 4 or \"SA2\" (SECURITY ACTION ★★ as a first step), not \"" +
                                 o->get("level").convert<std::string>() + "\"");
}

Date parse_date_arg(const Object::Ptr& o, const std::string& key, const std::string& path) {
  const std::string raw = str_arg(o, key, true);
  Date d;
  std::string why;
  if (!parse_date(raw, d, why)) throw Error(Code::invalid, "\"" + path + key + "\": " + why);
  return d;
}

// Free text as it is kept: valid UTF-8, hidden characters removed (text::clean_free_text,
// the rule for every free-text field), at most `max` bytes.
std::string clean_text(const std::string& s, const std::string& name, std::size_t max = 20000,
                       text::Lines lines = text::Lines::many) {
  if (!text::is_valid_utf8(s)) throw Error(Code::invalid, "\"" + name + "\" is not valid UTF-8");
  std::string t = text::clean_free_text(s, lines);
  if (t.size() > max) throw Error(Code::invalid, "\"" + name + "\" is longer than " + std::to_string(max) + " bytes");
  return t;
}

// The text under `key` of `o` (a step body, its terms), cleaned in place.
void clean_key(Object::Ptr o, const std::string& key, const std::string& name, text::Lines lines = text::Lines::many) {
  if (!o->has(key) || o->isNull(key)) return;
  o->set(key, clean_text(str_arg(o, key, false), name, 20000, lines));
}

// A list of short texts (item numbers, contract names): at most 500 of 500 bytes each,
// each one line, cleaned (and written back cleaned when `o` holds the list).
std::vector<std::string> text_list(Object::Ptr o, const std::string& key) {
  auto list = str_list_arg(o, key);
  if (list.size() > 500) throw Error(Code::invalid, "\"" + key + "\" lists more than 500 entries");
  for (std::size_t i = 0; i < list.size(); ++i)
    list[i] = clean_text(list[i], key + "[" + std::to_string(i) + "]", 500, text::Lines::one);
  if (o->has(key) && !o->isNull(key)) {
    Array::Ptr cleaned = new Array;
    for (const auto& s : list) cleaned->add(s);
    o->set(key, cleaned);
  }
  return list;
}
constexpr std::size_t kMinBasisChars = 10;
constexpr std::size_t kMinChangeChars = 10;

// An estimate's 物件費/人件費 parts: each total is the sum of its parts when parts are
// given; a total given beside its parts must equal their sum.
void split_costs(Object::Ptr b) {
  auto has = [&](const char* k) { return b->has(k) && !b->isNull(k); };
  for (const auto& [total, material, labor] : {std::tuple<const char*, const char*, const char*>{
                                                   "initial_cost", "material_initial_cost", "labor_initial_cost"},
                                               {"running_cost", "material_running_cost", "labor_running_cost"}}) {
    if (!has(material) && !has(labor)) continue;
    const long long sum =
        (has(material) ? b->getValue<long long>(material) : 0) + (has(labor) ? b->getValue<long long>(labor) : 0);
    if (sum > kMaxYen)
      throw Error(Code::invalid, "\"" + std::string(material) + "\" and \"" + labor + "\" add up to more than " +
                                     std::to_string(kMaxYen) + " yen");
    if (has(total) && b->getValue<long long>(total) != sum)
      throw Error(Code::invalid, "\"" + std::string(total) + "\" (" + std::to_string(b->getValue<long long>(total)) +
                                     ") is not the sum of \"" + material + "\" and \"" + labor + "\" (" +
                                     std::to_string(sum) + ")");
    b->set(total, sum);
  }
}

// The cost-share helper (core/cost_share.hpp) on a negotiation request: the buyer's share of
// the supplier's sales ("sales_share_percent", 0–100, two decimals at most) applied to the
// supplier's costs gives the amounts proposed to the buyer, which are computed here (a
// figure sent beside them must equal them) and recorded with the calculation in words.
void cost_share_arg(Object::Ptr b) {
  if (!b->has("sales_share_percent") || b->isNull("sales_share_percent")) return;
  const Poco::Dynamic::Var v = b->get("sales_share_percent");
  if (!v.isString() && !v.isNumeric())
    throw Error(Code::invalid, "\"sales_share_percent\" must be a number between 0 and 100");
  std::string why;
  const auto share = cost_share::parse_percent(v.toString(), why);
  if (!share)
    throw Error(Code::invalid, "\"sales_share_percent\" (" + v.toString() +
                                   "): must be a number "
                                   "between 0 and 100 with at most two decimals");
  auto opt = [&](const char* k) {
    return b->has(k) && !b->isNull(k) ? std::optional<long long>(b->getValue<long long>(k)) : std::nullopt;
  };
  cost_share::Input in;
  in.material_initial = opt("material_initial_cost");
  in.labor_initial = opt("labor_initial_cost");
  in.initial = opt("initial_cost");
  in.material_running = opt("material_running_cost");
  in.labor_running = opt("labor_running_cost");
  in.running = opt("running_cost");
  in.share = *share;
  const cost_share::Result r = cost_share::compute(in);
  for (const auto& [key, computed] : {std::pair<const char*, std::optional<long long>>{"buyer_amount", r.buyer_initial},
                                      {"buyer_running_amount", r.buyer_running}}) {
    if (auto given = opt(key); given && (!computed || *given != *computed))
      throw Error(Code::invalid, "\"" + std::string(key) + "\" (" + std::to_string(*given) +
                                     ") is not the cost × sales_share_percent (" +
                                     (computed ? std::to_string(*computed) : std::string("no such cost")) + ")");
    if (computed) b->set(key, *computed);
  }
  b->set("sales_share_percent", cost_share::percent_text(*share));
  b->set("calculation", r.calculation);
}

// A reject's reasons: {"initial_cost": "…", …}, keyed by the cost items it answers.
void reasons_arg(Object::Ptr b) {
  if (!b->has("reasons") || b->isNull("reasons")) return;
  Object::Ptr r = api::sub(b, "reasons");
  if (!r) throw Error(Code::invalid, "\"reasons\" must be an object: {cost item: reason}");
  for (const auto& k : r->getNames()) {
    const auto& keys = model::cost_keys();
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      throw Error(Code::invalid, "\"reasons." + k + "\" names no cost item");
    r->set(k, clean_text(str_arg(r, k, false), "reasons." + k));
  }
}
}  // namespace

std::string actor_arg(const Object::Ptr& o) {
  std::string actor = text::trim(str_arg(o, "actor", true));
  if (actor.empty()) throw Error(Code::invalid, "\"actor\": the acting user is required");
  if (!text::is_valid_utf8(actor) || actor.size() > 200)
    throw Error(Code::invalid, "\"actor\" must be valid UTF-8 of at most 200 bytes");
  if (actor.find_first_of("\n\r\t") != std::string::npos) throw Error(Code::invalid, "\"actor\" must be one line");
  // an identity, not free text: refused rather than cleaned, as X-Hoshitori-User is
  if (text::strip_hidden(actor) != actor)
    throw Error(Code::invalid, "\"actor\" holds a control or invisible (bidi, zero-width) character");
  return actor;
}

std::vector<records::Override> parse_overrides(const Object::Ptr& o) {
  std::vector<records::Override> out;
  if (!o->has("overrides") || o->isNull("overrides")) return out;
  Array::Ptr a = o->getArray("overrides");
  if (!a) throw Error(Code::invalid, "\"overrides\" must be a list of {\"rule\", \"reason\"}");
  for (std::size_t i = 0; i < a->size(); ++i) {
    Object::Ptr e = a->getObject(static_cast<unsigned>(i));
    const std::string where = "overrides[" + std::to_string(i) + "]";
    if (!e) throw Error(Code::invalid, "\"" + where + "\" must be {\"rule\", \"reason\"}");
    api::only_keys(e, where, {"rule", "reason"});
    records::Override ov{str_arg(e, "rule", true), str_arg(e, "reason", true)};
    ov.rule = clean_text(ov.rule, where + ".rule", 200, text::Lines::one);
    ov.reason = clean_text(ov.reason, where + ".reason");
    out.push_back(std::move(ov));
  }
  return out;
}

records::RequestInput parse_request_input(const Object::Ptr& o, const Catalogs& catalogs) {
  api::only_keys(o, "the request",
                 {"supplier", "level", "due", "reason", "necessity", "items", "cost_sharing", "designated_service",
                  "designated_service_mandatory", "overrides", "what_changed"});
  records::RequestInput in;
  in.vendor_code = str_arg(o, "supplier", true);
  in.level = parse_level(o);
  in.due = parse_date_arg(o, "due", "");
  if (in.due.year > 2100)
    throw Error(Code::invalid, "\"due\": " + in.due.iso() + " is not a date a supplier can plan for");
  in.reason = clean_text(str_arg(o, "reason", false), "reason");
  in.necessity = clean_text(str_arg(o, "necessity", false), "necessity");
  in.items = str_list_arg(o, "items");
  if (in.items.size() > 500) throw Error(Code::invalid, "\"items\" lists more than 500 entries");
  for (std::size_t i = 0; i < in.items.size(); ++i)
    in.items[i] = clean_text(in.items[i], "items[" + std::to_string(i) + "]", 500, text::Lines::one);
  const int scs = records::level_scs(in.level);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < in.items.size(); ++i) {
    std::string& no = in.items[i];
    no = text::nfkc(text::trim(no));
    if (no.rfind("No.", 0) == 0) no = no.substr(3);
    const std::string where = "\"items[" + std::to_string(i) + "]\"";
    if (scs == 0) throw Error(Code::invalid, where + ": requirement items belong to SCS ★3/★4 requests");
    const ScsRequirement* found = nullptr;
    for (const auto& r : catalogs.scs.requirements)
      if (r.no == no) found = &r;
    if (!found) throw Error(Code::invalid, where + ": \"" + no + "\" is not a requirement in the SCS catalog");
    bool at_level = false;
    for (int lv : found->levels) at_level = at_level || lv <= scs;
    if (!at_level)
      throw Error(Code::invalid, where + ": " + no + " is a ★4 requirement, not part of ★" + std::to_string(scs));
    if (!seen.insert(no).second) throw Error(Code::invalid, where + ": " + no + " is listed twice");
  }
  if (Object::Ptr cs = api::sub(o, "cost_sharing")) {
    api::only_keys(cs, "cost_sharing", {"method", "explanation", "negotiable"});
    records::CostSharing c;
    c.method = text::trim(clean_text(str_arg(cs, "method", false), "cost_sharing.method", 20000, text::Lines::one));
    c.explanation = clean_text(str_arg(cs, "explanation", false), "cost_sharing.explanation");
    c.negotiable = api::bool_arg(cs, "negotiable", false);
    in.cost_sharing = c;
  }
  if (o->has("designated_service") && !o->isNull("designated_service")) {
    std::string name =
        text::trim(clean_text(str_arg(o, "designated_service", false), "designated_service", 20000, text::Lines::one));
    if (!name.empty()) in.designated_service = name;
  }
  in.designated_mandatory = api::bool_arg(o, "designated_service_mandatory", false);
  in.overrides = parse_overrides(o);
  if (Object::Ptr wc = api::sub(o, "what_changed")) {
    api::only_keys(wc, "what_changed", {"support", "cost_share", "later_date"});
    records::WhatChanged w;
    w.support = text::trim(clean_text(str_arg(wc, "support", false), "what_changed.support"));
    w.cost_share = text::trim(clean_text(str_arg(wc, "cost_share", false), "what_changed.cost_share"));
    w.later_date = text::trim(clean_text(str_arg(wc, "later_date", false), "what_changed.later_date"));
    for (const auto& [name, text] : {std::pair<const char*, const std::string&>{"support", w.support},
                                     {"cost_share", w.cost_share},
                                     {"later_date", w.later_date}})
      if (!text.empty() && text::readable_length(text) < kMinChangeChars)
        throw Error(Code::invalid, "\"what_changed." + std::string(name) + "\": say what changed in words, at least " +
                                       std::to_string(kMinChangeChars) + " characters");
    if (!w.any())
      throw Error(Code::invalid,
                  "\"what_changed\" names no change: give \"support\", \"cost_share\" or \"later_date\"");
    in.what_changed = w;
  }
  return in;
}

const std::vector<std::string>& RequestService::step_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> v;
    for (auto k : model::all_steps()) v.push_back(model::code(k));
    return v;
  }();
  return kinds;
}

void validate_step(const StepInput& in) {  // and cleans the body's free text in place
  // the keys each kind's body may hold (who may take it is the model's: model::taken_by)
  struct Rule {
    model::Step kind;
    std::initializer_list<const char*> keys;
  };
  static const Rule rules[] = {
      {model::Step::acknowledge, {"message"}},
      {model::Step::estimate,
       {"initial_cost", "running_cost", "direct_cost", "indirect_cost", "material_initial_cost", "labor_initial_cost",
        "material_running_cost", "labor_running_cost", "basis", "items", "message"}},
      // with the cost-share helper's inputs when the supplier starts the negotiation itself
      {model::Step::negotiation_request,
       {"message", "items", "contracts", "initial_cost", "running_cost", "material_initial_cost", "labor_initial_cost",
        "material_running_cost", "labor_running_cost", "sales_share_percent", "buyer_amount", "buyer_running_amount",
        "basis"}},
      {model::Step::proposal,
       {"amount", "buyer_amount", "share_percent", "method", "basis", "items", "contracts", "price_revision_date",
        "message"}},
      {model::Step::counter_proposal,
       {"amount", "buyer_amount", "share_percent", "method", "basis", "items", "contracts", "price_revision_date",
        "message"}},
      {model::Step::accept, {"message", "price_revision_date"}},
      {model::Step::reject, {"reason", "reasons", "message"}},
      {model::Step::message, {"message"}},
      {model::Step::price_decision, {"amount", "price_revision_date", "contracts", "message"}},
      {model::Step::agreement, {"terms", "message"}},
      {model::Step::decline, {"reason", "message"}},
      {model::Step::withdraw, {"reason", "message"}},
  };
  const auto side = model::parse_side(in.side);
  if (!side) throw Error(Code::invalid, "\"side\" must be buyer or supplier, not \"" + in.side + "\"");
  const auto kind = model::parse_step(in.kind);
  const Rule* rule = nullptr;
  for (const auto& r : rules)
    if (kind && r.kind == *kind) rule = &r;
  if (!rule) {
    std::string list;
    for (const auto& k : RequestService::step_kinds()) list += (list.empty() ? "" : ", ") + k;
    throw Error(Code::invalid, "\"kind\" must be one of " + list + ", not \"" + in.kind + "\"");
  }
  if (auto by = model::taken_by(*kind); by && *by != *side)
    throw Error(Code::invalid, "a " + in.kind + " step is taken by the " + model::code(*by) + ", not the " + in.side);
  const Object::Ptr& b = in.body;
  api::only_keys(b, in.kind + " step", rule->keys);
  for (const auto& k : model::cost_keys())
    if (k != "share_percent") int_arg(b, k, 0, kMaxYen);
  split_costs(b);
  if (in.kind == "negotiation_request") cost_share_arg(b);
  int_arg(b, "share_percent", 0, 100);
  for (const char* k : {"message", "reason", "basis"}) clean_key(b, k, k);
  clean_key(b, "method", "method", text::Lines::one);
  text_list(b, "items");
  text_list(b, "contracts");
  if (b->has("price_revision_date") && !b->isNull("price_revision_date")) parse_date_arg(b, "price_revision_date", "");
  auto has = [&](const char* k) { return b->has(k) && !b->isNull(k); };
  if (in.kind == "estimate" && !has("initial_cost") && !has("running_cost"))
    throw Error(Code::invalid,
                "an estimate needs \"initial_cost\" or \"running_cost\" (yen), or their 物件費/人件費 parts "
                "(\"material_initial_cost\", \"labor_initial_cost\", \"material_running_cost\", "
                "\"labor_running_cost\")");
  if ((in.kind == "proposal" || in.kind == "counter_proposal") && !has("amount") && !has("buyer_amount") &&
      !has("share_percent"))
    throw Error(Code::invalid, "a " + in.kind + " needs \"amount\", \"buyer_amount\" or \"share_percent\"");
  // 取適法 5条2項4号: the buyer's answer carries the explanation behind its figure
  if ((in.kind == "proposal" || in.kind == "counter_proposal") && *side == model::Side::buyer &&
      text::readable_length(str_arg(b, "basis", false)) < kMinBasisChars)
    throw Error(Code::invalid, "a buyer's " + in.kind +
                                   " needs \"basis\": how its amount was reached (the supplier's cost items, "
                                   "the share of its sales, …), at least " +
                                   std::to_string(kMinBasisChars) + " characters");
  if (in.kind == "reject") reasons_arg(b);
  if (in.kind == "price_decision" && !has("amount"))
    throw Error(Code::invalid, "a price_decision needs \"amount\" (yen)");
  if ((in.kind == "message" || in.kind == "negotiation_request") &&
      text::visible_length(str_arg(b, "message", false)) == 0)
    throw Error(Code::invalid, "a " + in.kind + " needs \"message\"");
  if ((in.kind == "decline" || in.kind == "withdraw") && text::visible_length(str_arg(b, "reason", false)) == 0)
    throw Error(Code::invalid, "a " + in.kind + " needs \"reason\"");
  if (in.kind == "agreement") {
    Object::Ptr terms = api::sub(b, "terms");
    if (!terms) throw Error(Code::invalid, "an agreement step needs \"terms\" (see README: the written agreement)");
    for (const char* k : {"measures", "sharing", "notes"}) clean_key(terms, k, std::string("terms.") + k);
    if (text::visible_length(str_arg(terms, "sharing", false)) == 0)
      throw Error(Code::invalid, "\"terms.sharing\" is required: how the cost is shared (折半, 全額負担, …)");
    const auto initial = int_arg(terms, "initial_cost", 0, kMaxYen, "terms.");
    const auto running = int_arg(terms, "running_cost", 0, kMaxYen, "terms.");
    const auto buyer = int_arg(terms, "buyer_amount", 0, kMaxYen, "terms.");
    const auto buyer_running = int_arg(terms, "buyer_running_amount", 0, kMaxYen, "terms.");
    if (initial && buyer && *buyer > *initial)
      throw Error(Code::invalid, "\"terms.buyer_amount\" is more than \"terms.initial_cost\"");
    if (running && buyer_running && *buyer_running > *running)
      throw Error(Code::invalid, "\"terms.buyer_running_amount\" is more than \"terms.running_cost\"");
    if (Object::Ptr pr = api::sub(terms, "price_revision")) {
      clean_key(pr, "description", "terms.price_revision.description");
      text_list(pr, "contracts");
    }
  }
  if (!in.overrides.empty() && in.kind != "price_decision" && !(in.kind == "agreement" && *side == model::Side::buyer))
    throw Error(Code::invalid, "\"overrides\" apply to price_decision steps and the buyer's agreement draft only");
}

Object::Ptr guard_json(const records::GuardOutcome& g) {
  auto o = obj();
  Array::Ptr refused = new Array;
  for (const auto& id : g.refused_ids()) refused->add(id);
  o->set("refused", refused);
  Array::Ptr rules = new Array;
  for (const auto& r : g.results) {
    auto e = obj();
    e->set("rule", r.rule);
    e->set("severity", r.severity);
    e->set("result", r.passed ? "pass" : r.overridden ? "overridden" : r.severity == "refuse" ? "refused" : "warning");
    e->set("title", r.title);
    e->set("citation", r.citation);
    if (!r.scope_note.empty()) e->set("scope_note", r.scope_note);
    if (!r.passed) {
      e->set("detail", r.detail);
      e->set("why", r.why);
      e->set("remedy", r.remedy);
    }
    if (r.overridden) {
      e->set("override_by", r.override_by);
      e->set("override_reason", r.override_reason);
    }
    rules->add(e);
  }
  o->set("rules", rules);
  return o;
}

}  // namespace hoshi
