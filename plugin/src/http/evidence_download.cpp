#include "http/evidence_download.hpp"

#include <optional>
#include <string_view>

#include "service/supplier_evidence.hpp"
#include "store/evidence_store.hpp"

namespace hoshi::http {

std::string attachment_disposition(const std::string& filename) {
  static const char* hex = "0123456789ABCDEF";
  std::string fallback, encoded;
  for (unsigned char c : filename) {
    if (c >= 0x80 && c < 0xC0) {
      // a continuation byte: the character already has its "_" in the fallback
    } else if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%') {
      fallback += static_cast<char>(c);
    } else {
      fallback += '_';
    }
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

bool send_evidence(Exchange& ex, Service& svc, const std::string& id, const std::string& actor,
                   const std::string& via) {
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) return false;
  std::optional<records::EvidenceFile> f;
  if (ex.method() == "HEAD") {  // what a GET would answer, from the metadata: not a download
    f = svc.with_repos<records::EvidenceStore>([&](records::EvidenceStore& s) { return s.find(std::stoll(id)); });
    if (!f) return false;
    if (!f->content_stored) throw HttpError(410, "Gone", "the supplier withdrew this file and its bytes are deleted");
    ex.set_header("Content-Disposition", attachment_disposition(f->filename));
    ex.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
    ex.send_head(200, f->media_type, static_cast<std::size_t>(f->size));
    return true;
  }
  try {
    ScopedPrincipal as(via);
    f = SupplierEvidence(svc).download(std::stoll(id), actor);
  } catch (const EvidenceGone& e) {
    throw HttpError(410, "Gone", e.what());
  }
  if (!f) return false;
  ex.set_header("Content-Disposition", attachment_disposition(f->filename));
  ex.set_header("X-Content-Type-Options", "nosniff");
  ex.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
  ex.send(200, f->media_type, f->content);
  return true;
}

}  // namespace hoshi::http
