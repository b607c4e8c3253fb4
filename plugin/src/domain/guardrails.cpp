#include "domain/guardrails.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/coercion.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

namespace hoshi::records {

namespace {
// Characters as a reader sees them: Japanese counts per character; zero-width or
// direction marks and spaces count nothing, and a hollow text (no three different
// letters: "。。。", "ああああ", "1234") counts nothing at all.
std::size_t chars(const std::string& s) { return text::readable_length(s); }

std::string trimmed(const std::string& s) { return text::trim(s); }

// ---- the checks: each returns "" when the request passes, else the specifics ----

std::string cost_sharing_explained(const GuardrailRule& r, const RequestPolicy&, const RequestInput& in,
                                   const GuardContext&) {
  if (!in.cost_sharing) return "cost_sharing がありません";
  if (text::visible_length(in.cost_sharing->method) == 0) return "cost_sharing.method（分担の方法）が空です";
  const std::size_t n = chars(trimmed(in.cost_sharing->explanation));
  if (n < static_cast<std::size_t>(r.min_chars))
    return "cost_sharing.explanation が " + std::to_string(n) + " 文字です（" + std::to_string(r.min_chars) +
           " 文字以上）";
  return "";
}

std::string cost_negotiable_stated(const GuardrailRule&, const RequestPolicy&, const RequestInput& in,
                                   const GuardContext&) {
  if (!in.cost_sharing || !in.cost_sharing->negotiable) return "cost_sharing.negotiable が true ではありません";
  return "";
}

std::string level_justified(const GuardrailRule& r, const RequestPolicy&, const RequestInput& in,
                            const GuardContext& ctx) {
  const int asked = level_scs(in.level);
  if (asked <= ctx.chart_level) return "";
  if (chars(in.necessity) >= static_cast<std::size_t>(r.min_chars)) return "";
  return "★" + std::to_string(asked) + " を求めていますが、当社の判定チャートでは " + ctx.chart_reason +
         " です。必要性の説明（necessity）が" + (chars(in.necessity) == 0 ? "ありません" : "短すぎます");
}

std::string no_mandatory_designation(const GuardrailRule&, const RequestPolicy&, const RequestInput& in,
                                     const GuardContext&) {
  if (in.designated_service && in.designated_mandatory)
    return "「" + *in.designated_service + "」の利用を必須としています（designated_service_mandatory: true）";
  if (!in.designated_service && in.designated_mandatory)
    return "designated_service_mandatory が true です（特定の製品・サービスの強制）";
  return "";
}

std::string due_date_minimum(const GuardrailRule&, const RequestPolicy& policy, const RequestInput& in,
                             const GuardContext& ctx) {
  const long days = in.due.days() - ctx.today.days();
  if (days >= policy.min_due_days) return "";
  return "期限 " + in.due.iso() + " まで " + std::to_string(days) + " 日です（当社ポリシーの最短は " +
         std::to_string(policy.min_due_days) + " 日、" + Date::from_days(ctx.today.days() + policy.min_due_days).iso() +
         " 以降）";
}

std::string no_pressing_after_refusal(const GuardrailRule&, const RequestPolicy&, const RequestInput& in,
                                      const GuardContext& ctx) {
  if (!ctx.pressing_on.empty()) {
    std::string list;
    for (const auto& n : ctx.pressing_on) list += (list.empty() ? "" : "、") + n;
    return "前回の要請 " + list +
           " での取引先の価格協議の申出（協議の申入れ・見積り・対案）に、当社が応答していません（受入れ、根拠を示した対"
           "案、"
           "または理由を示した不受理が必要です。メッセージだけでは応答になりません）";
  }
  if (ctx.declined.empty()) return "";
  std::string list;
  Date latest_due = ctx.declined.front().due;
  for (const auto& d : ctx.declined) {
    list += (list.empty() ? "" : "、") + d.number;
    if (latest_due < d.due) latest_due = d.due;
  }
  if (!in.what_changed || !in.what_changed->any())
    return "取引先は前回の要請 " + list +
           " を辞退しています。同じ水準以上を再び求めるには、何が変わったか（what_changed: support＝支援の追加、"
           "cost_share＝当社負担の拡大、later_date＝期限の延長）を記録してください";
  const WhatChanged& w = *in.what_changed;
  if (!w.later_date.empty() && w.support.empty() && w.cost_share.empty() && !(latest_due < in.due))
    return "変更点は期限の延長（later_date）ですが、回答期限 " + in.due.iso() + " は辞退された要請の期限 " +
           latest_due.iso() + " より後ではありません";
  // a larger cost share shows in the request's own cost sharing, not only in the words
  const std::string sharing = in.cost_sharing ? in.cost_sharing->method + "\n" + in.cost_sharing->explanation : "";
  if (!w.cost_share.empty() && w.support.empty() && w.later_date.empty())
    for (const auto& d : ctx.declined)
      if (text::gist(d.sharing) == text::gist(sharing))
        return "変更点は当社負担の拡大（cost_share）ですが、費用負担（cost_sharing の方法と説明）は辞退された要請 " +
               d.number + " と同じです";
  return "";
}

std::string already_meets(const GuardrailRule&, const RequestPolicy&, const RequestInput& in, const GuardContext& ctx) {
  if (holding_of(in, ctx) != Holding::needless) return "";
  return "取引先は " + ctx.held + " を登録済みで、" + ctx.held_until->iso() + " まで有効です（回答期限 " +
         in.due.iso() + " の後も、期限間近（" + std::to_string(ctx.expiring_window_days) +
         "日以内）でもありません）。" + level_label(in.level) + " を新たに求める必要はありません";
}

// The buyer's own words in the request: where a condition of trade could be written.
std::vector<std::pair<std::string, std::string>> own_words(const RequestInput& in) {
  std::vector<std::pair<std::string, std::string>> w{{"reason", in.reason}, {"necessity", in.necessity}};
  if (in.cost_sharing) w.emplace_back("cost_sharing.explanation", in.cost_sharing->explanation);
  return w;
}

std::string no_forced_declaration(const GuardrailRule&, const RequestPolicy&, const RequestInput& in,
                                  const GuardContext&) {
  for (const auto& [field, words] : own_words(in))
    if (auto f = coercion::forced_condition(words))
      return field + " が取得・宣言を取引の条件とし、または得られない場合の不利益を示しています: 「" + f->sentence +
             "」（" + f->phrase + "）";
  return "";
}

std::string no_service_condition(const GuardrailRule&, const RequestPolicy&, const RequestInput& in,
                                 const GuardContext& ctx) {
  std::vector<std::string> names = ctx.services;
  if (in.designated_service) names.push_back(*in.designated_service);
  for (const auto& [field, words] : own_words(in))
    if (auto f = coercion::service_condition(words, names))
      return field + " が特定のサービスの利用を発注・契約・入札の条件としています: 「" + f->sentence + "」（" +
             f->phrase + "）";
  return "";
}

struct NamedCheck {
  const char* name;
  IssueCheck fn;
};
constexpr NamedCheck kIssueChecks[] = {
    {"cost_sharing_explained", cost_sharing_explained},
    {"cost_negotiable_stated", cost_negotiable_stated},
    {"level_justified", level_justified},
    {"no_mandatory_designation", no_mandatory_designation},
    {"due_date_minimum", due_date_minimum},
    {"no_pressing_after_refusal", no_pressing_after_refusal},
    {"already_meets", already_meets},
    {"no_forced_declaration", no_forced_declaration},
    {"no_service_condition", no_service_condition},
};

bool listed(const std::vector<std::string>& users, const std::string& actor) {
  return std::find(users.begin(), users.end(), actor) != users.end();
}

void apply_overrides(GuardResult& g, const RequestPolicy& policy, const std::vector<Override>& overrides,
                     const std::string& actor, bool supplier_objected) {
  for (const auto& o : overrides) {
    if (o.rule != g.rule) continue;
    if (!listed(policy.overriders, actor)) {
      g.detail += "（" + actor + " には上書きの権限がありません: policy requests.overriders）";
      return;
    }
    // retaliation watch: a supplier that declined or asked to negotiate is not overruled
    // by procurement alone
    if (supplier_objected && !listed(policy.compliance, actor)) {
      g.detail +=
          "（この取引先は以前の要請を辞退または価格協議を申し出ています。上書きはコンプライアンス担当"
          "（policy requests.compliance）が理由を付けて行う必要があります。" +
          actor + " は含まれていません）";
      return;
    }
    if (chars(trimmed(o.reason)) < static_cast<std::size_t>(policy.min_override_reason_chars)) {
      g.detail += "（上書きの理由は " + std::to_string(policy.min_override_reason_chars) + " 文字以上必要です）";
      return;
    }
    g.overridden = true;
    g.override_reason = trimmed(o.reason);
    g.override_by = actor;
    return;
  }
}

GuardResult base(const GuardrailRule& r) {
  GuardResult g;
  g.rule = r.id;
  g.check = r.check;
  g.severity = r.severity;
  g.title = r.title;
  g.citation = r.citation;
  g.why = r.why;
  g.remedy = r.remedy;
  return g;
}
}  // namespace

std::string scope_note(const std::string& citation, const std::string& scope) {
  if (citation.find("取適法") == std::string::npos || scope.empty()) return "";
  if (scope == "toriteki") return "本件は取適法の対象です（要請の発行時に判定）。";
  if (scope == "antimonopoly")
    return "本件は取適法の対象外です（要請の発行時に判定）。このルールは経済産業省・公正取引委員会のガイダンスと"
           "独占禁止法（優越的地位の濫用）に基づいて適用し、取適法の条項は参考として示します。";
  return "取適法の適用は未判定です（取引先の資本金・従業員数が未登録）。対象となる場合に適用される条項です。";
}

bool overridable(const GuardrailRule& r) { return r.check != "no_unilateral_price"; }

IssueCheck issue_check(const std::string& name) {
  for (const auto& c : kIssueChecks)
    if (name == c.name) return c.fn;
  return nullptr;
}

Holding holding_of(const RequestInput& in, const GuardContext& ctx) {
  if (ctx.held.empty() || !ctx.held_until) return Holding::none;
  const Date& until = *ctx.held_until;
  const bool ends_by_due = until <= in.due;
  const bool expiring = until.days() - ctx.today.days() <= ctx.expiring_window_days;
  return ends_by_due || expiring ? Holding::renewal : Holding::needless;
}

std::string GuardOutcome::refused_list() const {
  std::string ids;
  for (const auto& id : refused_ids()) ids += (ids.empty() ? "" : ", ") + id;
  return ids;
}

std::vector<std::string> GuardOutcome::refused_ids() const {
  std::vector<std::string> out;
  for (const auto& g : results)
    if (!g.passed && !g.overridden && g.severity == "refuse") out.push_back(g.rule);
  return out;
}

void check_override_ids(const std::vector<GuardrailRule>& rules, const std::vector<Override>& overrides,
                        const std::string& applies_to) {
  for (std::size_t i = 0; i < overrides.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (overrides[i].rule == overrides[j].rule)
        throw Error(Code::invalid, "overrides: rule \"" + overrides[i].rule + "\" is overridden twice");
  for (const auto& o : overrides) {
    const GuardrailRule* rule = nullptr;
    for (const auto& r : rules)
      if (r.id == o.rule && r.applies_to == applies_to) rule = &r;
    if (!rule) throw Error(Code::invalid, "overrides: no rule \"" + o.rule + "\" applies here");
    if (!overridable(*rule))
      throw Error(Code::invalid,
                  "overrides: rule \"" + o.rule +
                      "\" cannot be overridden: deciding a price over an unanswered negotiation request is "
                      "prohibited (取適法 5条2項4号); answer the supplier's request first");
  }
}

GuardOutcome check_issue(const std::vector<GuardrailRule>& rules, const RequestPolicy& policy, const RequestInput& in,
                         const GuardContext& ctx, const std::string& actor) {
  check_override_ids(rules, in.overrides, "issue");
  GuardOutcome out;
  for (const auto& r : rules) {
    if (r.applies_to != "issue") continue;
    GuardResult g = base(r);
    IssueCheck fn = issue_check(r.check);
    if (!fn) throw std::logic_error("guardrail check " + r.check + " does not apply to issuing");
    g.detail = fn(r, policy, in, ctx);
    g.scope_note = scope_note(r.citation, ctx.scope);
    g.passed = g.detail.empty();
    if (!g.passed) apply_overrides(g, policy, in.overrides, actor, ctx.supplier_objected);
    out.results.push_back(std::move(g));
  }
  return out;
}

GuardOutcome check_price_decision(const std::vector<GuardrailRule>& rules, const RequestPolicy& policy,
                                  const std::vector<Override>& overrides, const GuardContext& ctx,
                                  const std::string& actor) {
  check_override_ids(rules, overrides, "price_decision");
  GuardOutcome out;
  for (const auto& r : rules) {
    if (r.applies_to != "price_decision") continue;
    GuardResult g = base(r);
    if (!ctx.unanswered_step.empty()) g.detail = "未応答の申出: " + ctx.unanswered_step;
    g.scope_note = scope_note(r.citation, ctx.scope);
    g.passed = g.detail.empty();
    if (!g.passed) apply_overrides(g, policy, overrides, actor, ctx.supplier_objected);
    out.results.push_back(std::move(g));
  }
  return out;
}

}  // namespace hoshi::records
