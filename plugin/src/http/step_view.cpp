#include "http/step_view.hpp"

#include "records/audit_log.hpp"
#include "records/letters.hpp"
#include "service/json_args.hpp"

namespace hoshi::http {

using Poco::JSON::Object;

Object::Ptr step_view(const Object::Ptr& step) {
  auto b = step->getObject("body");
  auto v = api::obj();
  v->set("side", step->getValue<std::string>("side"));
  v->set("kind", step->getValue<std::string>("kind"));
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
  if (b && b->has("share_percent") && b->get("share_percent").isInteger())
    v->set("share_percent", std::to_string(b->getValue<long long>("share_percent")) + "%");
  else
    v->set("share_percent", false);
  return v;
}

}  // namespace hoshi::http
