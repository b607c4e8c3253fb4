// The campaign JSON ops (hoshitori_query_json, the CLI, the REST API and the screens).
#include "api/json_api.hpp"
#include "api/op_table.hpp"
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

// The handlers of the rows below (campaign_ops).
struct Campaigns {
  static Object::Ptr campaign_create(Service& svc, const Object::Ptr& req) {
    CampaignService cs(svc);
    Object::Ptr file = sub(req, "campaign");
    if (!file) throw Error(Code::invalid, "\"campaign\" is required (an object, see README: campaign file)");
    const std::string actor = actor_arg(req);
    return run([&] {
      auto o = obj();
      o->set("campaign", cs.create(file, actor));
      o->set("state", std::string("draft"));
      return o;
    });
  }

  static Object::Ptr campaigns(Service& svc, const Object::Ptr&) {
    CampaignService cs(svc);
    return run([&] {
      auto o = obj();
      o->set("campaigns", cs.list());
      return o;
    });
  }

  static Object::Ptr campaign_status(Service& svc, const Object::Ptr& req) {
    CampaignService cs(svc);
    const bool with = bool_arg(req, "recipients", false);
    return run([&] { return cs.status(campaign_arg(req), with); });
  }

  static Object::Ptr campaign_plan(Service& svc, const Object::Ptr& req) {
    CampaignService cs(svc);
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
      return o;
    });
  }

  static Object::Ptr campaign_preview(Service& svc, const Object::Ptr& req) {
    CampaignService cs(svc);
    std::string lang = str_arg(req, "lang", false);
    return run([&] { return cs.preview(campaign_arg(req), lang.empty() ? "ja" : lang); });
  }

  static Object::Ptr campaign_queue(Service& svc, const Object::Ptr& req) {
    CampaignService cs(svc);
    const std::string actor = actor_arg(req);
    return run([&] { return cs.queue(campaign_arg(req), actor); });
  }

  static Object::Ptr campaign_letters(Service& svc, const Object::Ptr& req) {
    CampaignService cs(svc);
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
      return o;
    });
  }

  static Object::Ptr mail_preference(Service& svc, const Object::Ptr& req) {
    CampaignService cs(svc);
    const std::string actor = actor_arg(req);
    const std::string code = str_arg(req, "vendor_code", true);
    const bool post_only = bool_arg(req, "post_only", true);
    const std::string note = text::clean_free_text(str_arg(req, "note", false), text::Lines::many);
    return run([&] {
      cs.set_post_only(code, post_only, note, actor);
      auto o = obj();
      o->set("vendor_code", code);
      o->set("post_only", post_only);
      return o;
    });
  }

  static Object::Ptr outbox_status(Service& svc, const Object::Ptr&) {
    return run([&] {
      auto c = svc.with_repos<records::Outbox>([](records::Outbox& box) { return box.counts({}); });
      auto o = obj();
      o->set("queued", c.queued);
      o->set("sending", c.claimed);
      o->set("sent", c.sent);
      o->set("failed", c.failed);
      o->set("unknown", c.unknown);
      o->set("cancelled", c.cancelled);
      return o;
    });
  }

  static Object::Ptr outbox_resolve(Service& svc, const Object::Ptr& req) {
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
      return o;
    });
  }
};

}  // namespace

std::vector<OpDef> campaign_ops() {
  using records::Role;
  const auto S = ArgType::string, I = ArgType::integer, B = ArgType::boolean, O = ArgType::object;
  // clang-format off
  return {
    {"campaign_create", "a campaign, as a draft",
     {{"actor", S, true}, {"campaign", O, true}}, Access::writes, Role::buyer, Campaigns::campaign_create, {}},
    {"campaigns", "the campaigns", {}, Access::reads, Role::viewer, Campaigns::campaigns, {}},
    {"campaign_status", "one campaign's counts (and its recipients)",
     {{"campaign", I, true}, {"recipients", B}}, Access::reads, Role::viewer, Campaigns::campaign_status, {}},
    {"campaign_plan", "whom the campaign reaches, by which channel",
     {{"campaign", I, true}}, Access::reads, Role::viewer, Campaigns::campaign_plan, {}},
    {"campaign_preview", "the campaign's letter for its first recipient",
     {{"campaign", I, true}, {"lang", S}}, Access::reads, Role::viewer, Campaigns::campaign_preview, {}},
    {"campaign_queue", "queues the campaign's mail",
     {{"campaign", I, true}, {"actor", S, true}}, Access::writes, Role::buyer, Campaigns::campaign_queue, {}},
    {"campaign_letters", "the campaign's letters for post",
     {{"campaign", I, true}, {"actor", S, true}}, Access::writes, Role::buyer, Campaigns::campaign_letters, {}},
    {"mail_preference", "post only (or not) for one supplier",
     {{"vendor_code", S, true}, {"post_only", B, true}, {"note", S}, {"actor", S, true}},
     Access::writes, Role::buyer, Campaigns::mail_preference,
     {}},
    {"outbox_status", "the outbox's counts", {}, Access::reads, Role::viewer, Campaigns::outbox_status, {}},
    {"outbox_resolve", "settles a message whose delivery is unknown",
     {{"id", I, true}, {"delivered", B, true}, {"actor", S, true}}, Access::writes, Role::admin, Campaigns::outbox_resolve, {}},
  };
  // clang-format on
}

}  // namespace hoshi::api
