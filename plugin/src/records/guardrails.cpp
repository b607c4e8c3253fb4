#include "records/guardrails.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/text.hpp"

namespace hoshi::records {

namespace {
// Characters as a reader sees them: Japanese counts per character, and zero-width or
// direction marks and spaces count nothing.
std::size_t chars(const std::string& s) { return text::visible_length(s); }

std::string trimmed(const std::string& s) { return text::trim(s); }

// One check: returns "" when the request passes, else the specifics of the failure.
std::string run_issue_check(const GuardrailRule& r, const RequestPolicy& policy, const RequestInput& in,
                            const GuardContext& ctx) {
  const int min = r.min_chars;
  if (r.check == "cost_sharing_explained") {
    if (!in.cost_sharing) return "cost_sharing がありません";
    if (chars(in.cost_sharing->method) == 0) return "cost_sharing.method（分担の方法）が空です";
    const std::size_t n = chars(trimmed(in.cost_sharing->explanation));
    if (n < static_cast<std::size_t>(min))
      return "cost_sharing.explanation が " + std::to_string(n) + " 文字です（" + std::to_string(min) + " 文字以上）";
    return "";
  }
  if (r.check == "cost_negotiable_stated") {
    if (!in.cost_sharing || !in.cost_sharing->negotiable) return "cost_sharing.negotiable が true ではありません";
    return "";
  }
  if (r.check == "level_justified") {
    const int asked = level_scs(in.level);
    if (asked <= ctx.chart_level) return "";
    if (chars(in.necessity) >= static_cast<std::size_t>(min)) return "";
    return "★" + std::to_string(asked) + " を求めていますが、当社の判定チャートでは " + ctx.chart_reason +
           " です。必要性の説明（necessity）が" + (chars(in.necessity) == 0 ? "ありません" : "短すぎます");
  }
  if (r.check == "no_mandatory_designation") {
    if (in.designated_service && in.designated_mandatory)
      return "「" + *in.designated_service + "」の利用を必須としています（designated_service_mandatory: true）";
    if (!in.designated_service && in.designated_mandatory)
      return "designated_service_mandatory が true です（特定の製品・サービスの強制）";
    return "";
  }
  if (r.check == "due_date_minimum") {
    const long days = in.due.days() - ctx.today.days();
    if (days >= policy.min_due_days) return "";
    return "期限 " + in.due.iso() + " まで " + std::to_string(days) + " 日です（当社ポリシーの最短は " +
           std::to_string(policy.min_due_days) + " 日、" +
           Date::from_days(ctx.today.days() + policy.min_due_days).iso() + " 以降）";
  }
  if (r.check == "no_pressing_after_refusal") {
    if (ctx.pressing_on.empty()) return "";
    std::string list;
    for (const auto& n : ctx.pressing_on) list += (list.empty() ? "" : "、") + n;
    return "前回の要請 " + list + " への辞退・協議の申出に、当社からの協議の応答が記録されていません";
  }
  if (r.check == "already_meets") {
    if (holding_of(in, ctx) != Holding::needless) return "";
    return "取引先は " + ctx.held + " を登録済みで、" + ctx.held_until->iso() + " まで有効です（回答期限 " +
           in.due.iso() + " の後も、期限間近（" + std::to_string(ctx.expiring_window_days) +
           "日以内）でもありません）。" + level_label(in.level) + " を新たに求める必要はありません";
  }
  throw std::logic_error("guardrail check " + r.check + " does not apply to issuing");
}

void apply_overrides(GuardResult& g, const RequestPolicy& policy, const std::vector<Override>& overrides,
                     const std::string& actor) {
  for (const auto& o : overrides) {
    if (o.rule != g.rule) continue;
    const bool authorised =
        std::find(policy.overriders.begin(), policy.overriders.end(), actor) != policy.overriders.end();
    if (!authorised) {
      g.detail += "（" + actor + " には上書きの権限がありません: policy requests.overriders）";
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
        throw std::invalid_argument("overrides: rule \"" + overrides[i].rule + "\" is overridden twice");
  for (const auto& o : overrides) {
    bool known = false;
    for (const auto& r : rules) known = known || (r.id == o.rule && r.applies_to == applies_to);
    if (!known) throw std::invalid_argument("overrides: no rule \"" + o.rule + "\" applies here");
  }
}

GuardOutcome check_issue(const std::vector<GuardrailRule>& rules, const RequestPolicy& policy, const RequestInput& in,
                         const GuardContext& ctx, const std::string& actor) {
  check_override_ids(rules, in.overrides, "issue");
  GuardOutcome out;
  for (const auto& r : rules) {
    if (r.applies_to != "issue") continue;
    GuardResult g = base(r);
    g.detail = run_issue_check(r, policy, in, ctx);
    g.passed = g.detail.empty();
    if (!g.passed) apply_overrides(g, policy, in.overrides, actor);
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
    g.passed = g.detail.empty();
    if (!g.passed) apply_overrides(g, policy, overrides, actor);
    out.results.push_back(std::move(g));
  }
  return out;
}

}  // namespace hoshi::records
