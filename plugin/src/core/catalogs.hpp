// Immutable data loaded from schemas/*.yaml: the buyer's policy and the public catalogs.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "core/subcontract_scope.hpp"

namespace hoshi {

struct Buyer {
  std::string name, department, contact, email, phone;
};

// The three ★4 decision-chart questions Hoshitori knows, in supplier column order.
inline constexpr const char* kChartIds[3] = {"confidential_info", "critical_dependency", "network_access"};

struct ChartQuestion {
  std::string id;
  int index = 0;  // into kChartIds
  std::string question;
};

// The buyer's own interim rule (policy.yaml `interim:`): until `until`, SA ★sa_min plus
// (when `otasuketai`) an お助け隊 subscription counts as the levels in for_required. It is
// the buyer's rule, not the scheme's ★: screens and exports say so (standing_label).
// A rule that names お助け隊 also accepts the supplier's equivalent service (同等のサービス,
// `equivalent`); the loader refuses one that would accept only the named service.
struct InterimRule {
  std::string id;
  Date until;
  std::vector<int> for_required;
  int sa_min = 2;
  bool otasuketai = true;
  bool equivalent = true;  // with otasuketai: 同等のサービス counts as well
  std::string description;
};

// How requirement requests are numbered and checked (policy.yaml `requests:`).
struct RequestPolicy {
  std::string number_prefix;
  int min_due_days = 90;
  std::vector<std::string> overriders;  // users who may override a refused guardrail
  // users of the compliance function: only they may override a rule for a supplier that
  // declined or asked to negotiate (retaliation watch); empty: nobody may
  std::vector<std::string> compliance;
  int min_override_reason_chars = 10;
};

// How mail-outs are sent (policy.yaml `mail:`).
struct MailPolicy {
  std::string from, from_name, reply_to;             // from: buyer.email, from_name: buyer name + department
  std::string smtp;                                  // smtp://host:port (--smtp and $HOSHITORI_SMTP win)
  std::string public_url = "http://127.0.0.1:8470";  // where supplier links in mails point
  std::string charset = "utf-8";                     // or iso-2022-jp
  int per_minute = 120;                              // 0: no limit
  int retry_base_seconds = 60;
  int max_attempts = 8;
  int sender_lease_seconds = 120;
  int link_days = 180;
  std::vector<int> reminder_days_before = {7, 3, 1};
  // The domain of `from` (Message-IDs and calendar UIDs are made under it).
  std::string domain() const { return from.substr(from.rfind('@') + 1); }
};

// What a supplier may send as evidence files (policy.yaml `evidence:`); see README
// "Evidence limits". Bytes are counted in bytes (the file may write "5 MiB").
struct EvidencePolicy {
  long long max_file_bytes = 5LL * 1024 * 1024;          // one file
  int max_files_per_upload = 3;                          // one form submission
  int max_files_per_request = 10;                        // one request's standing files (withdrawn ones not counted)
  long long max_bytes_per_request = 30LL * 1024 * 1024;  // their sizes added up
  int max_uploads_per_link_per_hour = 20;                // files received through one link in the last hour
};

// How the supplier confirms an agreement on its page (policy.yaml `agreement:`, optional).
// one_time_code: before the confirmation is taken, a 6-digit code is mailed to the
// supplier's registered address (valid kCodeMinutes, kCodeTries wrong tries) and the
// confirm form asks for it.
struct AgreementPolicy {
  static constexpr int kCodeMinutes = 15, kCodeTries = 5;
  bool one_time_code = false;
};

// How long records are kept, per kind (policy.yaml `retention:`); see README "Retention".
// A request with its answers and negotiation steps is a 取適法 7条 record (2 years at
// least); an agreement is a contract (契約書, 法人税法施行規則59条: 7 years at least). A
// request that has an agreement is kept, whole, for the agreement's period.
struct RetentionPolicy {
  static constexpr int kMinRequestsYears = 2, kMinAgreementsYears = 7;
  int requests_years = kMinRequestsYears;
  int agreements_years = kMinAgreementsYears;
};

// The buyer's own size and the kind of its transactions (policy.yaml `subcontract_scope:`),
// with which each request decides whether 取適法 applies (core/subcontract_scope.hpp).
// Absent section: every request's scope is "unknown".
struct ScopePolicy {
  std::optional<scope::TransactionKind> kind;
  scope::Size buyer;
};

struct Policy {
  std::string version;
  Buyer buyer;
  ScopePolicy scope;
  int default_level = 3;
  std::vector<ChartQuestion> star4_if_any;
  std::vector<InterimRule> interim;
  int expiring_window_days = 60;
  int sa_reconfirm_days = 365;
  int scs3_days = 365;
  int scs4_days = 1095;
  RetentionPolicy retention;
  AgreementPolicy agreement;
  RequestPolicy requests;
  MailPolicy mail;
  EvidencePolicy evidence;
};

// One fairness rule from schemas/guardrails.yaml. `check` names the built-in test.
struct GuardrailRule {
  std::string id, check, applies_to, severity;  // applies_to: issue | price_decision; severity: refuse | warn
  int min_chars = 0;
  std::string title, citation, why, remedy;
};

struct ScsRequirement {
  std::string no;
  std::string title;
  std::vector<int> levels;
  std::optional<int> criteria;
  bool provisional = false;
};

struct ScsCatalog {
  std::string version, source, source_date;
  std::map<int, std::string> categories;
  std::vector<ScsRequirement> requirements;
};

struct SaCatalog {
  std::string version;
  std::vector<std::string> star1_items;
  struct Question {
    int no = 0, part = 0;
    std::string text;
  };
  std::vector<Question> questions;
};

struct OtasuketaiService {
  std::string id, name, provider, region, type;
  int service_class = 1;
  bool provisional = false;
};

struct OtasuketaiRegistry {
  std::string version, source_date;
  std::vector<OtasuketaiService> services;
  std::map<std::string, std::size_t> by_key;  // id and normalised name → index in services
  // By id or by normalised name; nullptr when not registered.
  const OtasuketaiService* find(const std::string& id_or_name) const;
};

struct Catalogs {
  Policy policy;
  ScsCatalog scs;
  SaCatalog sa;
  OtasuketaiRegistry otasuketai;
  std::vector<GuardrailRule> guardrails;
};

}  // namespace hoshi
