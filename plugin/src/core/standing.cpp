#include "core/standing.hpp"

#include <algorithm>

#include "core/levels.hpp"

namespace hoshi {

const char* standing_name(Standing s) {
  switch (s) {
    case Standing::meets:
      return "meets";
    case Standing::expiring:
      return "expiring";
    case Standing::expired:
      return "expired";
    case Standing::below:
      return "below";
    case Standing::unknown:
      break;
  }
  return "unknown";
}

const char* standing_label_ja(Standing s) {
  static const char* const kLabels[] = {"未報告", "充足", "期限間近", "期限切れ", "不足"};  // by Standing
  return kLabels[static_cast<int>(s)];
}

bool parse_standing(const std::string& name, Standing& out) {
  for (Standing s : {Standing::unknown, Standing::meets, Standing::expiring, Standing::expired, Standing::below}) {
    if (name == standing_name(s)) {
      out = s;
      return true;
    }
  }
  return false;
}

int required_level(const Policy& policy, const StatusView& s) {
  for (const auto& q : policy.star4_if_any)
    if (s.chart[q.index].value_or(false)) return std::max(policy.default_level, 4);
  return policy.default_level;
}

std::string required_words(const Policy& policy, const StatusView& s, int required) {
  static const char* kShort[3] = {"機密情報の取扱い", "事業停止の影響", "社内システムへの接続"};
  std::string why;
  for (const auto& q : policy.star4_if_any) {
    if (s.chart[q.index].value_or(false)) {
      if (!why.empty()) why += "・";
      why += kShort[q.index];
    }
  }
  std::string out = "要求★" + std::to_string(required);
  if (!why.empty()) {
    out += "（" + why + "に該当）";
  } else if (!policy.star4_if_any.empty()) {
    bool any_answer = false;
    for (const auto& q : policy.star4_if_any) any_answer |= s.chart[q.index].has_value();
    if (!any_answer) out += "（★4判定チャート未回答）";
  }
  return out;
}

namespace {

StandingResult with_window(const Policy& policy, const Date& today, Date until, std::string reason, int required) {
  StandingResult r;
  r.required_scs = required;
  r.until = until;
  long left = until.days() - today.days();
  if (left <= policy.expiring_window_days) {
    r.standing = Standing::expiring;
    r.reason = std::move(reason) + "。" + until.iso() + " に期限（残り" + std::to_string(left) + "日）";
  } else {
    r.standing = Standing::meets;
    r.reason = std::move(reason) + "（" + until.iso() + " まで有効）";
  }
  return r;
}

std::string have_words(const StatusView& s) {
  std::string out = "SA " + levels::sa_symbol(s.sa_level) + "・SCS " + levels::scs_symbol(s.scs_level);
  if (s.ota_service) out += "・お助け隊 " + *s.ota_service;
  return out;
}

}  // namespace

StandingResult evaluate(const Policy& policy, const StatusView& s, const Date& today) {
  const int required = required_level(policy, s);
  const std::string req = required_words(policy, s, required);
  StandingResult r;
  r.required_scs = required;

  if (s.sa_level < 0 && !s.ota_known && s.scs_level < 0) {
    r.standing = Standing::unknown;
    r.reason = "SECURITY ACTION・お助け隊・SCS のいずれも報告がありません（" + req + "）";
    return r;
  }

  std::optional<StandingResult> expired;
  if (s.scs_level >= required) {
    std::string have = "SCS★" + std::to_string(s.scs_level) + " が" + req + "を満たしています";
    if (!s.scs_valid_until) {
      r.standing = Standing::meets;
      r.reason = have + "（有効期限の登録なし：証跡の確認を推奨）";
      return r;
    }
    if (today <= *s.scs_valid_until) {
      StandingResult ok = with_window(policy, today, *s.scs_valid_until, have, required);
      // a validity longer than the scheme gives (policy data) is likely a typo: say so
      int period = s.scs_level >= 4 ? policy.scs4_days : policy.scs3_days;
      if (s.scs_valid_until->days() - today.days() > period)
        ok.reason += "。有効期限が制度上の有効期間（" + std::to_string(period) + "日）より先です：証跡の確認を推奨";
      return ok;
    }
    StandingResult e;
    e.standing = Standing::expired;
    e.required_scs = required;
    e.until = s.scs_valid_until;
    e.reason = "SCS★" + std::to_string(s.scs_level) + " の有効期限 " + s.scs_valid_until->iso() + " が過ぎています（" +
               req + "）";
    expired = e;
  }

  for (const auto& rule : policy.interim) {
    if (std::find(rule.for_required.begin(), rule.for_required.end(), required) == rule.for_required.end()) continue;
    if (rule.until < today) continue;
    if (s.sa_level < rule.sa_min) continue;
    if (rule.otasuketai && !s.ota_service) continue;
    if (rule.otasuketai && s.ota_start && today < *s.ota_start) continue;  // not started yet
    Date until = rule.until;
    std::string reconfirm_note;
    if (rule.sa_min > 0 && s.sa_declared_on) {
      // SECURITY ACTION has no expiry; the buyer re-confirms it yearly. Overdue means
      // "still counts, but ask again", so the standing shows as expiring.
      Date reconfirm = Date::from_days(s.sa_declared_on->days() + policy.sa_reconfirm_days);
      if (reconfirm < today)
        reconfirm_note = "。SECURITY ACTION 宣言（" + s.sa_declared_on->iso() + "）から" +
                         std::to_string(policy.sa_reconfirm_days) + "日を過ぎたため再確認が必要です";
    }
    if (rule.otasuketai && s.ota_end) {
      if (*s.ota_end < today) {
        if (!expired) {
          StandingResult e;
          e.standing = Standing::expired;
          e.required_scs = required;
          e.until = s.ota_end;
          e.reason = "お助け隊サービスの契約が " + s.ota_end->iso() + " に終了しています（暫定基準 " + rule.id + "、" +
                     req + "）";
          expired = e;
        }
        continue;
      }
      until = std::min(until, *s.ota_end);
    }
    std::string why = "暫定基準 " + rule.id + "：" + have_words(s) + " を★" + std::to_string(required) +
                      "相当として扱います（" + req + "、基準は " + rule.until.iso() + " まで）";
    StandingResult r2 = with_window(policy, today, until, why, required);
    if (!reconfirm_note.empty()) {
      r2.standing = Standing::expiring;
      r2.reason += reconfirm_note;
    }
    return r2;
  }

  if (expired) return *expired;
  r.standing = Standing::below;
  r.reason = have_words(s) + " は" + req + "に届いていません";
  return r;
}

}  // namespace hoshi
