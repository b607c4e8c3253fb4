// Streaming export of the audit trail: CSV (UTF-8 with BOM, Japanese headers, for
// Excel and LibreOffice) or JSON Lines (for machines), ending with the chain head.
#pragma once
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "records/audit_log.hpp"

namespace hoshi::records {

struct ExportResult {
  long long exported = 0;
  ChainHead head;  // of the whole chain when the export began
};

// format: "csv" or "jsonl". Events after the export began are left out, so the
// file and its trailer agree. Memory stays flat however long the trail.
ExportResult export_audit(store::Database& db, const std::string& format, AuditFilter filter, std::FILE* out);
// The same into any sink (an HTTP response): called with blocks of about 1 MiB;
// it throws to stop the export.
using ExportSink = std::function<void(std::string_view)>;
ExportResult export_audit(store::Database& db, const std::string& format, AuditFilter filter,
                          const ExportSink& out);

// Japanese label of an action ("request.issued" → "対策要請の発行").
std::string action_label(const std::string& action);

}  // namespace hoshi::records
