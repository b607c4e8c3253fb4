#include "service/campaigns.hpp"
#include "domain/lifecycles.hpp"
#include "core/error.hpp"
#include "domain/request_model.hpp"

#include <algorithm>
#include <set>

#include "core/secret.hpp"
#include "core/text.hpp"
#include "domain/request_input.hpp"
#include "mail/mime.hpp"
#include "service/campaign_render.hpp"
#include "service/request_common.hpp"
#include "store/audit_log.hpp"
#include "store/campaign_repository.hpp"
#include "store/outbox.hpp"
#include "store/supplier_links.hpp"

namespace hoshi {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

bool waiting_for_answer(const std::string& state) { return model::stored_state(state) == model::State::issued; }

// Suppliers the selection names, in vendor-code order.
std::vector<SupplierStanding> select_suppliers(Service& svc, const CampaignSelection& sel) {
  std::vector<SupplierStanding> all = svc.list(ListQuery{});
  std::set<std::string> codes(sel.codes.begin(), sel.codes.end());
  std::set<std::string> depts(sel.departments.begin(), sel.departments.end());
  std::vector<SupplierStanding> out;
  for (auto& s : all) {
    if (!sel.include_inactive && !s.view.active && !codes.count(s.supplier.code())) continue;
    if (!sel.all) {
      if (!codes.empty() && !codes.count(s.supplier.code())) continue;
      if (!depts.empty() && !depts.count(s.supplier.department.value_or(""))) continue;
      if (!sel.standings.empty() &&
          std::find(sel.standings.begin(), sel.standings.end(), s.standing.standing) == sel.standings.end())
        continue;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

CampaignService::CampaignService(Service& svc)
    : svc_(svc), templates_(records::default_templates_dir(svc.schemas_dir())) {}

long long CampaignService::create(const Object::Ptr& file, const std::string& actor) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  CampaignSpec spec = parse_campaign_spec(file, svc_.catalogs(), templates_);
  if (!mail::valid_addr_spec(svc_.catalogs().policy.mail.from))
    throw Error(Code::invalid, "the policy names no usable sender address: set buyer.email or mail.from");
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db, store::WriteTransaction::Mode::serialize);
    records::CampaignRow c;
    c.kind = spec.kind;
    c.templ = spec.templ;
    c.title = spec.title;
    c.spec = detail::json(file);
    c.created_at = records::audit_now();
    c.created_by = actor;
    c.send_at = spec.send_at.empty() ? c.created_at : spec.send_at;
    const std::string& doc = c.spec;
    const long long id = records::Campaigns(db).insert(c);
    records::AuditLog(db, svc_.principal())
        .append({actor, "campaign.created", "campaign:" + std::to_string(id), std::nullopt, std::nullopt, doc});
    tx.commit();
    return id;
  });
}

CampaignService::Loaded CampaignService::load(long long id) {
  auto c = svc_.with_db([&](store::Database& db) { return records::Campaigns(db).find(id); });
  if (!c) throw Error(Code::notfound, "no campaign " + std::to_string(id));
  Loaded l;
  l.id = id;
  l.file = detail::parse_obj(c->spec);
  l.state = c->state;
  l.created_by = c->created_by;
  l.spec = parse_campaign_spec(l.file, svc_.catalogs(), templates_);
  return l;
}

Array::Ptr CampaignService::list() {
  auto rows = svc_.with_db([&](store::Database& db) { return records::Campaigns(db).list(); });
  Array::Ptr out = new Array;
  for (const auto& [c, recipients, sent] : rows) {
    auto o = obj();
    o->set("id", c.id);
    o->set("kind", c.kind);
    o->set("title", c.title);
    o->set("state", c.state);
    o->set("created_at", c.created_at);
    o->set("created_by", c.created_by);
    o->set("send_at", c.send_at);
    o->set("recipients", recipients);
    o->set("sent", sent);
    out->add(o);
  }
  return out;
}

// The campaign step, shared by plan (rolled back), preview (rolled back, first mail
// only) and queue (committed): who is reached and how, requests issued, messages
// rendered into the outbox, recipients recorded.
struct StepRun {
  std::vector<PlannedRecipient> recipients;
  std::optional<RenderedMail> first_mail;
  long long email = 0, post = 0, none = 0;
};

namespace {

StepRun run_step(Service& svc, const records::Templates& templates, store::Database& db, long long campaign_id,
                 const CampaignSpec& spec, const std::vector<SupplierStanding>& suppliers, const std::string& actor,
                 bool preview_only, const std::string& preview_lang) {
  StepRun run;
  const Catalogs& cat = svc.catalogs();
  const MailPolicy& mp = cat.policy.mail;
  const Date today = svc.today();
  records::RequestStore rs(db);
  records::Outbox box(db, svc.principal());
  RequestService requests(svc);
  const std::string charset = spec.charset.empty() ? mp.charset : spec.charset;
  const std::string from_domain = mp.domain();
  records::CampaignRecipients recipients(db);
  records::RemindersSent reminders(db);
  for (const auto& s : suppliers) {
    if (preview_only && run.first_mail) break;
    const std::string code = s.supplier.code();
    const auto records_of = rs.for_supplier(code);
    if (spec.suppliers.unanswered &&
        std::none_of(records_of.begin(), records_of.end(),
                     [](const records::RequestRecord& r) { return waiting_for_answer(r.state); }))
      continue;
    PlannedRecipient base;
    base.vendor_code = code;
    base.name = s.supplier.name.value_or("");
    base.contact = s.supplier.contact.value_or("");
    base.email = text::trim(s.supplier.email.value_or(""));
    base.channel = "email";
    const auto pref = records::MailPreferences(db).find(code);
    if (base.email.empty()) {
      base.channel = "post";
      base.problem = "no mail address";
    } else if (!mail::valid_addr_spec(base.email)) {
      base.channel = "post";
      base.problem = "mail address not usable: " + base.email;
    } else if (pref && pref->post_only) {
      base.channel = "post";
      base.problem = "asked for post" + (pref->note.empty() ? "" : ": " + pref->note);
    } else if (box.bounced_before(base.email)) {
      base.channel = "post";
      base.problem = "mail to " + base.email + " failed permanently before";
    }
    std::vector<PlannedRecipient> mine;
    if (spec.kind == "briefing") {
      mine.push_back(base);
    } else if (spec.kind == "request") {
      PlannedRecipient p = base;
      p.link_request = true;
      Object::Ptr file = new Object(*spec.request);
      file->set("supplier", code);
      records::RequestInput in = parse_request_input(file, cat);
      for (const auto& r : records_of)
        if (r.level == in.level && model::is_open(model::stored_state(r.state))) p.request_number = r.number;
      if (p.request_number) {
        p.problem += std::string(p.problem.empty() ? "" : "; ") + "links open request " + *p.request_number;
      } else {
        IssueResult res = requests.issue_in(db, in, actor, false);
        if (res.number.empty()) {
          p.channel = "none";
          // the rule ids, then the specifics (already-meets: what the supplier holds, until when)
          std::string why;
          for (const auto& g : res.guard.results)
            if (!g.passed && !g.overridden && g.severity == "refuse") why += (why.empty() ? "" : "／") + g.detail;
          p.problem = "refused by guardrail: " + res.guard.refused_list() + "（" + why + "）";
        } else {
          p.request_number = res.number;
        }
      }
      mine.push_back(p);
    } else if (spec.kind == "reminder") {
      for (const auto& r : records_of) {
        Date due;
        if (!waiting_for_answer(r.state) || !parse_iso_date(r.due, due)) continue;
        const long left = due.days() - today.days();
        if (left < 0) continue;
        int window = -1;
        for (int d : mp.reminder_days_before)
          if (d >= left) window = d;  // the list is sorted from the largest: the last one that still fits
        if (window < 0 || reminders.sent(r.number, window)) continue;
        PlannedRecipient p = base;
        p.request_number = r.number;
        p.link_request = true;
        p.days_left = static_cast<int>(left);
        p.topic = r.number + "/d" + std::to_string(window);
        mine.push_back(p);
        if (!preview_only) reminders.add(r.number, window, campaign_id, records::audit_now());
      }
    } else {  // agreement_notice
      for (const auto& r : records_of) {
        if (model::stored_state(r.state) != model::State::agreed || reminders.sent(r.number, -1)) continue;
        PlannedRecipient p = base;
        p.request_number = r.number;
        p.topic = r.number;
        mine.push_back(p);
        if (!preview_only) reminders.add(r.number, -1, campaign_id, records::audit_now());
      }
    }
    for (auto& p : mine) {
      if (recipients.has(campaign_id, code, p.topic)) continue;
      std::optional<long long> outbox_id;
      if (p.channel == "email" && (!preview_only || !run.first_mail)) {
        MailInput mi{campaign_id, spec, p, preview_lang.empty() ? spec.lang : preview_lang, charset, std::nullopt};
        if (p.request_number) mi.request = rs.find(*p.request_number);
        RenderedMail m = render_mail(svc, templates, requests, rs, mi);
        if (preview_only) {
          run.first_mail = m;
        } else {
          if (m.charset != charset) p.problem += std::string(p.problem.empty() ? "" : "; ") + m.charset_note;
          records::OutboxMessage om;
          om.campaign_id = campaign_id;
          om.vendor_code = code;
          if (p.link_request) om.request_number = p.request_number;
          om.recipient = p.email;
          om.recipient_name = p.contact.empty() ? p.name : p.name + " " + p.contact;
          om.lang = mi.lang;
          om.charset = m.charset;
          om.subject = m.subject;
          om.text_body = m.text;
          om.html_body = m.html;
          om.ics = m.ics;
          om.message_id = "hoshitori." + std::to_string(campaign_id) + "." + random_token(12) + "@" + from_domain;
          om.not_before = spec.send_at.empty() ? records::audit_now() : spec.send_at;
          outbox_id = records::enqueue(db, om);
        }
      }
      (p.channel == "email" ? run.email : p.channel == "post" ? run.post : run.none)++;
      recipients.add(campaign_id,
                     {code, p.topic, p.channel,
                      p.problem.empty() ? std::optional<std::string>() : std::optional<std::string>(p.problem),
                      p.request_number, outbox_id});
      run.recipients.push_back(p);
    }
  }
  return run;
}

}  // namespace

std::vector<PlannedRecipient> CampaignService::plan(long long id) {
  Loaded l = load(id);
  auto suppliers = select_suppliers(svc_, l.spec.suppliers);
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db, store::WriteTransaction::Mode::serialize);  // rolled back: a dry run
    return run_step(svc_, templates_, db, id, l.spec, suppliers, l.created_by, false, "").recipients;
  });
}

Object::Ptr CampaignService::preview(long long id, const std::string& lang) {
  if (lang != "ja" && lang != "en") throw Error(Code::invalid, "lang must be ja or en");
  Loaded l = load(id);
  auto suppliers = select_suppliers(svc_, l.spec.suppliers);
  RenderedMail m;
  std::string to;
  svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db, store::WriteTransaction::Mode::serialize);  // rolled back
    StepRun run = run_step(svc_, templates_, db, id, l.spec, suppliers, l.created_by, true, lang);
    if (!run.first_mail) throw Error(Code::notfound, "campaign " + std::to_string(id) + " has nobody to mail");
    m = *run.first_mail;
    for (const auto& r : run.recipients)
      if (r.channel == "email") {
        to = r.email;
        break;
      }
    return 0;
  });
  auto o = obj();
  o->set("campaign", id);
  o->set("lang", lang);
  o->set("to", to);
  o->set("charset", m.charset);
  o->set("subject", m.subject);
  o->set("text", m.text);
  o->set("html", m.html);
  o->set("ics", m.ics);
  return o;
}

Object::Ptr CampaignService::queue(long long id, const std::string& actor) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  Loaded l = load(id);
  const bool repeatable = l.spec.kind == "reminder" || l.spec.kind == "agreement_notice";
  // the campaign life cycle (domain/lifecycles.hpp): a draft is queued once; a repeatable
  // campaign (reminders, agreement notices) may be queued again
  auto may_queue = [&](const std::string& stored) {
    const model::CampaignState from = model::stored_campaign_state(stored);
    return model::next(from, model::CampaignEvent::queue) ||
           (repeatable && model::next(from, model::CampaignEvent::queue_again));
  };
  if (!may_queue(l.state))
    throw StateConflict("campaign " + std::to_string(id) + " is already queued; see `campaign status`");
  auto suppliers = select_suppliers(svc_, l.spec.suppliers);
  StepRun run = svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db);
    records::Campaigns campaigns(db);
    auto now = campaigns.find(id);
    if (!now) throw Error(Code::notfound, "no campaign " + std::to_string(id));
    if (!may_queue(now->state)) throw StateConflict("campaign " + std::to_string(id) + " was queued meanwhile");
    StepRun r = run_step(svc_, templates_, db, id, l.spec, suppliers, actor, false, "");
    campaigns.mark_queued(id, records::audit_now(), actor);
    auto after = obj();
    after->set("email", r.email);
    after->set("post", r.post);
    after->set("none", r.none);
    records::AuditLog(db, svc_.principal())
        .append({actor, "campaign.queued", "campaign:" + std::to_string(id), std::nullopt, std::nullopt,
                 detail::json(after)});
    tx.commit();
    return r;
  });
  auto o = obj();
  o->set("campaign", id);
  o->set("state", std::string(model::code(model::CampaignState::queued)));
  o->set("email", run.email);
  o->set("post", run.post);
  o->set("none", run.none);
  return o;
}

void CampaignService::set_post_only(const std::string& vendor_code, bool post_only, const std::string& note,
                                    const std::string& actor) {
  svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db, store::WriteTransaction::Mode::serialize);
    if (!store::SupplierRepository(db).find(vendor_code))
      throw Error(Code::notfound, "no supplier with vendor code " + vendor_code);
    records::MailPreferences(db).set(vendor_code, {post_only, note}, records::audit_now(), actor);
    records::AuditLog(db, svc_.principal())
        .append({actor, "supplier.mail_preference", vendor_code, vendor_code, std::nullopt,
                 std::string("{\"post_only\":") + (post_only ? "true" : "false") + "}"});
    tx.commit();
    return 0;
  });
}

}  // namespace hoshi
