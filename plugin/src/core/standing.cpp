#include "core/standing.hpp"

#include <algorithm>
#include <iterator>

#include "core/levels.hpp"

namespace hoshi {

static_assert(std::size(vocab::kStandings) == std::size(kAllStandings) &&
                  vocab::kStandings[static_cast<int>(Standing::unknown)].code == "unknown" &&
                  vocab::kStandings[static_cast<int>(Standing::meets)].code == "meets" &&
                  vocab::kStandings[static_cast<int>(Standing::expiring)].code == "expiring" &&
                  vocab::kStandings[static_cast<int>(Standing::expired)].code == "expired" &&
                  vocab::kStandings[static_cast<int>(Standing::below)].code == "below",
              "core/vocabulary.hpp lists the standings in the enum's order");

const char* standing_name(Standing s) { return vocab::kStandings[static_cast<int>(s)].code.data(); }

std::string_view standing_word(Standing s, vocab::Lang l) { return vocab::kStandings[static_cast<int>(s)].in(l); }

std::string standing_label(const StandingResult& r, vocab::Lang l) {
  if (!r.interim || !meets_policy(r.standing)) return std::string(standing_word(r.standing, l));
  return vocab::interim_words(r.required_scs, l, r.standing == Standing::expiring);
}

const char* standing_basis(const StandingResult& r) {
  if (!meets_policy(r.standing)) return "";
  return r.interim ? "interim" : "scheme";
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
  if (s.equiv_service)
    out += s.equiv_until ? "・同等のサービス（" + s.equiv_until->iso() + " まで）"
                         : "・同等のサービス（有効期限の登録なし）";
  return out;
}

// What counts beside SA under an interim rule that names お助け隊: an お助け隊 subscription
// in force today, or (the rule accepting it, as the loader makes every such rule) the
// supplier's own equivalent service with a validity date not yet past.
struct Arrangement {
  bool equivalent = false;
  std::optional<Date> until;  // nullopt: no end on record
  std::string words;
};

std::optional<Arrangement> counted_arrangement(const InterimRule& rule, const StatusView& s, const Date& today) {
  std::optional<Arrangement> best;
  if (s.ota_service && !(s.ota_start && today < *s.ota_start) && !(s.ota_end && *s.ota_end < today))
    best = Arrangement{false, s.ota_end, "お助け隊「" + *s.ota_service + "」"};
  if (rule.equivalent && s.equiv_service && s.equiv_until && today <= *s.equiv_until) {
    Arrangement eq{true, s.equiv_until, "同等のサービス「" + *s.equiv_service + "」"};
    if (!best || (best->until && *best->until < *eq.until)) best = eq;  // the one that lasts longer
  }
  return best;
}

// The latest end of an arrangement that would have counted but is past; nullopt when none.
std::optional<StandingResult> ended_arrangement(const InterimRule& rule, const StatusView& s, const Date& today,
                                                int required, const std::string& req) {
  std::optional<StandingResult> e;
  auto consider = [&](const Date& end, const std::string& words) {
    if (!(end < today) || (e && end < *e->until)) return;
    StandingResult r;
    r.standing = Standing::expired;
    r.required_scs = required;
    r.until = end;
    r.reason = words + end.iso() + " に終了しています（当社の暫定基準、" + req + "）";
    e = r;
  };
  if (s.ota_service && s.ota_end) consider(*s.ota_end, "お助け隊サービスの契約が ");
  if (rule.equivalent && s.equiv_service && s.equiv_until) consider(*s.equiv_until, "同等のサービスの有効期限が ");
  return e;
}

}  // namespace

StandingResult evaluate(const Policy& policy, const StatusView& s, const Date& today) {
  const int required = required_level(policy, s);
  const std::string req = required_words(policy, s, required);
  StandingResult r;
  r.required_scs = required;

  if (s.sa_level < 0 && !s.ota_known && !s.equiv_known && s.scs_level < 0) {
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
    std::optional<Arrangement> by;
    if (rule.otasuketai) {
      by = counted_arrangement(rule, s, today);
      if (!by) {
        if (!expired) expired = ended_arrangement(rule, s, today, required, req);
        continue;
      }
    }
    Date until = rule.until;
    if (by && by->until) until = std::min(until, *by->until);
    std::string reconfirm_note;
    if (rule.sa_min > 0 && s.sa_declared_on) {
      // SECURITY ACTION has no expiry; the buyer re-confirms it yearly. Overdue means
      // "still counts, but ask again", so the standing shows as expiring.
      Date reconfirm = Date::from_days(s.sa_declared_on->days() + policy.sa_reconfirm_days);
      if (reconfirm < today)
        reconfirm_note = "。SECURITY ACTION 宣言（" + s.sa_declared_on->iso() + "）から" +
                         std::to_string(policy.sa_reconfirm_days) + "日を過ぎたため再確認が必要です";
    }
    // the buyer's own rule, in words that never claim the scheme's ★ (kept short: the C ABI's
    // reason field holds 384 bytes; the rule's description is beside it, not in it)
    std::string why = vocab::interim_words(required, vocab::Lang::ja) + "・SCS★" + std::to_string(required) +
                      "の取得ではありません：SA " + levels::sa_symbol(s.sa_level);
    if (by) why += " と" + by->words;
    StandingResult r2 = with_window(policy, today, until, why, required);
    r2.interim = rule;
    r2.by_equivalent = by && by->equivalent;
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
