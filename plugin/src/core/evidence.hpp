// Evidence a supplier attaches to its SECURITY ACTION / お助け隊 / SCS status (the
// declaration PDF, the ★3 confirmation): which kinds are taken — judged by the
// content's first bytes, never by the name or the browser's Content-Type —, how
// large, and how a browser's filename is made safe to keep and to send back.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/catalogs.hpp"

namespace hoshi::evidence {

// How many files and bytes are taken is the buyer's policy (policy.yaml `evidence:`,
// EvidencePolicy in core/catalogs.hpp).
inline constexpr std::size_t kMaxFilenameBytes = 120;  // UTF-8 bytes, extension included
inline constexpr std::size_t kMaxNameBytes = 200;      // the uploader's self-declared name

// "application/pdf" (%PDF-), "image/png" (\x89PNG\r\n\x1a\n), "image/jpeg" (\xFF\xD8\xFF);
// nullopt for anything else.
std::optional<std::string> sniff_media_type(std::string_view content);
// "pdf", "png", "jpg" for the three media types above; "bin" otherwise.
const char* extension_for(std::string_view media_type);

// The status an evidence file is for: "sa", "otasuketai" or "scs".
bool valid_topic(std::string_view topic);
// "SECURITY ACTION", "お助け隊サービス", "SCS評価制度" ("" for an unknown topic).
const char* topic_label(std::string_view topic);

// A browser's filename made safe: nullopt when it is not UTF-8. Otherwise the last
// path component, without control, invisible and bidirectional-override characters,
// with "\/:*?"<>| replaced by "_", no leading or trailing dots or spaces, the
// extension of `media_type` appended when the name has another one (a PNG named
// scan.pdf is kept as scan.pdf.png), cut to kMaxFilenameBytes without splitting a
// character, and "evidence.<ext>" when nothing is left.
std::optional<std::string> clean_filename(std::string_view raw, std::string_view media_type);

// "532 バイト", "12.3 KB", "4.8 MB" (1 KB = 1024 bytes).
std::string size_label(long long bytes);

// The limits as the supplier page states them: "1ファイル 5.0 MB まで、一度に 3 個まで、
// この要請には合計 10 個・30.0 MB まで".
std::string limits_words(const EvidencePolicy& p);

}  // namespace hoshi::evidence
