#include "http/erp_negotiation.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include "api/json_api.hpp"
#include "core/text.hpp"
#include "domain/request_model.hpp"
#include "http/exchange.hpp"
#include "http/http_error.hpp"
#include "service/json_args.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Object;

namespace {
std::string say(const Object::Ptr& t, const std::string& key, const std::string& field = "") {
  std::string text = t->getValue<std::string>(key);
  if (auto at = text.find("{field}"); at != std::string::npos)
    text.replace(at, 7, t->has(field) ? t->getValue<std::string>(field) : field);
  return text;
}

// A whole number of yen (or percent): "1,200,000" and full-width digits are fine.
void number_field(const FormFields& f, const std::string& key, Object::Ptr into, const std::string& as,
                  const Object::Ptr& t) {
  std::string v = form_value(f, key), digits;
  if (v.empty()) return;
  const std::string nfkc = text::nfkc(v);
  for (char c : nfkc) {
    if (c >= '0' && c <= '9')
      digits += c;
    else if (c != ',' && c != ' ')
      throw HttpError(400, "Bad Request", say(t, "err_number", key));
  }
  if (digits.empty()) throw HttpError(400, "Bad Request", say(t, "err_number", key));
  if (digits.size() > 13) throw HttpError(400, "Bad Request", say(t, "err_too_large", key));
  into->set(as, std::stoll(digits));
}

Object::Ptr run(Service& svc, const Object::Ptr& op, const Object::Ptr& t) {
  try {
    return Poco::JSON::Parser().parse(api::handle(svc, api::to_string(op))).extract<Object::Ptr>();
  } catch (const Error& e) {  // the caller's mistakes show the panel again (400)
    const HttpError h = http_error(e);
    if (h.status == 404 || h.status >= 500) throw h;
    throw HttpError(400, "Bad Request", (e.code == Code::refused ? say(t, "err_refused") : "") + e.what());
  }
}
}  // namespace

PanelResult panel_action(Service& svc, const Caller& caller, const std::string& number, const std::string& action,
                         const FormFields& f, const Object::Ptr& t) {
  auto show = obj();
  show->set("op", "request_show");
  show->set("number", number);
  PanelResult res;
  res.vendor_code = run(svc, show, t)->getValue<std::string>("supplier");
  res.done = action;

  auto op = obj();
  op->set("actor", caller.actor);
  op->set("number", number);
  if (action == "step") {
    const std::string kind = form_value(f, "kind");
    if (kind != "proposal" && kind != "counter_proposal" && kind != "accept" && kind != "reject" && kind != "message" &&
        kind != "withdraw")
      throw HttpError(400, "Bad Request", say(t, "err_kind"));
    auto step = obj();
    step->set("side", "buyer");
    step->set("kind", kind);
    if (kind == "proposal" || kind == "counter_proposal") {
      number_field(f, "buyer_amount", step, "buyer_amount", t);
      number_field(f, "share_percent", step, "share_percent", t);
      if (!form_value(f, "method").empty()) step->set("method", form_value(f, "method"));
      if (!form_value(f, "price_revision_date").empty())
        step->set("price_revision_date", form_value(f, "price_revision_date"));
    }
    if (kind == "proposal" || kind == "counter_proposal")
      if (!form_value(f, "basis").empty()) step->set("basis", form_value(f, "basis"));
    if (kind == "accept" && !form_value(f, "price_revision_date").empty())
      step->set("price_revision_date", form_value(f, "price_revision_date"));
    if (kind == "reject") {
      // a reason per cost item of the supplier's figures: form fields reason_<cost key>
      auto reasons = obj();
      for (const auto& key : model::cost_keys())
        if (!form_value(f, "reason_" + key).empty()) reasons->set(key, form_value(f, "reason_" + key));
      if (reasons->size() > 0) step->set("reasons", reasons);
      if (!form_value(f, "reason").empty()) step->set("reason", form_value(f, "reason"));
    }
    if (kind == "withdraw") step->set("reason", form_value(f, "message"));
    if (!form_value(f, "message").empty()) step->set("message", form_value(f, "message"));
    op->set("op", "negotiate");
    op->set("step", step);
    run(svc, op, t);
  } else if (action == "agreement") {
    auto terms = obj();
    terms->set("sharing", form_value(f, "sharing"));
    number_field(f, "buyer_share_percent", terms, "buyer_share_percent", t);
    number_field(f, "initial_cost", terms, "initial_cost", t);
    number_field(f, "running_cost", terms, "running_cost", t);
    number_field(f, "buyer_amount", terms, "buyer_amount", t);
    number_field(f, "buyer_running_amount", terms, "buyer_running_amount", t);
    if (!form_value(f, "measures").empty()) terms->set("measures", form_value(f, "measures"));
    if (!form_value(f, "implementation_due").empty())
      terms->set("implementation_due", form_value(f, "implementation_due"));
    if (!form_value(f, "notes").empty()) terms->set("notes", form_value(f, "notes"));
    if (!form_value(f, "price_revision_date").empty()) {
      auto pr = obj();
      pr->set("date", form_value(f, "price_revision_date"));
      pr->set("description", form_value(f, "price_revision_description"));
      terms->set("price_revision", pr);
    }
    auto step = obj();
    step->set("side", "buyer");
    step->set("kind", "agreement");
    step->set("terms", terms);
    op->set("op", "negotiate");
    op->set("step", step);
    run(svc, op, t);
  } else if (action == "confirm") {
    if (form_value(f, "read") != "yes") throw HttpError(400, "Bad Request", say(t, "err_read"));
    op->set("op", "agreement_confirm");
    op->set("side", "buyer");
    op->set("sha256", form_value(f, "sha256"));
    op->set("method", "erp-screen");
    run(svc, op, t);
  } else if (action == "link") {
    op->set("op", "supplier_link");
    res.link = run(svc, op, t)->getValue<std::string>("path");
  } else {
    throw HttpError(404, "Not Found", "no such action");
  }
  return res;
}

}  // namespace hoshi::http
