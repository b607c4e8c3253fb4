#include "http/erp_awaiting.hpp"

#include <Poco/JSON/Array.h>

#include "domain/request_input.hpp"
#include "domain/request_model.hpp"
#include "http/erp_screen_parts.hpp"
#include "service/json_args.hpp"
#include "service/letters.hpp"
#include "service/request_common.hpp"
#include "store/staff_link.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Array;

std::string awaiting_answers_html(ErpScreens& screens, const ScreenRequest& r) {
  Array::Ptr rows = new Array;
  screens.service().with_repos<records::RequestStore, store::SupplierRepository>(
      [&](records::RequestStore& rs, store::SupplierRepository& suppliers) {
        std::vector<std::string> numbers;
        // the open records (model::is_open), oldest step first
        for (const auto& q : rs.by_last_step())
          if (model::is_open(model::stored_state(q.state))) numbers.push_back(q.number);
        for (const auto& n : numbers) {
          const auto ask = model::open_ask(detail::thread_of(rs.steps(n)));
          if (!ask) continue;
          auto rec = rs.find(n);
          if (!rec) continue;
          const auto name = suppliers.name_of(rec->vendor_code);
          const model::Origin origin = model::stored_origin(rec->origin);
          auto o = obj();
          o->set("number", n);
          o->set("supplier", name.value_or(rec->vendor_code));
          o->set("href", "/erp/suppliers/" + records::url_encode(rec->vendor_code) + screen_parts::screen_query(r));
          o->set("kind", r.lang == "ja" ? std::string(model::label_ja(origin))
                                        : std::string(origin == model::Origin::supplier
                                                          ? "Price negotiation requested by the supplier"
                                                          : "Request"));
          // a supplier's own ask has no level: nothing, not an empty （）
          o->set("level",
                 rec->level.empty() ? Poco::Dynamic::Var(false) : Poco::Dynamic::Var(records::level_label(rec->level)));
          o->set("ask", model::describe(*ask));
          o->set("initiated", origin == model::Origin::supplier);
          rows->add(o);
        }
        return 0;
      });
  if (rows->size() == 0) return "";
  auto ctx = screens.base_context(r);
  ctx->set("rows", rows);
  return screens.render_template("awaiting", ctx);
}

}  // namespace hoshi::http
