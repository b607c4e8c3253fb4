// The request, negotiation, agreement and audit sub-commands. Each builds the same
// JSON request hoshitori_query_json takes, so the CLI and the C ABI cannot drift.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "api/json_api.hpp"
#include "cli.hpp"
#include "core/base64.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "importer/encoding.hpp"
#include "service/json_parse.hpp"
#include "service/service.hpp"
#include "store/purpose.hpp"

namespace hoshi::cli {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr std::size_t kMaxJsonFile = 1 << 20;

// A JSON file (or - for stdin) as an object; UTF-8, or CP932 from older tools.
Object::Ptr read_json_file(const std::string& path) {
  std::stringstream buf;
  if (path == "-") {
    buf << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError{"cannot read " + path, false};
    buf << in.rdbuf();
  }
  if (buf.str().size() > kMaxJsonFile)
    throw UsageError{
        path + ": larger than " + std::to_string(kMaxJsonFile >> 20) + " MiB; a request or step is a few KB", false};
  std::string text;
  try {
    auto decoded = importer::decode(buf.str(), importer::Encoding::automatic);
    if (decoded.repaired) throw std::runtime_error("");
    text = std::move(decoded.utf8);
  } catch (const std::exception&) {
    // a request must arrive exactly as written: no guessing, no replacement characters
    throw UsageError{path + ": not readable as UTF-8 or CP932 text (broken bytes?); save the JSON file as UTF-8",
                     false};
  }
  try {
    auto v = api::parse_json(text);
    auto o = v.extract<Object::Ptr>();
    if (!o) throw UsageError{path + ": the file must hold one JSON object", false};
    return o;
  } catch (const api::DuplicateKey& e) {
    throw UsageError{path + ": " + e.what() + ": give each key once", false};
  } catch (const Poco::BadCastException&) {
    throw UsageError{path + ": the file must hold one JSON object", false};
  } catch (const Poco::Exception& e) {
    throw UsageError{path + ": not valid JSON: " + e.displayText(), false};
  }
}

std::string by(const Globals& g, Args& a) {
  std::string u = a.take_value("--by");
  return u.empty() ? g.actor : u;
}

namespace {

Object::Ptr obj() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

void print_refusal(const Object::Ptr& detail) {
  Array::Ptr ids = detail->getArray("refused");
  std::string list;
  for (std::size_t i = 0; ids && i < ids->size(); ++i)
    list += (i ? " " : "") + ids->get(static_cast<unsigned>(i)).convert<std::string>();
  std::cerr << "hoshitori: refused by guardrail: " << list << "\n";
  Array::Ptr rules = detail->getArray("rules");
  for (std::size_t i = 0; rules && i < rules->size(); ++i) {
    Object::Ptr r = rules->getObject(static_cast<unsigned>(i));
    const std::string result = r->getValue<std::string>("result");
    if (result == "pass") continue;
    std::cerr << "  [" << r->getValue<std::string>("rule") << "] " << result << ": "
              << r->getValue<std::string>("title") << "\n"
              << "    " << r->optValue<std::string>("detail", "") << "\n"
              << "    理由: " << r->optValue<std::string>("why", "") << "\n"
              << "    対応: " << r->optValue<std::string>("remedy", "") << "\n"
              << "    根拠: " << r->getValue<std::string>("citation") << "\n";
  }
}

// Warnings and overrides; with `all_failures` (a draft) also the refusals that issuing
// it would meet.
void print_warnings(const Object::Ptr& guardrails, bool all_failures = false) {
  Array::Ptr rules = guardrails ? guardrails->getArray("rules") : nullptr;
  for (std::size_t i = 0; rules && i < rules->size(); ++i) {
    Object::Ptr r = rules->getObject(static_cast<unsigned>(i));
    const std::string result = r->getValue<std::string>("result");
    if (result == "warning" || result == "overridden" || (all_failures && result != "pass"))
      std::cerr << "hoshitori: [" << r->getValue<std::string>("rule") << "] " << result << ": "
                << r->getValue<std::string>("title") << " — " << r->optValue<std::string>("detail", "") << "\n";
  }
}

bool write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) std::cerr << "hoshitori: cannot write " << path << "\n";
  return static_cast<bool>(f);
}

void print_request(const Object::Ptr& r) {
  std::cout << "対策要請 " << r->getValue<std::string>("number") << "  " << r->getValue<std::string>("level_label")
            << "  状態: " << r->getValue<std::string>("state") << "\n"
            << "取引先: " << r->getValue<std::string>("supplier") << "  期限: " << r->getValue<std::string>("due")
            << "\n";
  Array::Ptr tr = r->getArray("transitions");
  for (std::size_t i = 0; tr && i < tr->size(); ++i) {
    Object::Ptr t = tr->getObject(static_cast<unsigned>(i));
    std::cout << "  " << t->getValue<std::string>("at") << "  → " << t->getValue<std::string>("to") << "  ("
              << t->getValue<std::string>("side") << ": " << t->getValue<std::string>("actor") << ")\n";
  }
  Array::Ptr steps = r->getArray("steps");
  for (std::size_t i = 0; steps && i < steps->size(); ++i) {
    Object::Ptr s = steps->getObject(static_cast<unsigned>(i));
    std::cout << "  #" << s->getValue<int>("step") << " " << s->getValue<std::string>("at") << "  "
              << s->getValue<std::string>("side") << " " << s->getValue<std::string>("kind") << "  ("
              << s->getValue<std::string>("actor") << ")\n";
  }
  Array::Ptr ag = r->getArray("agreements");
  for (std::size_t i = 0; ag && i < ag->size(); ++i) {
    Object::Ptr a = ag->getObject(static_cast<unsigned>(i));
    Array::Ptr c = a->getArray("confirmations");
    std::string sides;
    for (std::size_t j = 0; c && j < c->size(); ++j)
      sides += (j ? ", " : "") + c->getObject(static_cast<unsigned>(j))->getValue<std::string>("side");
    std::cout << "  合意書 版" << a->getValue<int>("version") << "  SHA-256 " << a->getValue<std::string>("sha256")
              << "  確認: " << (sides.empty() ? "なし" : sides) << "\n";
  }
  const std::string open = r->optValue<std::string>("unanswered_supplier_step", "");
  if (!open.empty()) std::cout << "  未応答の取引先の申出: " << open << "\n";
}
}  // namespace

int exit_code(Code code) {
  switch (code) {
    case Code::notfound:
      return kNotFound;
    case Code::refused:
      return kRefused;
    case Code::invalid:
    case Code::conflict:
      return kUnusable;
    case Code::error:
    case Code::busy:
      break;
  }
  return kRejected;
}

// Runs one op; prints the error (and refused rules) and returns the exit code, or
// kOk with `out` set to the response.
int call(const Globals& g, bool must_exist, Poco::JSON::Object::Ptr req, Poco::JSON::Object::Ptr& out) {
  auto svc = open_service(g, must_exist);
  if (!svc) return kUnusable;
  try {
    out = Poco::JSON::Parser().parse(api::handle(*svc, api::to_string(req))).extract<Object::Ptr>();
    return kOk;
  } catch (const Error& e) {
    if (e.code == Code::refused && e.detail)
      print_refusal(e.detail);
    else
      std::cerr << "hoshitori: " << e.what() << "\n";
    return exit_code(e.code);
  } catch (const std::exception& e) {  // not the caller's doing
    std::cerr << "hoshitori: " << e.what() << "\n";
    return exit_code(Code::error);
  }
}

int cmd_request(const Globals& g, Args& a) {
  const std::string sub = a.take_first();
  Object::Ptr req = obj(), out;
  if (sub == "issue") {
    const std::string file = a.take_value("--json");
    const bool draft = a.take_switch("--draft");
    req->set("actor", by(g, a));
    auto pos = a.positionals();
    if (file.empty() == pos.empty())
      throw UsageError{"request issue needs --json FILE (a new request) or a draft's NUMBER, not both"};
    if (!file.empty()) {
      req->set("op", "request_issue");
      req->set("request", read_json_file(file));
      req->set("draft", draft);
    } else {
      if (pos.size() != 1 || draft) throw UsageError{"request issue NUMBER issues one saved draft"};
      req->set("op", "request_issue_draft");
      req->set("number", pos[0]);
    }
    int rc = call(g, true, req, out);
    if (rc != kOk) return rc;
    print_warnings(out->getObject("guardrails"), draft);
    std::cout << out->getValue<std::string>("number") << "\n";
    if (draft) std::cerr << "hoshitori: saved as a draft (not issued): hoshitori request issue NUMBER issues it\n";
    return kOk;
  }
  if (sub == "show") {
    const bool json_out = a.take_switch("--json");
    auto pos = a.positionals();
    if (pos.size() != 1) throw UsageError{"request show NUMBER [--json]"};
    req->set("op", "request_show");
    req->set("number", pos[0]);
    int rc = call(g, true, req, out);
    if (rc != kOk) return rc;
    if (json_out)
      std::cout << api::to_string(out) << "\n";
    else
      print_request(out);
    return kOk;
  }
  if (sub == "letter") {
    const std::string format = a.take_value("--format"), lang = a.take_value("--lang"), file = a.take_value("--out");
    auto pos = a.positionals();
    if (pos.size() != 1) throw UsageError{"request letter NUMBER [--format txt|html] [--lang ja|en] [--out FILE]"};
    req->set("op", "request_letter");
    req->set("number", pos[0]);
    if (!format.empty()) req->set("format", format);
    if (!lang.empty()) req->set("lang", lang);
    int rc = call(g, true, req, out);
    if (rc != kOk) return rc;
    const std::string content = out->getValue<std::string>("content");
    if (file.empty()) {
      std::cout << content;
      return kOk;
    }
    return write_file(file, content) ? kOk : kRejected;
  }
  if (sub == "list") {
    const bool json_out = a.take_switch("--json");
    const std::string supplier = a.take_value("--supplier");
    if (!a.positionals().empty()) throw UsageError{"request list [--supplier CODE] [--json]"};
    req->set("op", "requests");
    if (!supplier.empty()) req->set("vendor_code", supplier);
    int rc = call(g, true, req, out);
    if (rc != kOk) return rc;
    if (json_out) {
      std::cout << api::to_string(out) << "\n";
      return kOk;
    }
    Array::Ptr list = out->getArray("requests");
    for (std::size_t i = 0; i < list->size(); ++i) {
      Object::Ptr r = list->getObject(static_cast<unsigned>(i));
      std::cout << r->getValue<std::string>("number") << "\t" << r->getValue<std::string>("supplier") << "\t"
                << r->getValue<std::string>("level_label") << "\t" << r->getValue<std::string>("state") << "\t"
                << r->getValue<std::string>("due") << "\n";
    }
    return kOk;
  }
  if (sub == "expire") {
    req->set("op", "requests_expire");
    req->set("actor", by(g, a));
    if (!a.positionals().empty()) throw UsageError{"request expire [--by USER]"};
    int rc = call(g, true, req, out);
    if (rc != kOk) return rc;
    Array::Ptr list = out->getArray("expired");
    for (std::size_t i = 0; i < list->size(); ++i) std::cout << list->get(static_cast<unsigned>(i)).toString() << "\n";
    std::cerr << "hoshitori: " << list->size() << " request(s) expired\n";
    return kOk;
  }
  if (sub == "link" || sub == "unlink") {
    const std::string days = a.take_value("--days"), base = a.take_value("--base");
    req->set("op", sub == "link" ? "supplier_link" : "supplier_link_revoke");
    req->set("actor", by(g, a));
    auto pos = a.positionals();
    if (pos.size() != 1) throw UsageError{"request link NUMBER [--days N] [--base URL] | request unlink NUMBER"};
    req->set("number", pos[0]);
    if (!days.empty()) {
      if (sub != "link" || days.size() > 3 || days.find_first_not_of("0123456789") != std::string::npos)
        throw UsageError{"--days is a whole number of days (1-730), for request link"};
      req->set("ttl_days", std::stoll(days));
    }
    int rc = call(g, true, req, out);
    if (rc != kOk) return rc;
    if (sub == "unlink") {
      std::cerr << "hoshitori: " << out->getValue<int>("revoked") << " link(s) of " << pos[0] << " revoked\n";
      return kOk;
    }
    std::string prefix = base;
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    std::cout << prefix << out->getValue<std::string>("path") << std::endl;
    std::cerr << "hoshitori: the supplier's link, shown only now (valid " << out->getValue<int>("ttl_days")
              << " days): send it to the supplier's contact\n";
    return kOk;
  }
  throw UsageError{sub.empty() ? "request needs a sub-command: issue, show, letter, list, expire, link or unlink"
                               : "unknown request sub-command '" + sub + "'"};
}

int cmd_negotiate(const Globals& g, Args& a) {
  const std::string file = a.take_value("--json");
  const std::string actor = by(g, a);
  auto pos = a.positionals();
  if (pos.size() != 1 || file.empty()) throw UsageError{"negotiate NUMBER --by USER --json FILE"};
  Object::Ptr req = obj(), out;
  req->set("op", "negotiate");
  req->set("actor", actor);
  req->set("number", pos[0]);
  req->set("step", read_json_file(file));
  int rc = call(g, true, req, out);
  if (rc != kOk) return rc;
  std::cout << "step " << out->getValue<int>("step") << "  state " << out->getValue<std::string>("state") << "\n";
  if (out->has("agreement_sha256"))
    std::cout << "agreement version " << out->getValue<int>("agreement_version") << "  sha256 "
              << out->getValue<std::string>("agreement_sha256") << "\n";
  return kOk;
}

int cmd_agreement(const Globals& g, Args& a) {
  const std::string side = a.take_value("--confirm-as"), sha = a.take_value("--sha256"), file = a.take_value("--out");
  const std::string version = a.take_value("--version"), method = a.take_value("--method");
  const std::string scan = a.take_value("--paper-scan");
  const std::string actor = by(g, a);
  auto pos = a.positionals();
  if (pos.size() != 1) throw UsageError{"agreement NUMBER (--confirm-as buyer|supplier --sha256 HASH | --out FILE)"};
  Object::Ptr req = obj(), out;
  req->set("number", pos[0]);
  if (!side.empty()) {
    if (sha.empty()) throw UsageError{"--confirm-as needs --sha256 HASH: the hash of the document you read"};
    req->set("op", "agreement_confirm");
    req->set("actor", actor);
    req->set("side", side);
    req->set("sha256", sha);
    if (!scan.empty()) {
      // the supplier signed on paper (記名押印): its scan is the only way staff record its side
      std::ifstream in(scan, std::ios::binary);
      if (!in) throw UsageError{"cannot read " + scan, false};
      std::stringstream buf;
      buf << in.rdbuf();
      auto s = obj();
      const auto slash = scan.find_last_of("/\\");
      s->set("filename", slash == std::string::npos ? scan : scan.substr(slash + 1));
      s->set("content_base64", base64_encode(buf.str()));
      req->set("scan", s);
    }
    req->set("method", method.empty() ? (scan.empty() ? "cli" : "paper-scan") : method);
    int rc = call(g, true, req, out);
    if (rc != kOk) return rc;
    std::cout << "version " << out->getValue<int>("version") << "  state " << out->getValue<std::string>("state")
              << "\n";
    return kOk;
  }
  req->set("op", "agreement_document");
  if (!version.empty()) {
    if (version.size() > 6 || version.find_first_not_of("0123456789") != std::string::npos)
      throw UsageError{"--version must be a whole number (1, 2, …)"};
    req->set("version", std::stoll(version));
  }
  int rc = call(g, true, req, out);
  if (rc != kOk) return rc;
  const std::string doc = out->getValue<std::string>("document");
  std::cerr << "hoshitori: agreement " << pos[0] << " version " << out->getValue<int>("version") << "  sha256 "
            << out->getValue<std::string>("sha256") << "\n";
  if (file.empty() || file == "-") {
    std::cout << doc;
    return kOk;
  }
  return write_file(file, doc) ? kOk : kRejected;
}

int cmd_verify(const Globals& g, Args& a) {
  const bool json_out = a.take_switch("--json");
  const bool head_given = a.has("--expected-head");
  std::string head = a.take_value("--expected-head");
  if (!a.positionals().empty()) throw UsageError{"verify [--expected-head HASH] [--json]"};
  // a typo is a usage error, never a "BROKEN" tamper alarm; an empty value (a script's
  // unset variable) is one too, never a check quietly skipped
  if (head_given && !is_sha256_hex(head))
    throw UsageError{
        "--expected-head takes the 64 hexadecimal digits of a head hash (from an earlier verify or "
        "export), not \"" +
            std::string(text::utf8_prefix(head, 80)) + "\"",
        false};
  head = text::ascii_lower(head);
  Object::Ptr req = obj(), out;
  req->set("op", "verify");
  if (!head.empty()) req->set("expected_head", head);
  int rc = call(g, true, req, out);
  if (rc != kOk) return rc;
  const bool intact = out->getValue<bool>("intact");
  if (json_out) {
    std::cout << api::to_string(out) << "\n";
  } else if (intact) {
    Object::Ptr h = out->getObject("head");
    std::cout << "intact: " << out->getValue<long long>("events") << " events, head " << h->getValue<long long>("seq")
              << " " << h->getValue<std::string>("hash") << "\n";
  } else {
    std::cout << "BROKEN at event " << out->getValue<long long>("bad_seq") << ": "
              << out->getValue<std::string>("problem") << "\n";
  }
  return intact ? kOk : kRejected;
}

int cmd_export(const Globals& g, Args& a) {
  const std::string what = a.take_first();
  if (what == "suppliers") return cmd_export_suppliers(g, a);
  if (what != "audit")
    throw UsageError{
        "export suppliers [--encoding utf-8|cp932] [--out FILE], or export audit [--from DATE] [--to DATE] [--supplier "
        "CODE] --format csv|jsonl [--out FILE]"};
  const std::string format = a.take_value("--format"), file = a.take_value("--out");
  const bool by_supplier = a.has("--supplier"), purpose_given = a.has("--purpose");
  const std::string from = a.take_value("--from"), to = a.take_value("--to"), supplier = a.take_value("--supplier");
  const std::string purpose = a.take_value("--purpose");
  const std::string actor = by(g, a);
  if (!a.positionals().empty() || format.empty())
    throw UsageError{
        "export audit [--from DATE] [--to DATE] [--supplier CODE] [--purpose negotiation|audit] --format csv|jsonl "
        "[--out FILE]"};
  // checked before anything is opened or written: a typo never exports (nor records) anything
  if (purpose_given && !records::parse_purpose(purpose)) throw UsageError{records::purpose_error("--purpose", purpose)};
  Object::Ptr req = obj(), out;
  req->set("op", "export_audit");
  if (purpose_given) {
    req->set("purpose", purpose);
    req->set("actor", actor);
  }
  req->set("format", format);
  req->set("out", file.empty() ? std::string("-") : file);
  if (!from.empty()) req->set("from", from);
  if (!to.empty()) req->set("to", to);
  if (by_supplier) req->set("vendor_code", supplier);  // an empty one is refused, not widened
  std::cout.flush();
  int rc = call(g, true, req, out);
  if (rc != kOk) return rc;
  Object::Ptr h = out->getObject("chain_head");
  std::cerr << "hoshitori: exported " << out->getValue<long long>("exported") << " events; chain head "
            << h->getValue<long long>("seq") << " " << h->getValue<std::string>("hash") << "\n";
  if (purpose_given)
    std::cerr << "hoshitori: purpose " << purpose << " recorded (by " << actor
              << "): cost figures, cost basis and self-check answers included\n";
  else if (const long long n = out->getValue<long long>("withheld"); n > 0)
    std::cerr << "hoshitori: cost figures, cost basis and self-check answers withheld in " << n
              << " event(s) (\"withheld\":\"purpose\"); name a purpose with --purpose negotiation|audit for them\n";
  return kOk;
}

int cmd_purge(const Globals& g, Args& a) {
  const bool dry = a.take_switch("--dry-run");
  Object::Ptr req = obj(), out;
  req->set("op", "records_purge");
  req->set("actor", by(g, a));
  req->set("dry_run", dry);
  if (!a.positionals().empty()) throw UsageError{"purge [--dry-run] [--by USER]"};
  int rc = call(g, true, req, out);
  if (rc != kOk) return rc;
  // stdout: what goes, one request a line — its number alone, or with --dry-run
  // "KIND<TAB>NUMBER<TAB>LAST-STEP-DATE" by kind (request, then agreement)
  auto str = [](const Object::Ptr& o, const std::string& k) { return o->getValue<std::string>(k); };
  Array::Ptr removed = out->getArray("removed"), kept = out->getArray("kept_for_agreement");
  Object::Ptr keep = out->getObject("retention");
  const std::string req_years = keep->getValue<std::string>("requests_years"),
                    agr_years = keep->getValue<std::string>("agreements_years");
  std::size_t by_kind[2] = {0, 0};
  for (const char* kind : {"request", "agreement"})
    for (std::size_t i = 0; i < removed->size(); ++i) {
      Object::Ptr e = removed->getObject(static_cast<unsigned>(i));
      if (str(e, "kind") != kind) continue;
      ++by_kind[std::string(kind) == "agreement"];
      if (dry) std::cout << kind << "\t" << str(e, "number") << "\t" << str(e, "last_step_on") << "\n";
    }
  if (!dry)
    for (std::size_t i = 0; i < removed->size(); ++i)
      std::cout << str(removed->getObject(static_cast<unsigned>(i)), "number") << "\n";
  std::cerr << "hoshitori: " << (dry ? "would remove " : "removed ") << removed->size() << " request(s): " << by_kind[0]
            << " without an agreement, last step before " << str(out, "cutoff") << " (" << req_years << " years); "
            << by_kind[1] << " with an agreement, last step before " << str(out, "agreements_cutoff") << " ("
            << agr_years << " years)"
            << (dry ? ""
                    : "; blanked " + std::to_string(out->getValue<long long>("events_redacted")) + " audit payload(s)")
            << "\n";
  for (std::size_t i = 0; i < kept->size(); ++i) {
    Object::Ptr e = kept->getObject(static_cast<unsigned>(i));
    std::cerr << "hoshitori: kept " << str(e, "number") << " (past " << req_years
              << " years, but its agreement is kept until " << str(e, "kept_until") << ")\n";
  }
  return kOk;
}

}  // namespace hoshi::cli
