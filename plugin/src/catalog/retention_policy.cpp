#include "catalog/retention_policy.hpp"

#include <algorithm>

namespace hoshi::catalog {

namespace {
constexpr auto kText = detail::Doc::Shape::scalar;
constexpr detail::Doc::Key kRetention[] = {{"requests_years", kText, true}, {"agreements_years", kText, true}};

constexpr const char* kRequestsLaw =
    "取適法 7条 requires the records of a transaction (the request, the answers and the negotiation) to be kept 2 "
    "years";
constexpr const char* kAgreementsLaw = "an agreement is a contract (契約書), kept 7 years under 法人税法施行規則59条";

int years(const detail::Doc& d, const YAML::Node& parent, const std::string& key, int min, const char* law) {
  const int v = d.integer(parent, key, 0, 100, std::nullopt);
  if (v < min)
    throw d.fail(parent[key],
                 "'" + key + "' must be at least " + std::to_string(min) + ", not " + std::to_string(v) + ": " + law);
  return v;
}
}  // namespace

void load_retention_policy(const detail::Doc& d, const YAML::Node& root, Policy& p) {
  const YAML::Node section = root["retention"], legacy = root["retention_years"];
  const bool has_section = section.IsDefined(), has_legacy = legacy.IsDefined();
  if (has_section && has_legacy)
    throw d.fail(legacy,
                 "'retention_years' and 'retention' both given: state the periods once, in 'retention' "
                 "(requests_years, agreements_years)");
  if (!has_section && !has_legacy)
    throw d.fail(root,
                 "missing section 'retention' (required): requests_years (at least 2) and agreements_years "
                 "(at least 7)");
  RetentionPolicy& r = p.retention;
  if (has_legacy) {
    r.requests_years = years(d, root, "retention_years", RetentionPolicy::kMinRequestsYears, kRequestsLaw);
    r.agreements_years = std::max(r.requests_years, RetentionPolicy::kMinAgreementsYears);
    return;
  }
  d.keys(section, "retention", kRetention);
  r.requests_years = years(d, section, "requests_years", RetentionPolicy::kMinRequestsYears, kRequestsLaw);
  r.agreements_years = years(d, section, "agreements_years", RetentionPolicy::kMinAgreementsYears, kAgreementsLaw);
  if (r.agreements_years < r.requests_years)
    throw d.fail(section["agreements_years"],
                 "'agreements_years' (" + std::to_string(r.agreements_years) + ") must be at least 'requests_years' (" +
                     std::to_string(r.requests_years) +
                     "): a request with an agreement is kept whole for the agreement's period");
}

}  // namespace hoshi::catalog
