// The campaign tables, one repository each: campaigns, the recipients a campaign step
// reached (campaign_recipients), the reminders already queued (reminders_sent) and the
// suppliers' choice of post over mail (mail_preferences). Callers own the transaction.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace hoshi::records {

struct CampaignRow {
  long long id = 0;
  std::string kind, templ, title, spec, state, created_at, created_by, send_at;  // spec: the campaign file, JSON
};

struct CampaignSummary {
  CampaignRow campaign;
  long long recipients = 0, sent = 0;  // recipients recorded; outbox messages sent
};

class Campaigns {
 public:
  explicit Campaigns(store::Database& db) : db_(db) {}
  // A new draft; returns its id (needs the write transaction).
  long long insert(const CampaignRow& c);
  std::optional<CampaignRow> find(long long id);
  std::vector<CampaignSummary> list();  // newest first
  void mark_queued(long long id, const std::string& at, const std::string& actor);

 private:
  store::Database& db_;
};

struct RecipientRow {
  std::string vendor_code, topic, channel;
  std::optional<std::string> problem, request_number;
  std::optional<long long> outbox_id;
};

// A recipient's line in a campaign's status: the supplier's name, the request's state
// and the message's delivery joined in (each absent when there is none).
struct RecipientStatus {
  RecipientRow recipient;
  std::string name;
  std::optional<std::string> request_state, mail_state, reply, sent_at, mail_to;
};

struct PostRecipient {
  std::string vendor_code, topic, name, contact;
  std::optional<std::string> request_number;
};

class CampaignRecipients {
 public:
  explicit CampaignRecipients(store::Database& db) : db_(db) {}
  void add(long long campaign_id, const RecipientRow& r);
  bool has(long long campaign_id, const std::string& vendor_code, const std::string& topic);
  bool invited(long long campaign_id, const std::string& vendor_code);  // any topic
  std::vector<RecipientStatus> status(long long campaign_id);           // by vendor code, topic
  std::vector<PostRecipient> by_post(long long campaign_id);            // known suppliers, by vendor code, topic
  // Each invited supplier once, by vendor code: {vendor code, name ("" when unknown)}.
  std::vector<std::pair<std::string, std::string>> invited_suppliers(long long campaign_id);

 private:
  store::Database& db_;
};

class RemindersSent {
 public:
  explicit RemindersSent(store::Database& db) : db_(db) {}
  // days_before -1: the agreement notice for the request.
  bool sent(const std::string& request_number, int days_before);
  void add(const std::string& request_number, int days_before, long long campaign_id, const std::string& at);

 private:
  store::Database& db_;
};

struct MailPreference {
  bool post_only = false;
  std::string note;
};

class MailPreferences {
 public:
  explicit MailPreferences(store::Database& db) : db_(db) {}
  std::optional<MailPreference> find(const std::string& vendor_code);
  // Replaces the supplier's preference (needs the write transaction).
  void set(const std::string& vendor_code, const MailPreference& p, const std::string& at, const std::string& actor);

 private:
  store::Database& db_;
};

}  // namespace hoshi::records
