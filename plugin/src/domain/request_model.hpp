// The request / negotiation / agreement life cycle as one pure model: the states a
// request passes through, the kinds of step each side takes on its thread, the one
// table that says which step is allowed in which state and where it leads, and what
// counts as the buyer answering a supplier's negotiation request (取適法 5条2項4号).
// No I/O: the service layer loads records, asks this model, and writes what it says.
//
// The database keeps the codes (code()); Japanese screens show label_ja().
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/vocabulary.hpp"

namespace hoshi::model {

enum class State { draft, issued, acknowledged, negotiating, agreed, declined, withdrawn, expired };
enum class Side { buyer, supplier };
enum class Step {
  acknowledge,          // supplier: received, will act
  estimate,             // supplier: its cost (物件費・人件費, initial and running)
  negotiation_request,  // supplier: asks to negotiate the price (協議の申入れ)
  proposal,             // buyer: an offer of cost sharing, with amount and basis
  counter_proposal,     // either: a counter-offer, with amount and basis
  accept,               // buyer: accepts the supplier's figure as it stands
  reject,               // buyer: does not accept, with a reason for each cost item
  message,              // either: words only; answers nothing
  price_decision,       // buyer: sets the price
  agreement,            // either: drafts the written agreement
  decline,              // supplier: declines the request, with its reason
  withdraw,             // buyer: withdraws the request, with its reason
};

// Codes as stored; parse_* return nullopt for an unknown code.
const char* code(State s);
const char* code(Side s);
const char* code(Step s);
std::optional<State> parse_state(const std::string& s);
std::optional<Side> parse_side(const std::string& s);
std::optional<Step> parse_step(const std::string& s);
// A state read back from the database: an unknown code is a corrupt record, not the
// caller's mistake (std::logic_error naming it).
State stored_state(const std::string& s);

// Japanese words for screens, letters and the supplier's page (a state's words, both
// languages, are core/vocabulary.hpp's kRequestStates).
const char* label_ja(State s);
std::string_view label(State s, vocab::Lang l);
const char* label_ja(Side s);
const char* label_ja(Step s);

// Every step kind, in the order forms list them.
const std::vector<Step>& all_steps();

// Which side may take a step: buyer, supplier, or both (nullopt).
std::optional<Side> taken_by(Step s);

// agreed, declined, withdrawn, expired: nothing more happens to the request.
bool is_final(State s);
// The final states, in code order (for a store that selects by them).
const std::vector<State>& final_states();
// The supplier has taken a step (what a campaign counts as answered).
bool is_answered(State s);
// Issued and not final: the request is live (reminders, expiry, one per level).
bool is_open(State s);

// The one transition table for steps on a thread. `allowed` false comes with the
// reason in words (`refusal`, English, for the API); `to` is the state after the step
// (nullopt: the state does not change).
struct Transition {
  bool allowed = false;
  std::optional<State> to;
  std::string refusal;
};
Transition on_step(State from, Side side, Step kind);

// System events outside the thread.
bool may_issue(State from);     // draft → issued
bool may_expire(State from);    // past its due date with no agreement → expired
bool may_conclude(State from);  // both sides confirmed an agreement → agreed

// ---- Who started the record -----------------------------------------------------

// buyer: the buyer's 対策要請 (a level, a letter, a reply deadline), drafted then issued.
// supplier: the supplier's own 価格協議の申入れ through its standing link (想定事例 (4)):
// no level, no letter; it starts negotiating with the supplier's first step.
enum class Origin { buyer, supplier };
const char* code(Origin o);
std::optional<Origin> parse_origin(const std::string& s);
// Stored origin: an unknown code is a corrupt record (std::logic_error naming it).
Origin stored_origin(const std::string& s);
// 「当社からの対策要請」 / 「取引先からの価格協議の申入れ」
const char* label_ja(Origin o);
// The state a new record is written in, and the step that must open it (nullopt: none).
State initial_state(Origin o);
std::optional<Step> first_step(Origin o);
// on_step() for a record of `origin`: a supplier-initiated negotiation holds no request
// of the buyer, so there is nothing to acknowledge, decline or withdraw; every other step
// follows the one table.
Transition on_step(Origin origin, State from, Side side, Step kind);

// ---- Negotiation with substance -------------------------------------------------

// One step of a thread as far as the negotiation rules need it.
struct ThreadStep {
  long long no = 0;
  Side side = Side::buyer;
  Step kind = Step::message;
  std::string at;
  std::vector<std::string> cost_items;  // cost keys with an amount (initial_cost, …)
  bool has_basis = false;               // a proposal/counter-proposal states its basis
  bool by_staff = false;                // a supplier's step recorded by the buyer's staff, not its link
};

// The supplier's latest step that asks the buyer to talk price (a negotiation request,
// an estimate or a counter-proposal) and that the buyer has not yet answered with
// substance: accepting the figure, counter-proposing with an amount and its basis, or
// rejecting with a reason for each cost item. A buyer message, or the buyer drafting an
// agreement, answers nothing. The supplier drafting the agreement itself closes its ask —
// through its own page, never a draft the buyer's staff recorded in its name.
struct OpenAsk {
  long long no = 0;
  Step kind = Step::negotiation_request;
  std::string at;
  std::vector<std::string> cost_items;  // of the latest supplier step with figures
  std::optional<long long> figures_step;
};
std::optional<OpenAsk> open_ask(const std::vector<ThreadStep>& thread);

// The same ask in words for a refusal: "ステップ3（見積り、2026-11-20T…）".
std::string describe(const OpenAsk& a);

// A supplier's estimate or counter-proposal with figures, or its negotiation request when
// it states figures (the cost-share helper's costs and proposed amounts), is what a buyer
// accepts or gives reasons against.
// The supplier's latest step with figures that a buyer `accept` would take (its
// number), or nullopt when the thread holds none after the last agreement draft.
std::optional<long long> acceptable_figures(const std::vector<ThreadStep>& thread);

// The cost items a buyer's reasons must address among the keys a step states: the
// 物件費/人件費 parts when given (not the totals computed from them), else the totals.
std::vector<std::string> reasoned_items(const std::vector<std::string>& present);

// The cost keys a step's amounts may use, and their Japanese names.
const std::vector<std::string>& cost_keys();
std::string cost_label_ja(const std::string& key);

}  // namespace hoshi::model
