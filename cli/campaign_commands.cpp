// The campaign and outbox sub-commands: campaigns go through the same JSON ops as the
// C ABI; the sender (outbox run, campaign send) runs here with its own connection.
#include <Poco/JSON/Array.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "api/json_api.hpp"
#include "cli.hpp"
#include "mail/mime.hpp"
#include "mail/sender.hpp"
#include "progress.hpp"
#include "service/service.hpp"
#include "store/outbox.hpp"

namespace hoshi::cli {

using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }

Object::Ptr op(const std::string& name) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("op", name);
  return o;
}

long long campaign_id(Args& a, const char* usage) {
  auto pos = a.positionals();
  if (pos.size() != 1) throw UsageError{usage};
  try {
    std::size_t used = 0;
    long long id = std::stoll(pos[0], &used);
    if (used == pos[0].size() && id > 0) return id;
  } catch (...) {
  }
  throw UsageError{"campaign id must be a number: " + pos[0]};
}

std::string str(const Object::Ptr& o, const std::string& k) {
  return o->has(k) && !o->isNull(k) ? o->get(k).convert<std::string>() : "";
}

// --smtp, then $HOSHITORI_SMTP, then the policy's mail.smtp.
mail::SmtpConfig smtp_config(const std::string& flag, const MailPolicy& mp) {
  std::string url = flag;
  if (url.empty())
    if (const char* e = std::getenv("HOSHITORI_SMTP")) url = e;
  if (url.empty()) url = mp.smtp;
  if (url.empty())
    throw UsageError{"no SMTP server: give --smtp smtp://HOST:PORT, set HOSHITORI_SMTP, or mail.smtp in the policy",
                     false};
  const char* pw = std::getenv("HOSHITORI_SMTP_PASSWORD");
  try {
    return mail::parse_smtp_url(url, pw ? pw : "");
  } catch (const Error& e) {  // the URL (Code::invalid)
    throw UsageError{e.what(), false};
  }
}

struct SendFlags {
  std::string smtp;
  int per_minute = -1;  // -1: the policy's
  bool once = true;
};

mail::SenderOptions sender_options(const Service& svc, const SendFlags& f) {
  const MailPolicy& mp = svc.catalogs().policy.mail;
  mail::SenderOptions o;
  o.smtp = smtp_config(f.smtp, mp);
  o.from_addr = mp.from;
  o.from_name = mp.from_name;
  o.reply_to = mp.reply_to;
  o.per_minute = f.per_minute >= 0 ? f.per_minute : mp.per_minute;
  o.retry_base_seconds = mp.retry_base_seconds;
  o.max_attempts = mp.max_attempts;
  o.lease_seconds = mp.sender_lease_seconds;
  o.link_days = mp.link_days;
  o.once = f.once;
  return o;
}

// Runs the sender with a progress bar on a terminal; returns the exit code.
int run_sender(const Globals& g, const SendFlags& f, std::optional<long long> campaign, long long expected) {
  auto svc = open_service(g, true);
  if (!svc) return kUnusable;
  mail::SenderOptions o = sender_options(*svc, f);
  o.campaign = campaign;
  o.stop = &g_stop;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  Progress bar(std::cerr);
  const bool tty = isatty(2);
  mail::RunSummary sum = mail::run_outbox(svc->database_url(), svc->principal(), o, [&](const mail::RunSummary& s) {
    if (tty && expected > 0)
      bar.update("mail", static_cast<std::size_t>(std::min(expected, s.sent + s.failed + s.unknown)),
                 static_cast<std::size_t>(expected));
  });
  bar.finish();
  std::cerr << "hoshitori: sent " << sum.sent << ", deferred " << sum.deferred << " (retried later), failed "
            << sum.failed << ", unknown " << sum.unknown;
  if (sum.recovered_unknown || sum.requeued)
    std::cerr << "; from a stopped sender: " << sum.recovered_unknown << " unknown, " << sum.requeued << " requeued";
  std::cerr << "\n";
  if (sum.unknown || sum.recovered_unknown)
    std::cerr << "hoshitori: a message marked unknown may or may not have arrived: check with the recipient, then "
                 "`hoshitori outbox resolve ID --delivered` or `--resend`\n";
  if (!sum.smtp_error.empty()) {
    std::cerr << "hoshitori: SMTP server unavailable: " << sum.smtp_error << " (nothing lost: messages stay queued)\n";
    return kUnusable;
  }
  return sum.failed || sum.unknown ? kRejected : kOk;
}

void print_plan(const Object::Ptr& out) {
  Array::Ptr list = out->getArray("recipients");
  for (std::size_t i = 0; i < list->size(); ++i) {
    Object::Ptr r = list->getObject(static_cast<unsigned>(i));
    std::cout << str(r, "vendor_code") << "\t" << str(r, "channel") << "\t" << str(r, "email") << "\t"
              << str(r, "name");
    if (!str(r, "request").empty()) std::cout << "\t" << str(r, "request");
    if (!str(r, "problem").empty()) std::cout << "\t(" << str(r, "problem") << ")";
    std::cout << "\n";
  }
  std::cerr << "hoshitori: dry run, nothing sent: " << str(out, "email") << " by mail, " << str(out, "post")
            << " by post, " << str(out, "none") << " not reached\n";
}

void print_status(const Object::Ptr& s, bool recipients) {
  Object::Ptr ch = s->getObject("recipients_by_channel"), m = s->getObject("mail"), ans = s->getObject("answers");
  std::cout << "campaign " << str(s, "id") << " (" << str(s, "kind") << ") " << str(s, "title") << " — "
            << str(s, "state") << "\n";
  std::cout << "recipients: " << str(ch, "email") << " by mail, " << str(ch, "post") << " by post, " << str(ch, "none")
            << " not reached\n";
  std::cout << "mail: " << str(m, "sent") << " sent, " << str(m, "queued") << " queued, " << str(m, "sending")
            << " sending, " << str(m, "failed") << " failed, " << str(m, "unknown") << " unknown, "
            << str(m, "cancelled") << " cancelled\n";
  if (str(ans, "requests") != "0")
    std::cout << "answers: " << str(ans, "answered") << " of " << str(ans, "requests") << " answered, "
              << str(ans, "waiting") << " waiting\n";
  if (!recipients) return;
  Array::Ptr list = s->getArray("recipients");
  for (std::size_t i = 0; i < list->size(); ++i) {
    Object::Ptr r = list->getObject(static_cast<unsigned>(i));
    std::cout << str(r, "vendor_code") << "\t" << str(r, "channel") << "\t" << str(r, "mail_state") << "\t"
              << str(r, "request") << "\t" << str(r, "request_state")
              << (r->getValue<bool>("answered") ? "\tanswered" : "") << "\t" << str(r, "name") << "\n";
  }
}

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '&')
      o += "&amp;";
    else if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else
      o += c;
  }
  return o;
}

int write_letters(const Object::Ptr& out, const std::string& dir) {
  std::filesystem::create_directories(dir);
  Array::Ptr list = out->getArray("letters");
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>郵送用の文書</title>\n"
      "<style>@page { size: A4; margin: 20mm; } body { font-family: 'IPAGothic', sans-serif; }\n"
      "pre { white-space: pre-wrap; font-family: inherit; font-size: 10.5pt; line-height: 1.6; }\n"
      ".letter { page-break-after: always; }</style></head><body>\n";
  for (std::size_t i = 0; i < list->size(); ++i) {
    Object::Ptr l = list->getObject(static_cast<unsigned>(i));
    std::string name = str(l, "name");
    for (char& c : name)
      if (c == '/' || c == '\\') c = '_';
    std::ofstream(dir + "/" + name + ".txt", std::ios::binary) << str(l, "text");
    html += "<div class=\"letter\"><pre>" + html_escape(str(l, "text")) + "</pre></div>\n";
  }
  html += "</body></html>\n";
  std::ofstream(dir + "/letters.html", std::ios::binary) << html;
  std::cerr << "hoshitori: " << list->size() << " letters in " << dir
            << " (one .txt each; letters.html prints them all)\n";
  return kOk;
}

}  // namespace

std::string configured_smtp(const std::string& flag, const Service& svc) {
  if (!flag.empty()) return flag;
  if (const char* e = std::getenv("HOSHITORI_SMTP")) return e;
  return svc.catalogs().policy.mail.smtp;
}

BackgroundSender::BackgroundSender(Service& svc, const std::string& smtp) {
  SendFlags f;
  f.smtp = smtp;
  f.once = false;
  mail::SenderOptions o = sender_options(svc, f);
  o.stop = &stop_;
  const std::string url = svc.database_url(), via = svc.principal();
  thread_ = std::thread([this, o, url, via] {
    while (!stop_.load()) {
      try {
        mail::run_outbox(url, via, o);
      } catch (const std::exception& e) {
        std::cerr << "hoshitori: mail sender: " << e.what() << " (retrying in 10 s)\n";
        for (int i = 0; i < 50 && !stop_.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    }
  });
}

BackgroundSender::~BackgroundSender() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

int cmd_campaign(const Globals& g, Args& a) {
  const std::string sub = a.take_first();
  Object::Ptr out;
  if (sub == "create") {
    const std::string file = a.take_value("--json");
    Object::Ptr req = op("campaign_create");
    req->set("actor", by(g, a));
    if (file.empty() || !a.positionals().empty()) throw UsageError{"campaign create --json FILE [--by USER]"};
    req->set("campaign", read_json_file(file));
    int rc = call(g, false, req, out);
    if (rc != kOk) return rc;
    std::cout << str(out, "campaign") << "\n";
    return kOk;
  }
  if (sub == "list") {
    const bool json = a.take_switch("--json");
    a.positionals();
    int rc = call(g, true, op("campaigns"), out);
    if (rc != kOk) return rc;
    if (json) {
      std::cout << api::to_string(out) << "\n";
      return kOk;
    }
    Array::Ptr list = out->getArray("campaigns");
    for (std::size_t i = 0; i < list->size(); ++i) {
      Object::Ptr c = list->getObject(static_cast<unsigned>(i));
      std::cout << str(c, "id") << "\t" << str(c, "kind") << "\t" << str(c, "state") << "\t" << str(c, "recipients")
                << " recipients\t" << str(c, "sent") << " sent\t" << str(c, "title") << "\n";
    }
    return kOk;
  }
  if (sub == "preview") {
    const std::string lang = a.take_value("--lang"), eml = a.take_value("--eml");
    const bool json = a.take_switch("--json");
    Object::Ptr req = op("campaign_preview");
    req->set("campaign", campaign_id(a, "campaign preview ID [--lang ja|en] [--eml FILE] [--json]"));
    if (!lang.empty()) req->set("lang", lang);
    int rc = call(g, true, req, out);
    if (rc != kOk) return rc;
    if (!eml.empty()) {
      auto svc = open_service(g, true);
      if (!svc) return kUnusable;
      const MailPolicy& mp = svc->catalogs().policy.mail;
      mail::Message m;
      m.from = {mp.from, mp.from_name};
      m.to = {str(out, "to"), ""};
      m.subject = str(out, "subject");
      m.text = str(out, "text");
      m.html = str(out, "html");
      m.ics = str(out, "ics");
      m.charset = str(out, "charset");
      m.message_id = "preview." + str(out, "campaign") + "@" + mp.domain();
      std::ofstream(eml, std::ios::binary) << mail::build(m, std::time(nullptr));
      std::cerr << "hoshitori: wrote " << eml << " (open it in a mail program)\n";
    }
    if (json) {
      std::cout << api::to_string(out) << "\n";
    } else {
      std::cout << "To: " << str(out, "to") << "\nSubject: " << str(out, "subject") << "\n\n" << str(out, "text");
      if (!str(out, "ics").empty()) std::cout << "\n[invite.ics attached]\n";
    }
    return kOk;
  }
  if (sub == "send") {
    const bool dry = a.take_switch("--dry-run"), queue_only = a.take_switch("--queue-only");
    const bool json = a.take_switch("--json");
    SendFlags f;
    f.smtp = a.take_value("--smtp");
    const std::string actor = by(g, a);
    const long long id =
        campaign_id(a, "campaign send ID [--dry-run] [--queue-only] [--smtp URL] [--by USER] [--json]");
    if (dry) {
      Object::Ptr req = op("campaign_plan");
      req->set("campaign", id);
      int rc = call(g, true, req, out);
      if (rc != kOk) return rc;
      if (json)
        std::cout << api::to_string(out) << "\n";
      else
        print_plan(out);
      return kOk;
    }
    Object::Ptr st = op("campaign_status");
    st->set("campaign", id);
    int rc = call(g, true, st, out);
    if (rc != kOk) return rc;
    const bool repeatable = str(out, "kind") == "reminder" || str(out, "kind") == "agreement_notice";
    if (str(out, "state") == "draft" || repeatable) {
      Object::Ptr req = op("campaign_queue");
      req->set("campaign", id);
      req->set("actor", actor);
      rc = call(g, false, req, out);
      if (rc != kOk) return rc;
      std::cerr << "hoshitori: campaign " << id << " queued: " << str(out, "email") << " by mail, " << str(out, "post")
                << " by post (campaign letters " << id << " --out DIR), " << str(out, "none") << " not reached\n";
    }
    if (!queue_only) {
      call(g, true, st, out);
      const long long pending = out->getObject("mail")->getValue<long long>("queued");
      rc = run_sender(g, f, id, pending);
      if (rc == kUnusable) return rc;
    }
    call(g, true, st, out);
    if (json)
      std::cout << api::to_string(out) << "\n";
    else
      print_status(out, false);
    return rc;
  }
  if (sub == "status") {
    const bool json = a.take_switch("--json"), recipients = a.take_switch("--recipients");
    Object::Ptr req = op("campaign_status");
    req->set("campaign", campaign_id(a, "campaign status ID [--recipients] [--json]"));
    req->set("recipients", recipients || json);
    int rc = call(g, true, req, out);
    if (rc != kOk) return rc;
    if (json)
      std::cout << api::to_string(out) << "\n";
    else
      print_status(out, recipients);
    return kOk;
  }
  if (sub == "letters") {
    const std::string dir = a.take_value("--out");
    Object::Ptr req = op("campaign_letters");
    req->set("actor", by(g, a));
    req->set("campaign", campaign_id(a, "campaign letters ID --out DIR"));
    if (dir.empty()) throw UsageError{"campaign letters ID --out DIR"};
    int rc = call(g, false, req, out);
    if (rc != kOk) return rc;
    return write_letters(out, dir);
  }
  if (sub == "post-only") {
    const bool off = a.take_switch("--off");
    const std::string note = a.take_value("--note");
    Object::Ptr req = op("mail_preference");
    req->set("actor", by(g, a));
    auto pos = a.positionals();
    if (pos.size() != 1) throw UsageError{"campaign post-only CODE [--off] [--note TEXT]"};
    req->set("vendor_code", pos[0]);
    req->set("post_only", !off);
    req->set("note", note);
    return call(g, false, req, out);
  }
  throw UsageError{"campaign create|list|preview|send|status|letters|post-only"};
}

int cmd_outbox(const Globals& g, Args& a) {
  const std::string sub = a.take_first();
  Object::Ptr out;
  if (sub == "run") {
    SendFlags f;
    f.once = a.take_switch("--once");
    f.smtp = a.take_value("--smtp");
    const std::string pm = a.take_value("--per-minute"), cid = a.take_value("--campaign");
    if (!a.positionals().empty()) throw UsageError{"outbox run [--once] [--smtp URL] [--per-minute N] [--campaign ID]"};
    try {
      if (!pm.empty()) f.per_minute = std::stoi(pm);
    } catch (...) {
      throw UsageError{"--per-minute needs a number"};
    }
    std::optional<long long> campaign;
    if (!cid.empty()) {
      try {
        campaign = std::stoll(cid);
      } catch (...) {
        throw UsageError{"--campaign needs a campaign id"};
      }
    }
    int rc = call(g, true, op("outbox_status"), out);
    if (rc != kOk) return rc;
    return run_sender(g, f, campaign, f.once ? out->getValue<long long>("queued") : 0);
  }
  if (sub == "status") {
    const bool json = a.take_switch("--json");
    a.positionals();
    int rc = call(g, true, op("outbox_status"), out);
    if (rc != kOk) return rc;
    if (json)
      std::cout << api::to_string(out) << "\n";
    else
      std::cout << "queued " << str(out, "queued") << ", sending " << str(out, "sending") << ", sent "
                << str(out, "sent") << ", failed " << str(out, "failed") << ", unknown " << str(out, "unknown")
                << ", cancelled " << str(out, "cancelled") << "\n";
    return kOk;
  }
  if (sub == "resolve") {
    const bool delivered = a.take_switch("--delivered"), resend = a.take_switch("--resend");
    Object::Ptr req = op("outbox_resolve");
    req->set("actor", by(g, a));
    auto pos = a.positionals();
    if (pos.size() != 1 || delivered == resend) throw UsageError{"outbox resolve ID --delivered|--resend [--by USER]"};
    try {
      req->set("id", std::stoll(pos[0]));
    } catch (...) {
      throw UsageError{"outbox message id must be a number"};
    }
    req->set("delivered", delivered);
    return call(g, false, req, out);
  }
  throw UsageError{"outbox run|status|resolve"};
}

}  // namespace hoshi::cli
