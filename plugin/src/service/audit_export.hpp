// Streaming export of the audit trail: CSV (UTF-8 with BOM, Japanese headers, for
// Excel and LibreOffice) or JSON Lines (for machines), ending with the chain head.
#pragma once
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "store/audit_log.hpp"
#include "store/purpose.hpp"

namespace hoshi {
class Service;
}

namespace hoshi::records {

struct ExportResult {
  long long exported = 0;
  ChainHead head;          // of the whole chain when the export began
  long long withheld = 0;  // events whose payload had cost figures withheld (no purpose)
};

// format: "csv" or "jsonl". Events after the export began are left out, so the
// file and its trailer agree. Memory stays flat however long the trail.
//
// Without a purpose (Purpose::none) every payload's cost figures, cost basis and
// self-check answers are withheld (records/purpose.hpp): the before/after shown carry
// {"withheld":"purpose"} in their place, the JSON Lines event says "withheld":"purpose" (else null),
// and payload_sha256 stays the stored one — so each event's own hash and the chain still
// verify from the file; only the payload-to-payload_sha256 check is for a full copy
// (a named purpose). The caller records the purpose it was given (record_purpose).
ExportResult export_audit(store::Database& db, const std::string& format, AuditFilter filter, std::FILE* out,
                          Purpose purpose = Purpose::none);
// The same into any sink (an HTTP response): called with blocks of about 1 MiB;
// it throws to stop the export.
using ExportSink = std::function<void(std::string_view)>;
ExportResult export_audit(store::Database& db, const std::string& format, AuditFilter filter, const ExportSink& out,
                          Purpose purpose = Purpose::none);

// The purpose an export names and who named it (via, actor), with the export's details
// (format, filters, destination) for its "export.purpose" event (record_purpose).
struct ExportPurpose {
  Purpose purpose = Purpose::none;
  std::string via, actor;
  Poco::JSON::Object::Ptr details;
};
// The export as the ops and REST run it: the purpose (when one) recorded first in its own
// write transaction, then the export; on the service's connection, or with
// own_connection on one of its own (a long download then holds no other caller).
ExportResult export_audit(Service& svc, const std::string& format, AuditFilter filter, const ExportSink& out,
                          const ExportPurpose& why, bool own_connection = false);
// A sink writing to `out` (throws when it cannot: a full disk).
ExportSink file_sink(std::FILE* out);

// Japanese label of an action ("request.issued" → "対策要請の発行").
std::string action_label(const std::string& action);

}  // namespace hoshi::records
