// The campaign JSON ops (hoshitori_query_json, the CLI, the REST API and the screens).
#include "api/json_api.hpp"
#include "core/text.hpp"
#include "service/campaigns.hpp"
#include "service/json_args.hpp"
#include "service/op_errors.hpp"
#include "store/outbox.hpp"

namespace hoshi::api {

namespace {

long long campaign_arg(const Object::Ptr& req) {
  auto id = int_arg(req, "campaign", 1, LLONG_MAX);
  if (!id) throw Error(Code::invalid, "\"campaign\" is required (a campaign id)");
  return *id;
}

Object::Ptr recipient_json(const PlannedRecipient& p) {
  auto e = obj();
  e->set("vendor_code", p.vendor_code);
  e->set("name", p.name);
  if (!p.topic.empty()) e->set("topic", p.topic);
  e->set("channel", p.channel);
  e->set("email", p.email);
  e->set("problem", p.problem.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(p.problem));
  e->set("request", opt(p.request_number));
  return e;
}

}  // namespace

std::optional<std::string> handle_campaign_op(Service& svc, const std::string& op, const Object::Ptr& req) {
  if (op.rfind("campaign", 0) != 0 && op != "mail_preference" && op != "outbox_status" && op != "outbox_resolve")
    return std::nullopt;
  CampaignService cs(svc);
  if (op == "campaign_create") {
    only_keys(req, op, {"op", "actor", "campaign"});
    Object::Ptr file = sub(req, "campaign");
    if (!file) throw Error(Code::invalid, "\"campaign\" is required (an object, see README: campaign file)");
    const std::string actor = actor_arg(req);
    return run([&] {
      auto o = obj();
      o->set("campaign", cs.create(file, actor));
      o->set("state", std::string("draft"));
      return to_string(o);
    });
  }
  if (op == "campaigns") {
    only_keys(req, op, {"op"});
    return run([&] {
      auto o = obj();
      o->set("campaigns", cs.list());
      return to_string(o);
    });
  }
  if (op == "campaign_status") {
    only_keys(req, op, {"op", "campaign", "recipients"});
    const bool with = bool_arg(req, "recipients", false);
    return run([&] { return to_string(cs.status(campaign_arg(req), with)); });
  }
  if (op == "campaign_plan") {
    only_keys(req, op, {"op", "campaign"});
    return run([&] {
      auto plan = cs.plan(campaign_arg(req));
      auto o = obj();
      Array::Ptr list = new Array;
      long long email = 0, post = 0, none = 0;
      for (const auto& p : plan) {
        (p.channel == "email" ? email : p.channel == "post" ? post : none)++;
        list->add(recipient_json(p));
      }
      o->set("campaign", campaign_arg(req));
      o->set("email", email);
      o->set("post", post);
      o->set("none", none);
      o->set("recipients", list);
      return to_string(o);
    });
  }
  if (op == "campaign_preview") {
    only_keys(req, op, {"op", "campaign", "lang"});
    std::string lang = str_arg(req, "lang", false);
    return run([&] { return to_string(cs.preview(campaign_arg(req), lang.empty() ? "ja" : lang)); });
  }
  if (op == "campaign_queue") {
    only_keys(req, op, {"op", "campaign", "actor"});
    const std::string actor = actor_arg(req);
    return run([&] { return to_string(cs.queue(campaign_arg(req), actor)); });
  }
  if (op == "campaign_letters") {
    only_keys(req, op, {"op", "campaign", "actor"});
    const std::string actor = actor_arg(req);
    return run([&] {
      Array::Ptr list = new Array;
      for (const auto& [name, text] : cs.letters(campaign_arg(req), actor)) {
        auto e = obj();
        e->set("name", name);
        e->set("text", text);
        list->add(e);
      }
      auto o = obj();
      o->set("letters", list);
      return to_string(o);
    });
  }
  if (op == "mail_preference") {
    only_keys(req, op, {"op", "vendor_code", "post_only", "note", "actor"});
    const std::string actor = actor_arg(req);
    const std::string code = str_arg(req, "vendor_code", true);
    const bool post_only = bool_arg(req, "post_only", true);
    const std::string note = text::clean_free_text(str_arg(req, "note", false), text::Lines::many);
    return run([&] {
      cs.set_post_only(code, post_only, note, actor);
      auto o = obj();
      o->set("vendor_code", code);
      o->set("post_only", post_only);
      return to_string(o);
    });
  }
  if (op == "outbox_status") {
    only_keys(req, op, {"op"});
    return run([&] {
      auto c = svc.with_repos<records::Outbox>([](records::Outbox& box) { return box.counts({}); });
      auto o = obj();
      o->set("queued", c.queued);
      o->set("sending", c.claimed);
      o->set("sent", c.sent);
      o->set("failed", c.failed);
      o->set("unknown", c.unknown);
      o->set("cancelled", c.cancelled);
      return to_string(o);
    });
  }
  if (op == "outbox_resolve") {
    only_keys(req, op, {"op", "id", "delivered", "actor"});
    const std::string actor = actor_arg(req);
    auto id = int_arg(req, "id", 1, LLONG_MAX);
    if (!id) throw Error(Code::invalid, "\"id\" is required (an outbox message id)");
    if (!req->has("delivered")) throw Error(Code::invalid, "\"delivered\" is required (true or false)");
    const bool delivered = bool_arg(req, "delivered", false);
    return run([&] {
      svc.with_repos<records::Outbox>([&](records::Outbox& box) { box.resolve(*id, delivered, actor); });
      auto o = obj();
      o->set("id", *id);
      o->set("state", std::string(delivered ? "sent" : "queued"));
      return to_string(o);
    });
  }
  return std::nullopt;
}

}  // namespace hoshi::api
