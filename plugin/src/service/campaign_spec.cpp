// Reading a campaign file (hoshitori campaign create --json FILE, the campaign screen).
#include <cctype>
#include <ctime>
#include <filesystem>
#include <map>

#include "core/error.hpp"
#include "core/text.hpp"
#include "mail/ics.hpp"
#include "service/campaigns.hpp"
#include "service/json_args.hpp"
#include "service/requests.hpp"
#include "store/audit_log.hpp"

namespace hoshi {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

[[noreturn]] void bad(const std::string& field, const std::string& why) {
  throw Error(Code::invalid, field + ": " + why);
}

std::string text_field(const Object::Ptr& o, const std::string& key, const std::string& where, bool required,
                       std::size_t max_chars = 200) {
  const std::string field = where.empty() ? key : where + "." + key;
  if (!o->has(key) || o->isNull(key)) {
    if (required) bad(field, "is required");
    return "";
  }
  auto v = o->get(key);
  if (!v.isString()) bad(field, "must be text");
  std::string s = v.extract<std::string>();
  if (!text::is_valid_utf8(s)) bad(field, "is not valid UTF-8");
  // free text: hidden characters removed (text::clean_free_text); only a description has lines
  s = text::trim(text::clean_free_text(s, key == "description" ? text::Lines::many : text::Lines::one));
  if (required && s.empty()) bad(field, "is empty");
  if (text::visible_length(s) > max_chars) bad(field, "is longer than " + std::to_string(max_chars) + " characters");
  return s;
}

std::vector<std::string> text_list(const Object::Ptr& o, const std::string& key, const std::string& where) {
  std::vector<std::string> out;
  if (!o->has(key)) return out;
  auto v = o->get(key);
  const std::string field = where + "." + key;
  if (v.isString()) {
    out.push_back(v.extract<std::string>());
    return out;
  }
  Array::Ptr a;
  try {
    a = v.extract<Array::Ptr>();
  } catch (...) {
    bad(field, "must be a list of text");
  }
  for (std::size_t i = 0; i < a->size(); ++i) {
    if (!a->get(i).isString()) bad(field + "[" + std::to_string(i) + "]", "must be text");
    out.push_back(text::trim(a->get(i).extract<std::string>()));
  }
  return out;
}

CampaignSelection parse_selection(const Object::Ptr& file) {
  CampaignSelection sel;
  if (!file->has("suppliers"))
    bad("suppliers",
        "is required: \"all\", or {\"standing\": [...]}, "
        "{\"department\": [...]}, {\"codes\": [...]}, {\"unanswered\": true}");
  auto v = file->get("suppliers");
  if (v.isString()) {
    if (v.extract<std::string>() != "all") bad("suppliers", "must be \"all\" or an object");
    sel.all = true;
    return sel;
  }
  Object::Ptr s;
  try {
    s = v.extract<Object::Ptr>();
  } catch (...) {
    bad("suppliers", "must be \"all\" or an object");
  }
  for (const auto& k : s->getNames())
    if (k != "standing" && k != "department" && k != "codes" && k != "unanswered" && k != "include_inactive")
      bad("suppliers." + k, "unknown key (standing, department, codes, unanswered, include_inactive)");
  const auto standings = text_list(s, "standing", "suppliers");
  for (std::size_t i = 0; i < standings.size(); ++i) {
    Standing st{};
    if (!parse_standing(standings[i], st))
      bad("suppliers.standing[" + std::to_string(i) + "]",
          "'" + standings[i] + "' is not a standing (meets, expiring, expired, below, unknown)");
    sel.standings.push_back(st);
  }
  sel.departments = text_list(s, "department", "suppliers");
  sel.codes = text_list(s, "codes", "suppliers");
  for (std::size_t i = 0; i < sel.codes.size(); ++i)
    if (sel.codes[i].empty()) bad("suppliers.codes[" + std::to_string(i) + "]", "is empty");
  for (const char* k : {"unanswered", "include_inactive"}) {
    if (!s->has(k)) continue;
    if (!s->get(k).isBoolean()) bad(std::string("suppliers.") + k, "must be true or false");
    (std::string(k) == "unanswered" ? sel.unanswered : sel.include_inactive) = s->getValue<bool>(k);
  }
  if (sel.standings.empty() && sel.departments.empty() && sel.codes.empty() && !sel.unanswered)
    bad("suppliers", "selects nobody: give standing, department, codes or unanswered (or \"all\")");
  return sel;
}

mail::BriefingEvent parse_event(const Object::Ptr& file) {
  if (!file->has("event")) bad("event", "is required for a briefing (title, start, end, location or url)");
  Object::Ptr e;
  try {
    e = file->getObject("event");
  } catch (...) {
  }
  if (!e) bad("event", "must be an object");
  for (const auto& k : e->getNames())
    if (k != "title" && k != "start" && k != "end" && k != "location" && k != "url" && k != "capacity" &&
        k != "description")
      bad("event." + k, "unknown key (title, start, end, location, url, capacity, description)");
  mail::BriefingEvent ev;
  ev.title = text_field(e, "title", "event", true);
  ev.start = text_field(e, "start", "event", true);
  ev.end = text_field(e, "end", "event", true);
  ev.location = text_field(e, "location", "event", false);
  ev.url = text_field(e, "url", "event", false, 500);
  ev.description = text_field(e, "description", "event", false, 2000);
  const std::time_t start = mail::parse_instant(ev.start, "event.start");
  const std::time_t end = mail::parse_instant(ev.end, "event.end");
  if (end <= start) bad("event.end", "must be after event.start");
  if (end - start > 24 * 3600) bad("event.end", "a briefing longer than a day is probably a typo");
  if (ev.location.empty() && ev.url.empty()) bad("event", "needs a location or an online url");
  if (!ev.url.empty() && ev.url.rfind("https://", 0) != 0 && ev.url.rfind("http://", 0) != 0)
    bad("event.url", "must start with https:// or http://");
  if (ev.url.find_first_of(" \"<>") != std::string::npos) bad("event.url", "holds a space, quote or angle bracket");
  if (e->has("capacity") && !e->isNull("capacity")) {
    auto c = e->get("capacity");
    if (!c.isInteger() || c.convert<long long>() < 1 || c.convert<long long>() > 100000)
      bad("event.capacity", "must be a whole number of companies from 1");
    ev.capacity = c.convert<int>();
  }
  return ev;
}

}  // namespace

CampaignSpec parse_campaign_spec(const Object::Ptr& file, const Catalogs& cat, const records::Templates& templates) {
  if (!file) bad("campaign", "must be a JSON object");
  for (const auto& k : file->getNames())
    if (k != "kind" && k != "template" && k != "title" && k != "lang" && k != "charset" && k != "suppliers" &&
        k != "event" && k != "request" && k != "send_at")
      bad(k, "unknown key (kind, template, title, lang, charset, suppliers, event, request, send_at)");
  CampaignSpec c;
  c.kind = text_field(file, "kind", "", true);
  static const std::map<std::string, std::string> default_template = {{"briefing", "briefing"},
                                                                      {"request", "request_mail"},
                                                                      {"reminder", "reminder"},
                                                                      {"agreement_notice", "agreement_notice"}};
  auto dt = default_template.find(c.kind);
  if (dt == default_template.end())
    bad("kind", "'" + c.kind + "' is not briefing, request, reminder or agreement_notice");
  c.templ = text_field(file, "template", "", false);
  if (c.templ.empty()) c.templ = dt->second;
  for (char ch : c.templ)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-')
      bad("template", "'" + c.templ + "' may hold only letters, digits, _ and -");
  c.lang = text_field(file, "lang", "", false);
  if (c.lang.empty()) c.lang = "ja";
  if (c.lang != "ja" && c.lang != "en") bad("lang", "must be ja or en");
  for (const char* part : {"subject", "txt"}) {
    const std::string f = templates.dir() + "/" + c.lang + "/" + c.templ + "." + part + ".mustache";
    if (!std::filesystem::exists(f)) bad("template", "no template file " + f);
  }
  c.charset = text_field(file, "charset", "", false);
  if (!c.charset.empty() && c.charset != "utf-8" && c.charset != "iso-2022-jp")
    bad("charset", "must be utf-8 or iso-2022-jp");
  c.suppliers = parse_selection(file);
  if (c.kind == "briefing") {
    c.event = parse_event(file);
  } else if (file->has("event")) {
    bad("event", "only a briefing has an event");
  }
  if (c.kind == "request") {
    Object::Ptr r;
    try {
      r = file->getObject("request");
    } catch (...) {
    }
    if (!r) bad("request", "is required for a request campaign: the request file without \"supplier\"");
    if (r->has("supplier")) bad("request.supplier", "comes from the campaign's suppliers, not the file");
    // the same checks as `request issue`, with a stand-in supplier
    Object::Ptr probe = new Object(*r);
    probe->set("supplier", "V-CAMPAIGN-CHECK");
    try {
      parse_request_input(probe, cat);
    } catch (const std::exception& e) {
      bad("request", e.what());
    }
    c.request = r;
  } else if (file->has("request")) {
    bad("request", "only a request campaign carries a request");
  }
  c.title = text_field(file, "title", "", false);
  if (c.title.empty()) c.title = c.event ? c.event->title : c.kind;
  const std::string send_at = text_field(file, "send_at", "", false);
  if (!send_at.empty()) {
    const std::time_t t = mail::parse_instant(send_at, "send_at");
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    c.send_at = buf;
  }
  return c;
}

}  // namespace hoshi
