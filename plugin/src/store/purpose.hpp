// Purpose limitation (the METI/JFTC guidance's pattern: the supplier's security and cost
// information, obtained for one request, used for other ends). The supplier's cost
// figures, their basis and its self-check answers are shown inside the request they
// belong to; anything that carries records out of it (the audit export, webhooks) leaves
// them out unless the caller names what the copy is for, and that naming is recorded.
//
// Withholding replaces each withheld value by {"withheld":"purpose"} (kWithheldMarker),
// keeping the key, so a reader sees that a figure was there and why it is not shown.
#pragma once
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace hoshi::records {

enum class Purpose { none, negotiation, audit };

// "negotiation" or "audit"; nullopt for anything else (an empty string included).
std::optional<Purpose> parse_purpose(const std::string& s);
const char* purpose_name(Purpose p);  // "" for none
// What a bad value gets told, naming the flag or key: `--purpose must be negotiation or
// audit, not "x"`.
std::string purpose_error(const std::string& flag, const std::string& given);

inline constexpr const char* kWithheldMarker = "{\"withheld\":\"purpose\"}";

// A cost figure wherever it appears: initial_cost, running_cost, amount, share_percent,
// buyer_share_percent and any key ending in _cost, _costs, _amount, _amounts or _percent
// (direct_cost, indirect_cost, buyer_amount, buyer_running_amount, material_cost, …).
bool is_cost_key(std::string_view key);
// What `action`'s payload withholds besides cost figures: the cost basis ("basis") of a
// negotiation step; the answers, notes and planned dates of a self-check.
bool is_withheld_key(std::string_view action, std::string_view key);

// Withholds in place, at any depth (objects inside arrays too); returns how many values.
int withhold(const std::string& action, Poco::JSON::Object::Ptr doc);
// The payload text with its withheld values replaced, or nullopt when it holds none
// (then the caller keeps the stored text byte for byte). Text that is not a JSON object
// is returned as nullopt too: nothing in it is recognised as a figure.
std::optional<std::string> withhold_payload(const std::string& action, const std::string& json);

// Records that `actor` named `purpose` for `what` (an export: "audit"), with its details
// (format, filters, destination): one audit event, action "export.purpose". Inside the
// caller's write transaction.
void record_purpose(store::Database& db, const std::string& via, const std::string& actor, const std::string& what,
                    Purpose purpose, const Poco::JSON::Object::Ptr& details,
                    const std::optional<std::string>& vendor_code);

// One staff read of a request's protected content (cost figures, self-check answers,
// agreement, evidence list) through one view. Several requests of one supplier shown on
// one screen are one event.
struct StaffRead {
  std::string number;
  std::vector<std::string> what;  // cost_figures, self_check, agreement, evidence
};
// Appends "supplier_info.read" (its own write transaction) when any read has something in
// `what`; nothing otherwise. Subject: the request number when one, else the vendor code.
void record_staff_read(store::Database& db, const std::string& via, const std::string& actor,
                       const std::string& vendor_code, const std::string& view, const std::vector<StaffRead>& reads);
// The same as a repository (for Service::with_repos).
class StaffReads {
 public:
  explicit StaffReads(store::Database& db) : db_(db) {}
  void record(const std::string& via, const std::string& actor, const std::string& vendor_code, const std::string& view,
              const std::vector<StaffRead>& reads) {
    record_staff_read(db_, via, actor, vendor_code, view, reads);
  }

 private:
  store::Database& db_;
};

// What a request document of request_show (steps, agreements, self_check) shows that is
// protected: "cost_figures" when a step or agreement carries a figure or basis,
// "self_check" when answers exist, "agreement" when a version exists.
std::vector<std::string> protected_content(const Poco::JSON::Object::Ptr& request_doc);

}  // namespace hoshi::records
