#include "http/step_view.hpp"

#include "domain/request_model.hpp"
#include "service/json_args.hpp"
#include "service/letters.hpp"
#include "store/audit_log.hpp"

namespace hoshi::http {

using Poco::JSON::Object;

Object::Ptr step_view(const Object::Ptr& step) {
  auto b = step->getObject("body");
  auto v = api::obj();
  v->set("side", step->getValue<std::string>("side"));
  const std::string kind = step->getValue<std::string>("kind");
  v->set("kind", kind);
  v->set("by_staff", b && b->optValue<bool>("recorded_by_staff", false));
  auto k = model::parse_step(kind);
  v->set("kind_label", k ? model::label_ja(*k) : "記録");
  // the 物件費/人件費 parts, an accepted figure, and a reject's reasons per cost item
  Poco::JSON::Array::Ptr costs = new Poco::JSON::Array, reasons = new Poco::JSON::Array;
  Object::Ptr acc = b && b->has("accepted") ? b->getObject("accepted") : nullptr;
  Object::Ptr why = b && b->has("reasons") ? b->getObject("reasons") : nullptr;
  for (const auto& key : model::cost_keys()) {
    const bool part = key.rfind("material_", 0) == 0 || key.rfind("labor_", 0) == 0 || key == "buyer_running_amount";
    auto add = [&](const Object::Ptr& from, Poco::JSON::Array::Ptr& to, bool money) {
      if (!from || !from->has(key) || from->isNull(key)) return;
      auto e = api::obj();
      e->set("label", model::cost_label_ja(key));
      e->set("value", money ? (key == "share_percent" ? from->get(key).toString() + "%"
                                                      : records::yen(from->getValue<long long>(key)))
                            : from->getValue<std::string>(key));
      to->add(e);
    };
    if (part) add(b, costs, true);
    add(acc, costs, true);
    add(why, reasons, false);
  }
  v->set("costs", costs);
  v->set("reasons", reasons);
  v->set("at", records::utc_to_jst_display(step->getValue<std::string>("at")));
  v->set("actor", step->optValue<std::string>("actor", ""));
  for (const char* k : {"message", "reason", "basis"}) {
    if (b && b->has(k) && b->get(k).isString() && !b->getValue<std::string>(k).empty())
      v->set(k, b->getValue<std::string>(k));
    else
      v->set(k, false);
  }
  for (const char* k : {"initial_cost", "running_cost", "buyer_amount", "amount"}) {
    if (b && b->has(k) && b->get(k).isInteger())
      v->set(k, records::yen(b->getValue<long long>(k)));
    else
      v->set(k, false);
  }
  // the cost-share helper of a supplier-initiated negotiation: the buyer's share of the
  // supplier's sales and the calculation recorded with it
  if (b && b->has("sales_share_percent") && b->get("sales_share_percent").isString())
    v->set("sales_share", b->getValue<std::string>("sales_share_percent") + "%");
  else
    v->set("sales_share", false);
  if (b && b->has("calculation") && b->get("calculation").isString())
    v->set("calculation", b->getValue<std::string>("calculation"));
  else
    v->set("calculation", false);
  if (b && b->has("share_percent") && b->get("share_percent").isInteger())
    v->set("share_percent", std::to_string(b->getValue<long long>("share_percent")) + "%");
  else
    v->set("share_percent", false);
  return v;
}

}  // namespace hoshi::http
