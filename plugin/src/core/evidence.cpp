#include "core/evidence.hpp"

#include <cstdio>

#include "core/text.hpp"

namespace hoshi::evidence {

namespace {
bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool extension_matches(const std::string& lower_ext, std::string_view media_type) {
  if (media_type == "application/pdf") return lower_ext == "pdf";
  if (media_type == "image/png") return lower_ext == "png";
  if (media_type == "image/jpeg") return lower_ext == "jpg" || lower_ext == "jpeg" || lower_ext == "jpe";
  return false;
}

std::string trim_dots_and_spaces(std::string s) {
  const auto strip = [](char c) { return c == '.' || c == ' '; };
  while (!s.empty() && strip(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && strip(s[start])) ++start;
  return text::trim(s.substr(start));
}
}  // namespace

std::optional<std::string> sniff_media_type(std::string_view content) {
  if (starts_with(content, "%PDF-")) return std::string("application/pdf");
  if (starts_with(content, std::string_view("\x89PNG\r\n\x1a\n", 8))) return std::string("image/png");
  if (starts_with(content, "\xFF\xD8\xFF")) return std::string("image/jpeg");
  return std::nullopt;
}

const char* extension_for(std::string_view media_type) {
  if (media_type == "application/pdf") return "pdf";
  if (media_type == "image/png") return "png";
  if (media_type == "image/jpeg") return "jpg";
  return "bin";
}

bool valid_topic(std::string_view topic) { return topic == "sa" || topic == "otasuketai" || topic == "scs"; }

const char* topic_label(std::string_view topic) {
  if (topic == "sa") return "SECURITY ACTION";
  if (topic == "otasuketai") return "お助け隊サービス";
  if (topic == "scs") return "SCS評価制度";
  return "";
}

std::optional<std::string> clean_filename(std::string_view raw, std::string_view media_type) {
  if (!text::is_valid_utf8(raw)) return std::nullopt;
  const std::size_t slash = raw.find_last_of("/\\");
  if (slash != std::string_view::npos) raw.remove_prefix(slash + 1);
  std::string name = text::strip_hidden(raw);
  for (char& c : name)  // ASCII bytes are whole characters in UTF-8
    if (std::string_view("\\/:*?\"<>|").find(c) != std::string_view::npos) c = '_';
  name = trim_dots_and_spaces(std::move(name));
  const std::string ext = extension_for(media_type);
  std::string stem = name;
  const std::size_t dot = name.rfind('.');
  if (dot != std::string::npos && extension_matches(text::ascii_lower(name.substr(dot + 1)), media_type))
    stem = name.substr(0, dot);
  std::string suffix = dot != std::string::npos && stem.size() == dot ? name.substr(dot) : "." + ext;
  stem = trim_dots_and_spaces(std::string(text::utf8_prefix(stem, kMaxFilenameBytes - suffix.size())));
  if (stem.empty()) stem = "evidence";
  return stem + suffix;
}

std::string size_label(long long bytes) {
  char buf[32];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%lld バイト", bytes);
  } else if (bytes < 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(bytes) / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  }
  return buf;
}

std::string limits_words(const EvidencePolicy& p) {
  return "1ファイル " + size_label(p.max_file_bytes) + " まで、一度に " + std::to_string(p.max_files_per_upload) +
         " 個まで、この要請には合計 " + std::to_string(p.max_files_per_request) + " 個・" +
         size_label(p.max_bytes_per_request) + " まで";
}

}  // namespace hoshi::evidence
