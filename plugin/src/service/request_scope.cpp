#include "service/request_scope.hpp"

#include "core/subcontract_scope.hpp"

namespace hoshi::detail {

using Poco::JSON::Object;

namespace {
scope::Size supplier_size(const Supplier& s) {
  scope::Size z;
  z.capital_yen = s.capital_yen;
  if (s.employees) z.employees = static_cast<long>(*s.employees);
  return z;
}

Object::Ptr size_json(const scope::Size& z) {
  Object::Ptr o = new Object;
  o->set("capital_yen",
         z.capital_yen ? Poco::Dynamic::Var(static_cast<Poco::Int64>(*z.capital_yen)) : Poco::Dynamic::Var());
  o->set("employees", z.employees ? Poco::Dynamic::Var(static_cast<Poco::Int64>(*z.employees)) : Poco::Dynamic::Var());
  return o;
}
}  // namespace

Object::Ptr scope_record(const ScopePolicy& policy, const Supplier& supplier) {
  const scope::Size theirs = supplier_size(supplier);
  const scope::Decision d = scope::decide(policy.kind, policy.buyer, theirs);
  Object::Ptr o = new Object;
  o->set("result", std::string(scope::scope_id(d.scope)));
  o->set("basis", d.basis);
  o->set("transaction_kind",
         policy.kind ? Poco::Dynamic::Var(std::string(scope::kind_id(*policy.kind))) : Poco::Dynamic::Var());
  o->set("buyer", size_json(policy.buyer));
  o->set("supplier", size_json(theirs));
  o->set("provisional", true);  // thresholds not yet checked against the statute's text
  return o;
}

void add_scope_context(Object& ctx, const Object& body) {
  Object::Ptr s = body.getObject("scope");
  if (!s) return;
  const std::string result = s->optValue<std::string>("result", "unknown");
  ctx.set("scope_toriteki", result == "toriteki");
  ctx.set("scope_antimonopoly", result == "antimonopoly");
  ctx.set("scope_unknown", result != "toriteki" && result != "antimonopoly");
  ctx.set("scope_basis", s->optValue<std::string>("basis", ""));
}

}  // namespace hoshi::detail
