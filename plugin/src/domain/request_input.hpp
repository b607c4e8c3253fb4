// What a buyer asks for in a requirement request (対策要請), as read from JSON.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/date.hpp"

namespace hoshi::records {

// Levels a request may ask for, lowest first: SECURITY ACTION ★★ as a first step,
// then SCS ★3 and ★4 (★5 is still being designed and cannot be asked for).
inline constexpr const char* kRequestLevels[] = {"sa2", "scs3", "scs4"};
int level_rank(const std::string& level);           // 0, 1, 2; -1 unknown
int level_scs(const std::string& level);            // 0 for sa2, else 3 or 4
std::string level_label(const std::string& level);  // "SCS評価制度 ★3", …

struct CostSharing {
  std::string method;       // 全額負担 / 折半 / 取引シェア按分 / 価格転嫁協議 / …
  std::string explanation;  // how exactly
  bool negotiable = false;  // states that the cost is a subject of price negotiation
};

struct Override {
  std::string rule, reason;
};

// What changed since the supplier declined an earlier request at this level or above
// (no-pressing-after-refusal): at least one, in the buyer's words.
struct WhatChanged {
  std::string support;     // more support offered (an expert visit, tools, training…)
  std::string cost_share;  // a larger share of the cost borne by the buyer
  std::string later_date;  // a later date (the due date is then checked to be later)
  bool any() const { return !support.empty() || !cost_share.empty() || !later_date.empty(); }
};

struct RequestInput {
  std::string vendor_code;
  std::string level;
  Date due;
  std::string reason;     // the buyer's own words (optional)
  std::string necessity;  // 必要性の説明: why more than the decision chart justifies
  std::vector<std::string> items;
  std::optional<CostSharing> cost_sharing;
  std::optional<std::string> designated_service;
  bool designated_mandatory = false;
  std::vector<Override> overrides;
  std::optional<WhatChanged> what_changed;
};

}  // namespace hoshi::records
