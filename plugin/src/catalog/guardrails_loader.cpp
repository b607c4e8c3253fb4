#include <set>

#include "catalog/catalog_loader.hpp"
#include "catalog/yaml_doc.hpp"

namespace hoshi::catalog {

namespace {
// The built-in checks and what each applies to: a rule file may rename, reword,
// soften (warn) or tighten them, but may not name a check that does not exist.
struct Check {
  const char* name;
  const char* applies_to;
};
constexpr Check kChecks[] = {
    {"cost_sharing_explained", "issue"}, {"cost_negotiable_stated", "issue"},
    {"level_justified", "issue"},        {"no_mandatory_designation", "issue"},
    {"due_date_minimum", "issue"},       {"no_pressing_after_refusal", "issue"},
    {"already_meets", "issue"},          {"no_forced_declaration", "issue"},
    {"no_service_condition", "issue"},   {"no_unilateral_price", "price_decision"},
};
}  // namespace

std::vector<GuardrailRule> load_guardrails(const std::string& file) {
  detail::Doc d(file);
  const YAML::Node& r = d.root();
  d.only_keys(r, {"guardrails", "version", "rules"});
  d.expect_kind("guardrails", "fair-request");
  std::vector<GuardrailRule> rules;
  std::set<std::string> ids, checks;
  for (const auto& n : d.seq(r, "rules")) {
    d.only_keys(n, {"id", "check", "applies_to", "severity", "min_chars", "title", "citation", "why", "remedy"});
    GuardrailRule g;
    g.id = d.str(n, "id");
    g.check = d.str(n, "check");
    g.applies_to = d.str(n, "applies_to");
    g.severity = d.str(n, "severity");
    g.min_chars = d.integer(n, "min_chars", 0, 10000, 0);
    g.title = d.str(n, "title");
    g.citation = d.str(n, "citation");
    g.why = d.str(n, "why");
    g.remedy = d.str(n, "remedy");
    const Check* known = nullptr;
    for (const auto& c : kChecks)
      if (g.check == c.name) known = &c;
    if (!known) throw d.fail(n["check"], "unknown check '" + g.check + "'");
    if (g.applies_to != known->applies_to)
      throw d.fail(n["applies_to"],
                   "check '" + g.check + "' applies to " + known->applies_to + ", not '" + g.applies_to + "'");
    if (g.severity != "refuse" && g.severity != "warn")
      throw d.fail(n["severity"], "'severity' must be refuse or warn, not '" + g.severity + "'");
    if (!ids.insert(g.id).second) throw d.fail(n["id"], "rule id '" + g.id + "' appears twice");
    checks.insert(g.check);
    rules.push_back(std::move(g));
  }
  // A rule file that silently dropped a check would silently drop a legal duty.
  for (const auto& c : kChecks)
    if (!checks.count(c.name)) throw d.fail(r["rules"], std::string("no rule uses the check '") + c.name + "'");
  return rules;
}

}  // namespace hoshi::catalog
