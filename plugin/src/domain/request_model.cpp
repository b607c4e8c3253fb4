#include "domain/request_model.hpp"

#include "core/vocabulary.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace hoshi::model {

namespace {
constexpr State kAllStates[] = {State::draft,  State::issued,   State::acknowledged, State::negotiating,
                                State::agreed, State::declined, State::withdrawn,    State::expired};
constexpr bool states_in_order() {
  const char* codes[] = {"draft",  "issued",   "acknowledged", "negotiating",
                         "agreed", "declined", "withdrawn",    "expired"};
  for (State s : kAllStates)
    if (vocab::kRequestStates[static_cast<int>(s)].code != codes[static_cast<int>(s)]) return false;
  return std::size(vocab::kRequestStates) == std::size(kAllStates);
}
static_assert(states_in_order(), "core/vocabulary.hpp lists the request states in State's order");

struct StepName {
  Step s;
  const char *code, *ja;
  std::optional<Side> by;
};
const StepName kSteps[] = {
    {Step::acknowledge, "acknowledge", "受領の回答", Side::supplier},
    {Step::estimate, "estimate", "見積り", Side::supplier},
    {Step::negotiation_request, "negotiation_request", "価格協議の申入れ", Side::supplier},
    {Step::proposal, "proposal", "費用分担の提案", Side::buyer},
    {Step::counter_proposal, "counter_proposal", "対案", std::nullopt},
    {Step::accept, "accept", "見積り・対案の受入れ", Side::buyer},
    {Step::reject, "reject", "理由を示した不受理", Side::buyer},
    {Step::message, "message", "メッセージ", std::nullopt},
    {Step::price_decision, "price_decision", "代金の決定", Side::buyer},
    {Step::agreement, "agreement", "合意書案", std::nullopt},
    {Step::decline, "decline", "辞退", Side::supplier},
    {Step::withdraw, "withdraw", "要請の取下げ", Side::buyer},
};

const StepName& name_of(Step s) {
  for (const auto& n : kSteps)
    if (n.s == s) return n;
  throw std::logic_error("step kind without a name");
}

bool opens_ask(const ThreadStep& s) {
  return s.side == Side::supplier &&
         (s.kind == Step::negotiation_request || s.kind == Step::estimate || s.kind == Step::counter_proposal);
}
bool has_figures(const ThreadStep& s) {
  return s.side == Side::supplier &&
         (s.kind == Step::estimate || s.kind == Step::counter_proposal || s.kind == Step::negotiation_request) &&
         !s.cost_items.empty();
}
// The buyer answered with substance; older records of proposals without a basis did
// not, and a buyer message never does.
bool answers_ask(const ThreadStep& s) {
  if (s.side == Side::supplier) return s.kind == Step::agreement && !s.by_staff;
  if (s.kind == Step::accept || s.kind == Step::reject) return true;
  return (s.kind == Step::proposal || s.kind == Step::counter_proposal) && s.has_basis;
}
}  // namespace

const char* code(State s) { return vocab::kRequestStates[static_cast<int>(s)].code.data(); }
const char* code(Step s) { return name_of(s).code; }
const char* code(Side s) { return s == Side::buyer ? "buyer" : "supplier"; }
const char* label_ja(State s) { return vocab::kRequestStates[static_cast<int>(s)].ja.data(); }
std::string_view label(State s, vocab::Lang l) { return vocab::kRequestStates[static_cast<int>(s)].in(l); }
const char* label_ja(Step s) { return name_of(s).ja; }
const char* label_ja(Side s) { return s == Side::buyer ? "発注者（当社）" : "取引先"; }

std::optional<State> parse_state(const std::string& s) {
  for (State st : kAllStates)
    if (s == code(st)) return st;
  return std::nullopt;
}
std::optional<Step> parse_step(const std::string& s) {
  for (const auto& n : kSteps)
    if (s == n.code) return n.s;
  return std::nullopt;
}
std::optional<Side> parse_side(const std::string& s) {
  if (s == "buyer") return Side::buyer;
  if (s == "supplier") return Side::supplier;
  return std::nullopt;
}

State stored_state(const std::string& s) {
  if (auto st = parse_state(s)) return *st;
  throw std::logic_error("stored request state \"" + s + "\" is not a known state (corrupt record)");
}

const std::vector<Step>& all_steps() {
  static const std::vector<Step> steps = [] {
    std::vector<Step> v;
    for (const auto& n : kSteps) v.push_back(n.s);
    return v;
  }();
  return steps;
}

std::optional<Side> taken_by(Step s) { return name_of(s).by; }

const std::vector<State>& final_states() {
  static const std::vector<State> v = {State::agreed, State::declined, State::withdrawn, State::expired};
  return v;
}

bool is_final(State s) {
  return s == State::agreed || s == State::declined || s == State::withdrawn || s == State::expired;
}
bool is_answered(State s) {
  return s == State::acknowledged || s == State::negotiating || s == State::agreed || s == State::declined;
}
bool is_open(State s) { return s != State::draft && !is_final(s); }

bool may_issue(State from) { return from == State::draft; }
bool may_expire(State from) { return is_open(from); }
bool may_conclude(State from) { return from == State::negotiating; }

// The table. Rows are tried in order; the first row matching (state, side, kind) wins.
// A row with any_state true matches every open state.
namespace {
struct Row {
  std::optional<State> from;  // nullopt: any open state
  std::optional<Side> side;   // nullopt: either side
  Step kind;
  std::optional<State> to;  // nullopt: no change
};
const Row kTable[] = {
    // first answers move an issued request on
    {State::issued, Side::supplier, Step::acknowledge, State::acknowledged},
    {std::nullopt, Side::supplier, Step::acknowledge, std::nullopt},
    {std::nullopt, Side::supplier, Step::decline, State::declined},
    {std::nullopt, Side::buyer, Step::withdraw, State::withdrawn},
    {std::nullopt, std::nullopt, Step::message, std::nullopt},
    // any talk of price opens (or continues) the negotiation
    {std::nullopt, std::nullopt, Step::estimate, State::negotiating},
    {std::nullopt, std::nullopt, Step::negotiation_request, State::negotiating},
    {std::nullopt, std::nullopt, Step::proposal, State::negotiating},
    {std::nullopt, std::nullopt, Step::counter_proposal, State::negotiating},
    {std::nullopt, std::nullopt, Step::accept, State::negotiating},
    {std::nullopt, std::nullopt, Step::reject, State::negotiating},
    {std::nullopt, std::nullopt, Step::price_decision, State::negotiating},
    {std::nullopt, std::nullopt, Step::agreement, State::negotiating},
    // after a decline the buyer may still answer it (words or better terms), which is
    // what pressing-after-refusal asks for before a new request; it stays declined
    {State::declined, Side::buyer, Step::message, std::nullopt},
    {State::declined, Side::buyer, Step::proposal, std::nullopt},
    {State::declined, Side::buyer, Step::counter_proposal, std::nullopt},
};
}  // namespace

Transition on_step(State from, Side side, Step kind) {
  Transition t;
  if (auto by = taken_by(kind); by && *by != side) {
    t.refusal = std::string("a ") + code(kind) + " step is taken by the " + code(*by) + ", not the " + code(side);
    return t;
  }
  if (from == State::draft) {
    t.refusal = "the request is a draft: issue it first";
    return t;
  }
  for (const auto& r : kTable) {
    const bool state_ok = r.from ? *r.from == from : is_open(from);
    if (!state_ok || (r.side && *r.side != side) || r.kind != kind) continue;
    t.allowed = true;
    if (r.to && *r.to != from) t.to = r.to;
    return t;
  }
  t.refusal = std::string("the request is ") + code(from) + ": no further steps can be recorded";
  if (from == State::declined) t.refusal += " (the buyer may still answer the decline with a message or proposal)";
  return t;
}

const char* code(Origin o) { return o == Origin::buyer ? "buyer" : "supplier"; }
std::optional<Origin> parse_origin(const std::string& s) {
  if (s == "buyer") return Origin::buyer;
  if (s == "supplier") return Origin::supplier;
  return std::nullopt;
}
Origin stored_origin(const std::string& s) {
  if (auto o = parse_origin(s)) return *o;
  throw std::logic_error("stored request origin \"" + s + "\" is not a known origin (corrupt record)");
}
const char* label_ja(Origin o) { return o == Origin::buyer ? "当社からの対策要請" : "取引先からの価格協議の申入れ"; }
State initial_state(Origin o) { return o == Origin::buyer ? State::draft : State::negotiating; }
std::optional<Step> first_step(Origin o) {
  if (o == Origin::supplier) return Step::negotiation_request;
  return std::nullopt;
}

Transition on_step(Origin origin, State from, Side side, Step kind) {
  if (origin == Origin::supplier && (kind == Step::acknowledge || kind == Step::decline || kind == Step::withdraw)) {
    Transition t;
    t.refusal = std::string("the supplier started this negotiation (no request of the buyer): there is nothing to ") +
                (kind == Step::acknowledge ? "acknowledge"
                 : kind == Step::decline   ? "decline"
                                           : "withdraw") +
                "; answer the supplier's ask (accept, counter_proposal with basis, reject with reasons) or draft "
                "the agreement";
    return t;
  }
  return on_step(from, side, kind);
}

std::optional<OpenAsk> open_ask(const std::vector<ThreadStep>& thread) {
  std::optional<OpenAsk> open;
  std::optional<ThreadStep> figures;
  for (const auto& s : thread) {
    if (opens_ask(s)) {
      OpenAsk a;
      a.no = s.no;
      a.kind = s.kind;
      a.at = s.at;
      if (has_figures(s)) figures = s;
      if (figures) {
        a.cost_items = figures->cost_items;
        a.figures_step = figures->no;
      }
      open = a;
    } else if (answers_ask(s)) {
      open.reset();
      figures.reset();
    }
  }
  return open;
}

std::optional<long long> acceptable_figures(const std::vector<ThreadStep>& thread) {
  std::optional<long long> last;
  for (const auto& s : thread) {
    if (has_figures(s)) last = s.no;
    if (s.kind == Step::agreement || s.kind == Step::accept) last.reset();
  }
  return last;
}

std::string describe(const OpenAsk& a) {
  return "ステップ" + std::to_string(a.no) + "（" + label_ja(a.kind) + "、" + a.at + "）";
}

const std::vector<std::string>& cost_keys() {
  static const std::vector<std::string> keys{"initial_cost",          "running_cost",          "direct_cost",
                                             "indirect_cost",         "material_initial_cost", "labor_initial_cost",
                                             "material_running_cost", "labor_running_cost",    "amount",
                                             "buyer_amount",          "buyer_running_amount",  "share_percent"};
  return keys;
}

std::vector<std::string> reasoned_items(const std::vector<std::string>& present) {
  auto has = [&](const char* k) { return std::find(present.begin(), present.end(), k) != present.end(); };
  const bool initial_split = has("material_initial_cost") || has("labor_initial_cost");
  const bool running_split = has("material_running_cost") || has("labor_running_cost");
  std::vector<std::string> out;
  for (const auto& k : present) {
    if ((k == "initial_cost" && initial_split) || (k == "running_cost" && running_split)) continue;
    out.push_back(k);
  }
  return out;
}

std::string cost_label_ja(const std::string& key) {
  static const std::pair<const char*, const char*> names[] = {
      {"initial_cost", "初期費用"},
      {"running_cost", "運用費用（年額）"},
      {"direct_cost", "直接費"},
      {"indirect_cost", "間接経費"},
      {"material_initial_cost", "物件費（初期）"},
      {"labor_initial_cost", "人件費（初期）"},
      {"material_running_cost", "物件費（運用・年額）"},
      {"labor_running_cost", "人件費（運用・年額）"},
      {"amount", "金額"},
      {"buyer_amount", "発注者の負担額"},
      {"buyer_running_amount", "発注者の負担額（運用・年額）"},
      {"share_percent", "負担割合"},
  };
  for (const auto& n : names)
    if (key == n.first) return n.second;
  return key;
}

}  // namespace hoshi::model
