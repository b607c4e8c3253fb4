#include "store/campaign_repository.hpp"

#include "domain/lifecycles.hpp"

#include "store/rows.hpp"

namespace hoshi::records {

using store::Columns;
using store::execute;
using store::for_each_named;
using store::NamedRow;
using store::Param;

namespace {

const std::string kCampaignList =
    "c.id, c.kind, c.template AS templ, c.title, c.spec, c.state, c.created_at, c.created_by, c.send_at";
const Columns kCampaign(kCampaignList);

CampaignRow campaign_of(const NamedRow& r) {
  CampaignRow c;
  c.id = r.integer("id");
  c.kind = r.text("kind");
  c.templ = r.text("templ");
  c.title = r.text("title");
  c.spec = r.text("spec");
  c.state = r.text("state");
  c.created_at = r.text("created_at");
  c.created_by = r.text("created_by");
  c.send_at = r.text("send_at");
  return c;
}

Param null_or(const std::optional<std::string>& s) { return s; }

bool any(store::Database& db, const std::string& sql, const std::vector<Param>& params) {
  return store::select_one(db, sql, params, 1).has_value();
}

}  // namespace

long long Campaigns::insert(const CampaignRow& c) {
  execute(db_,
          "INSERT INTO campaigns (kind, template, title, spec, state, send_at, created_at, created_by) "
          "VALUES (:a, :b, :c, :d, :e, :f, :g, :h)",
          {c.kind, c.templ, c.title, c.spec, std::string(model::code(model::CampaignState::draft)), c.send_at,
           c.created_at, c.created_by});
  return store::last_id(db_, "FROM campaigns WHERE created_at = :a AND created_by = :b", {c.created_at, c.created_by});
}

std::optional<CampaignRow> Campaigns::find(long long id) {
  std::optional<CampaignRow> out;
  for_each_named(db_, kCampaign, "FROM campaigns c WHERE c.id = :a", {id},
                 [&](const NamedRow& r) { out = campaign_of(r); });
  return out;
}

std::vector<CampaignSummary> Campaigns::list() {
  static const Columns cols(
      kCampaignList +
      ", (SELECT COUNT(*) FROM campaign_recipients r WHERE r.campaign_id = c.id) AS recipients"
      ", (SELECT COUNT(*) FROM outbox o WHERE o.campaign_id = c.id AND o.state = 'sent') AS sent");
  std::vector<CampaignSummary> out;
  for_each_named(db_, cols, "FROM campaigns c ORDER BY c.id DESC", {}, [&](const NamedRow& r) {
    out.push_back({campaign_of(r), r.integer("recipients"), r.integer("sent")});
  });
  return out;
}

void Campaigns::mark_queued(long long id, const std::string& at, const std::string& actor) {
  execute(db_, "UPDATE campaigns SET state = :a, queued_at = :b, queued_by = :c WHERE id = :d",
          {std::string(model::code(model::CampaignState::queued)), at, actor, id});
}

void CampaignRecipients::add(long long campaign_id, const RecipientRow& r) {
  execute(db_,
          "INSERT INTO campaign_recipients (campaign_id, vendor_code, topic, channel, problem, request_number, "
          "outbox_id) VALUES (:a, :b, :c, :d, :e, :f, :g)",
          {campaign_id, r.vendor_code, r.topic, r.channel, null_or(r.problem), null_or(r.request_number),
           r.outbox_id ? Param(*r.outbox_id) : Param(std::optional<std::string>())});
}

bool CampaignRecipients::has(long long campaign_id, const std::string& vendor_code, const std::string& topic) {
  return any(db_, "SELECT 1 FROM campaign_recipients WHERE campaign_id = :a AND vendor_code = :b AND topic = :c",
             {campaign_id, vendor_code, topic});
}

bool CampaignRecipients::invited(long long campaign_id, const std::string& vendor_code) {
  return any(db_, "SELECT 1 FROM campaign_recipients WHERE campaign_id = :a AND vendor_code = :b",
             {campaign_id, vendor_code});
}

std::vector<RecipientStatus> CampaignRecipients::status(long long campaign_id) {
  static const Columns cols(
      "r.vendor_code, s.name, r.topic, r.channel, r.problem, r.request_number, q.state AS request_state, "
      "o.state AS mail_state, o.last_reply, o.sent_at, o.recipient");
  std::vector<RecipientStatus> out;
  for_each_named(db_, cols,
                 "FROM campaign_recipients r LEFT JOIN suppliers s ON s.vendor_code = r.vendor_code "
                 "LEFT JOIN requests q ON q.number = r.request_number "
                 "LEFT JOIN outbox o ON o.id = r.outbox_id "
                 "WHERE r.campaign_id = :a ORDER BY r.vendor_code, r.topic",
                 {campaign_id}, [&](const NamedRow& r) {
                   RecipientStatus s;
                   s.recipient.vendor_code = r.text("vendor_code");
                   s.recipient.topic = r.text("topic");
                   s.recipient.channel = r.text("channel");
                   s.recipient.problem = r["problem"];
                   s.recipient.request_number = r["request_number"];
                   s.name = r.text("name");
                   s.request_state = r["request_state"];
                   s.mail_state = r["mail_state"];
                   s.reply = r["last_reply"];
                   s.sent_at = r["sent_at"];
                   s.mail_to = r["recipient"];
                   out.push_back(std::move(s));
                 });
  return out;
}

std::vector<PostRecipient> CampaignRecipients::by_post(long long campaign_id) {
  static const Columns cols("r.vendor_code, r.topic, r.request_number, s.name, s.contact");
  std::vector<PostRecipient> out;
  for_each_named(
      db_, cols,
      "FROM campaign_recipients r JOIN suppliers s ON s.vendor_code = r.vendor_code "
      "WHERE r.campaign_id = :a AND r.channel = 'post' ORDER BY r.vendor_code, r.topic",
      {campaign_id}, [&](const NamedRow& r) {
        out.push_back({r.text("vendor_code"), r.text("topic"), r.text("name"), r.text("contact"), r["request_number"]});
      });
  return out;
}

std::vector<std::pair<std::string, std::string>> CampaignRecipients::invited_suppliers(long long campaign_id) {
  static const Columns cols("DISTINCT r.vendor_code, s.name");
  std::vector<std::pair<std::string, std::string>> out;
  for_each_named(db_, cols,
                 "FROM campaign_recipients r LEFT JOIN suppliers s ON s.vendor_code = r.vendor_code "
                 "WHERE r.campaign_id = :a ORDER BY r.vendor_code",
                 {campaign_id}, [&](const NamedRow& r) { out.emplace_back(r.text("vendor_code"), r.text("name")); });
  return out;
}

bool RemindersSent::sent(const std::string& request_number, int days_before) {
  return any(db_, "SELECT 1 FROM reminders_sent WHERE request_number = :a AND days_before = :b",
             {request_number, days_before});
}

void RemindersSent::add(const std::string& request_number, int days_before, long long campaign_id,
                        const std::string& at) {
  execute(db_,
          "INSERT INTO reminders_sent (request_number, days_before, campaign_id, queued_at) VALUES (:a, :b, :c, :d)",
          {request_number, days_before, campaign_id, at});
}

std::optional<MailPreference> MailPreferences::find(const std::string& vendor_code) {
  static const Columns cols("post_only, note");
  std::optional<MailPreference> out;
  for_each_named(db_, cols, "FROM mail_preferences WHERE vendor_code = :a", {vendor_code}, [&](const NamedRow& r) {
    out = MailPreference{r.text("post_only") == "1", r.text("note")};
  });
  return out;
}

void MailPreferences::set(const std::string& vendor_code, const MailPreference& p, const std::string& at,
                          const std::string& actor) {
  execute(db_, "DELETE FROM mail_preferences WHERE vendor_code = :a", {vendor_code});
  execute(db_,
          "INSERT INTO mail_preferences (vendor_code, post_only, note, set_at, set_by) VALUES (:a, :b, :c, :d, :e)",
          {vendor_code, p.post_only ? 1 : 0, p.note, at, actor});
}

}  // namespace hoshi::records
