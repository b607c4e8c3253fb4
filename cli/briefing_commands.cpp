// The briefing sub-commands (README "Briefing attendance and materials"): attendance
// answers staff received by phone, mail or reply, the attendance list with its counts,
// the materials shown at the briefing, and a supplier's briefing link — all through the
// briefing_* JSON ops.
#include <Poco/JSON/Array.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/json_api.hpp"
#include "cli.hpp"
#include "core/base64.hpp"
#include "service/service.hpp"

namespace hoshi::cli {

using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

constexpr const char* kUsage =
    "briefing answer|attendance|material add|material get|materials|link (see hoshitori --help)";

Object::Ptr op(const std::string& name) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("op", name);
  return o;
}

std::string str(const Object::Ptr& o, const std::string& k) {
  return o->has(k) && !o->isNull(k) ? o->get(k).convert<std::string>() : "";
}

long long number_arg(const std::string& s, const char* what) {
  try {
    std::size_t used = 0;
    const long long n = std::stoll(s, &used);
    if (used == s.size() && n > 0) return n;
  } catch (...) {
  }
  throw UsageError{std::string(what) + " must be a number: " + s};
}

}  // namespace

int cmd_briefing(const Globals& g, Args& a) {
  const std::string sub = a.take_first();
  Object::Ptr out;
  if (sub == "answer") {
    const char* usage =
        "briefing answer CAMPAIGN CODE --answer attend|absent [--attendees N] [--note TEXT] "
        "--channel 電話|メール|招待への返信|対面|FAX|郵便 [--by USER]";
    Object::Ptr req = op("briefing_answer");
    req->set("answer", a.take_value("--answer"));
    const std::string n = a.take_value("--attendees");
    if (!n.empty()) req->set("attendees", n);
    req->set("note", a.take_value("--note"));
    req->set("channel", a.take_value("--channel"));
    req->set("actor", by(g, a));
    auto pos = a.positionals();
    if (pos.size() != 2) throw UsageError{usage};
    req->set("campaign", number_arg(pos[0], "campaign id"));
    req->set("vendor_code", pos[1]);
    int rc = call(g, true, req, out);
    if (rc != kOk) return rc;
    std::cout << str(out, "vendor_code") << "\t" << str(out, "answer_word") << "\t" << str(out, "via") << "\n";
    return kOk;
  }
  // attendance and materials: one campaign's list, as JSON with --json
  auto read_list = [&](const char* name, const char* usage, bool& json) {
    json = a.take_switch("--json");
    auto pos = a.positionals();
    if (pos.size() != 1) throw UsageError{usage};
    Object::Ptr req = op(name);
    req->set("campaign", number_arg(pos[0], "campaign id"));
    const int rc = call(g, true, req, out);
    if (rc == kOk && json) std::cout << api::to_string(out) << "\n";
    return rc;
  };
  if (sub == "attendance") {
    bool json = false;
    const int rc = read_list("briefing_attendance", "briefing attendance CAMPAIGN [--json]", json);
    if (rc != kOk || json) return rc;
    Object::Ptr c = out->getObject("counts");
    std::cout << "出席 " << str(c, "attend") << "社（" << str(c, "attendees") << "名）、欠席 " << str(c, "absent")
              << "社、未回答 " << str(c, "unanswered") << "社\n";
    Array::Ptr list = out->getArray("suppliers");
    for (std::size_t i = 0; i < list->size(); ++i) {
      Object::Ptr s = list->getObject(static_cast<unsigned>(i));
      std::cout << str(s, "vendor_code") << "\t" << str(s, "answer_word");
      if (!str(s, "attendees").empty()) std::cout << " " << str(s, "attendees") << "名";
      std::cout << "\t" << str(s, "via_words") << "\t" << str(s, "name");
      if (!str(s, "note").empty()) std::cout << "\t" << str(s, "note");
      std::cout << "\n";
    }
    return kOk;
  }
  if (sub == "materials") {
    bool json = false;
    const int rc = read_list("briefing_materials", "briefing materials CAMPAIGN [--json]", json);
    if (rc != kOk || json) return rc;
    Array::Ptr list = out->getArray("materials");
    for (std::size_t i = 0; i < list->size(); ++i) {
      Object::Ptr m = list->getObject(static_cast<unsigned>(i));
      std::cout << str(m, "id") << "\t" << str(m, "sha256") << "\t" << str(m, "size") << "\t" << str(m, "filename")
                << "\t" << str(m, "added_by") << "\t" << str(m, "added_at") << "\n";
    }
    return kOk;
  }
  if (sub == "material") {
    const std::string what = a.take_first();
    if (what == "add") {
      const std::string name = a.take_value("--name");
      const std::string actor = by(g, a);
      auto pos = a.positionals();
      if (pos.size() != 2) throw UsageError{"briefing material add CAMPAIGN FILE [--name NAME] [--by USER]"};
      std::error_code ec;
      const auto size = std::filesystem::file_size(pos[1], ec);
      if (ec) {
        std::cerr << "hoshitori: " << pos[1] << ": " << ec.message() << "\n";
        return kUnusable;
      }
      if (size > 256ull * 1024 * 1024) {
        std::cerr << "hoshitori: " << pos[1] << ": file: " << size << " bytes is far beyond any policy limit\n";
        return kRejected;
      }
      std::ifstream in(pos[1], std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      if (!in) {
        std::cerr << "hoshitori: " << pos[1] << ": cannot read the file\n";
        return kUnusable;
      }
      Object::Ptr req = op("briefing_material_add");
      req->set("campaign", number_arg(pos[0], "campaign id"));
      req->set("filename", name.empty() ? std::filesystem::path(pos[1]).filename().string() : name);
      req->set("content_base64", base64_encode(bytes.str()));
      req->set("actor", actor);
      int rc = call(g, true, req, out);
      if (rc != kOk) return rc;
      std::cout << str(out, "id") << "\t" << str(out, "sha256") << "\t" << str(out, "filename") << "\n";
      return kOk;
    }
    if (what == "get") {
      const std::string file = a.take_value("--out");
      const std::string actor = by(g, a);
      auto pos = a.positionals();
      if (pos.size() != 2 || file.empty()) throw UsageError{"briefing material get CAMPAIGN ID --out FILE"};
      Object::Ptr req = op("briefing_material");
      req->set("campaign", number_arg(pos[0], "campaign id"));
      req->set("id", number_arg(pos[1], "material id"));
      req->set("actor", actor);
      int rc = call(g, true, req, out);
      if (rc != kOk) return rc;
      auto bytes = base64_decode(str(out, "content_base64"));
      std::ofstream(file, std::ios::binary) << bytes.value_or("");
      std::cout << str(out, "sha256") << "\t" << str(out, "filename") << "\n";
      return kOk;
    }
    throw UsageError{"briefing material add|get"};
  }
  if (sub == "link") {
    const std::string days = a.take_value("--days");
    Object::Ptr req = op("briefing_link");
    req->set("actor", by(g, a));
    auto pos = a.positionals();
    if (pos.size() != 2) throw UsageError{"briefing link CAMPAIGN CODE [--days N] [--by USER]"};
    req->set("campaign", number_arg(pos[0], "campaign id"));
    req->set("vendor_code", pos[1]);
    if (!days.empty()) req->set("days", number_arg(days, "--days"));
    int rc = call(g, true, req, out);
    if (rc != kOk) return rc;
    auto svc = open_service(g, true);
    if (!svc) return kUnusable;
    std::cout << svc->catalogs().policy.mail.public_url << str(out, "path") << "\n";
    return kOk;
  }
  throw UsageError{kUsage};
}

}  // namespace hoshi::cli
