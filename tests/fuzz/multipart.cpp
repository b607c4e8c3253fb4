// Fuzz target: the supplier page's evidence upload reader (http/supplier_uploads.*), the
// one multipart/form-data parser that faces the internet. The bytes are the body of a
// POST /s/<token>/evidence with a fixed boundary, read as the front hands it over (read
// whole, within the policy's bound). The documented refusals are HttpError 400/413/415.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/catalogs.hpp"
#include "http/http_front.hpp"
#include "http/supplier_uploads.hpp"

using namespace hoshi;
using namespace hoshi::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const EvidencePolicy limits = [] {
    EvidencePolicy p;
    p.max_file_bytes = 4096;  // small bounds, so that the limits are reached too
    p.max_files_per_upload = 3;
    return p;
  }();
  Request req;
  req.head.method = "POST";
  req.head.target = "/s/fuzz/evidence";
  req.head.headers = {{"Host", "x"}, {"Content-Type", "multipart/form-data; boundary=XyZ"}};
  req.body.assign(reinterpret_cast<const char*>(data), size);
  req.peer = "127.0.0.1";
  Responder res(-1, req.head, 0);  // never written: the reader only reads
  Exchange ex(req, res);
  try {
    EvidenceForm form = read_evidence_form(
        ex, [](const std::string& t) { return t == "ok"; }, limits);
    if (form.files.size() > static_cast<std::size_t>(limits.max_files_per_upload)) std::abort();
    for (const auto& f : form.files)
      if (f.content.size() > static_cast<std::size_t>(limits.max_file_bytes)) std::abort();
  } catch (const HttpError& e) {
    if (e.status != 400 && e.status != 413 && e.status != 415) std::abort();
  }
  return 0;
}
