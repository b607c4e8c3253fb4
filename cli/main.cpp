// hoshitori [--db DATABASE] COMMAND …  — see README.md for the contract.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli.hpp"
#include "hoshitori/hoshitori.h"

namespace hoshi::cli {

std::string Args::take_value(const std::string& name) {
  for (std::size_t i = 0; i < args_.size(); ++i) {
    if (args_[i] == name) {
      if (i + 1 >= args_.size()) throw UsageError{name + " needs a value"};
      std::string v = args_[i + 1];
      args_.erase(args_.begin() + static_cast<long>(i), args_.begin() + static_cast<long>(i) + 2);
      return v;
    }
    if (args_[i].rfind(name + "=", 0) == 0) {
      std::string v = args_[i].substr(name.size() + 1);
      args_.erase(args_.begin() + static_cast<long>(i));
      return v;
    }
  }
  return {};
}

bool Args::take_switch(const std::string& name) {
  for (std::size_t i = 0; i < args_.size(); ++i) {
    if (args_[i] == name) {
      args_.erase(args_.begin() + static_cast<long>(i));
      return true;
    }
  }
  return false;
}

bool Args::has(const std::string& name) const {
  for (const auto& a : args_)
    if (a == name || a.rfind(name + "=", 0) == 0) return true;
  return false;
}

std::string Args::take_first() {
  if (args_.empty() || (args_[0].size() > 1 && args_[0][0] == '-')) return {};
  std::string v = args_.front();
  args_.erase(args_.begin());
  return v;
}

std::vector<std::string> Args::positionals() {
  for (const auto& a : args_)
    if (a.size() > 1 && a[0] == '-' && a != "-") throw UsageError{"unknown option " + a};
  return args_;
}

}  // namespace hoshi::cli

namespace {
const char* kUsage =
    "usage: hoshitori [--db DATABASE] [--schemas DIR] [--policy FILE] [--user NAME] COMMAND\n"
    "\n"
    "DATABASE is a SQLite file (default ./hoshitori.db or $HOSHITORI_DB)\n"
    "or postgresql://user@host:port/db.\n"
    "\n"
    "commands:\n"
    "  init                             create or migrate the schema (safe to repeat)\n"
    "  import suppliers FILE [--encoding auto|utf-8|cp932] [--all-or-nothing] [--json]\n"
    "                                   load a supplier master CSV (exit 1: rows rejected,\n"
    "                                   2: file unusable)\n"
    "  suppliers [--standing meets|expiring|expired|below|unknown] [--department D]\n"
    "            [--name TEXT] [--json] list suppliers with their standing\n"
    "  status VENDOR_CODE [--json]      one supplier's statuses and standing (exit 3: none)\n"
    "  history VENDOR_CODE [--json]     every recorded change of one supplier\n"
    "\n"
    "requirement requests (exit 3: no such supplier/request, 4: refused by a guardrail):\n"
    "  request issue --by USER --json FILE [--draft]   check the guardrails and issue\n"
    "  request issue NUMBER --by USER   issue a saved draft\n"
    "  request show NUMBER [--json]     the request, its steps, agreements, confirmations\n"
    "  request letter NUMBER [--format txt|html] [--lang ja|en] [--out FILE]\n"
    "  request list [--supplier CODE] [--json]\n"
    "  request expire [--by USER]       issued requests past their due date → expired\n"
    "  request link NUMBER [--days N] [--base URL]   the supplier's answer link (/s/…), once\n"
    "  request unlink NUMBER            revoke every link of the request\n"
    "  negotiate NUMBER --by USER --json FILE   one step (estimate, proposal, agreement…)\n"
    "  agreement NUMBER --confirm-as buyer --by USER --sha256 HASH [--method HOW]\n"
    "  agreement NUMBER --confirm-as supplier --by USER --sha256 HASH --paper-scan FILE\n"
    "                                   the supplier's side from the copy it signed on paper\n"
    "                                   (PDF/PNG/JPEG scan; otherwise only its own link confirms)\n"
    "  agreement NUMBER [--version N] [--out FILE]   the agreement document's exact bytes\n"
    "  verify [--expected-head HASH] [--json]   re-walk the audit chain (exit 1: broken)\n"
    "  export suppliers [--encoding utf-8|cp932] [--out FILE]   the supplier master as CSV in\n"
    "                                   the import's columns (UTF-8 with BOM by default)\n"
    "  export audit [--from DATE] [--to DATE] [--supplier CODE] --format csv|jsonl [--out FILE]\n"
    "               [--purpose negotiation|audit [--by USER]]   cost figures only with a purpose,\n"
    "                                   which is recorded (README \"Purpose limitation\")\n"
    "  purge [--dry-run] [--by USER]    remove records past the retention period\n"
    "\n"
    "web (README \"REST API\"):\n"
    "  serve [--listen HOST:PORT] [--frame-ancestors SOURCES] [--public-url URL] [--smtp URL]\n"
    "        [--workers N] [--max-connections N] [--max-per-address N]\n"
    "        [--head-timeout S] [--idle-timeout S]  (README \"Limits\")\n"
    "        [--connectors FILE]        serve the REST API and the ERP screens (default\n"
    "                                   127.0.0.1:8470; port 0: any free port, printed);\n"
    "                                   with an SMTP server it also sends queued mail; with\n"
    "                                   connectors.yaml it posts webhooks and syncs on schedule\n"
    "  erp-link --for NAME --role viewer|buyer|admin [--next /erp/…] [--ttl S] [--base URL]\n"
    "                                   a signed sign-in link to the screens (default 300 s)\n"
    "  apikey create --name NAME --role viewer|buyer|admin   print a new key, once\n"
    "  apikey list                      the keys (never their secrets)\n"
    "  apikey revoke NAME               stop accepting that key\n"
    "\n"
    "mail-outs (README \"Campaigns and the outbox\"; SMTP from --smtp, $HOSHITORI_SMTP or policy mail.smtp):\n"
    "  campaign create --json FILE [--by USER]   a draft campaign; prints its id\n"
    "  campaign list [--json]\n"
    "  campaign preview ID [--lang ja|en] [--eml FILE] [--json]   one rendered message\n"
    "  campaign send ID [--dry-run] [--queue-only] [--smtp URL] [--by USER] [--json]\n"
    "                                   dry run: recipients and problems; else render into\n"
    "                                   the outbox and send (progress bar, summary)\n"
    "  campaign status ID [--recipients] [--json]   mail states and who answered\n"
    "  campaign letters ID --out DIR    print-ready letters for suppliers reached by post\n"
    "  campaign post-only CODE [--off] [--note TEXT]   a supplier wants letters by post\n"
    "  briefing answer CAMPAIGN CODE --answer attend|absent [--attendees N] [--note TEXT]\n"
    "          --channel 電話|メール|招待への返信|対面|FAX|郵便 [--by USER]   a reply staff received\n"
    "  briefing attendance CAMPAIGN [--json]   出席/欠席/未回答 and each invited supplier's answer\n"
    "  briefing material add CAMPAIGN FILE [--name NAME] [--by USER]   attach a PDF/PNG/JPEG shown\n"
    "  briefing materials CAMPAIGN [--json]   the materials with their SHA-256\n"
    "  briefing material get CAMPAIGN ID --out FILE\n"
    "  briefing link CAMPAIGN CODE [--days N] [--by USER]   a supplier's briefing page link\n"
    "  standing-link create CODE [--days N] [--by USER]   the supplier's standing link for order documents\n"
    "                 (価格交渉の申入れ without a request; replaces its earlier one; default 1825 days)\n"
    "  standing-link show CODE | standing-link revoke CODE [--by USER]\n"
    "  outbox run [--once] [--smtp URL] [--per-minute N] [--campaign ID]   the sender\n"
    "  outbox status [--json]\n"
    "  outbox resolve ID --delivered|--resend [--by USER]   settle an \"unknown\" message\n"
    "\n"
    "connectors and webhooks (README \"Connectors\"; --config FILE, $HOSHITORI_CONNECTORS, ./connectors.yaml):\n"
    "  sync [--connector NAME] [--dry-run] [--json] [--by USER]   read each connector's supplier\n"
    "                                   master (the ERP owns codes and names, Hoshitori statuses;\n"
    "                                   gone from the ERP: inactive) and write the standings back\n"
    "  webhook run [--once]             post queued events to the configured webhooks\n"
    "  webhook status [--json]          per webhook: state, pending, delivered, last error\n"
    "  webhook enable NAME [--by USER]  resume a webhook disabled after repeated failures\n"
    "  ops [--json]                     the JSON operations (hoshitori_query_json, REST): arguments\n"
    "                                   (* required), reads or writes, role, REST route\n"
    "  version                          print the version\n";

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v && *v) ? v : fallback;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace hoshi::cli;
  std::vector<std::string> rest;
  Globals g;
  g.db = env_or("HOSHITORI_DB", "hoshitori.db");
  g.schemas = env_or("HOSHITORI_SCHEMAS", "");
  g.policy = env_or("HOSHITORI_POLICY", "");
  const passwd* pw = getpwuid(getuid());
  g.actor = env_or("HOSHITORI_USER", "cli:" + env_or("USER", pw && pw->pw_name ? pw->pw_name : "unknown"));
  try {
    int i = 1;
    for (; i < argc; ++i) {
      std::string a = argv[i];
      auto value = [&](const std::string& flag) -> std::string {
        if (a.rfind(flag + "=", 0) == 0) return a.substr(flag.size() + 1);
        if (i + 1 >= argc) throw UsageError{flag + " needs a value"};
        return argv[++i];
      };
      if (a == "--db" || a.rfind("--db=", 0) == 0) {
        g.db = value("--db");
      } else if (a == "--schemas" || a.rfind("--schemas=", 0) == 0) {
        g.schemas = value("--schemas");
      } else if (a == "--policy" || a.rfind("--policy=", 0) == 0) {
        g.policy = value("--policy");
      } else if (a == "--user" || a.rfind("--user=", 0) == 0) {
        g.actor = value("--user");
      } else if (a == "-h" || a == "--help") {
        std::cout << kUsage;
        return kOk;
      } else if (a == "--version") {
        std::cout << "hoshitori " << HOSHITORI_VERSION << "\n";
        return kOk;
      } else {
        break;
      }
    }
    if (i >= argc) throw UsageError{"no command given"};
    std::string cmd = argv[i++];
    Args args(std::vector<std::string>(argv + i, argv + argc));
    if (cmd == "init") return cmd_init(g, args);
    if (cmd == "import") return cmd_import(g, args);
    if (cmd == "suppliers") return cmd_suppliers(g, args);
    if (cmd == "status") return cmd_status(g, args);
    if (cmd == "history") return cmd_history(g, args);
    if (cmd == "request") return cmd_request(g, args);
    if (cmd == "negotiate") return cmd_negotiate(g, args);
    if (cmd == "agreement") return cmd_agreement(g, args);
    if (cmd == "verify") return cmd_verify(g, args);
    if (cmd == "export") return cmd_export(g, args);
    if (cmd == "purge") return cmd_purge(g, args);
    if (cmd == "serve") return cmd_serve(g, args);
    if (cmd == "apikey") return cmd_apikey(g, args);
    if (cmd == "erp-link") return cmd_erp_link(g, args);
    if (cmd == "campaign") return cmd_campaign(g, args);
    if (cmd == "outbox") return cmd_outbox(g, args);
    if (cmd == "briefing") return cmd_briefing(g, args);
    if (cmd == "standing-link") return cmd_standing_link(g, args);
    if (cmd == "sync") return cmd_sync(g, args);
    if (cmd == "webhook") return cmd_webhook(g, args);
    if (cmd == "ops") return cmd_ops(g, args);
    if (cmd == "version") {
      std::cout << "hoshitori " << HOSHITORI_VERSION << "\n";
      return kOk;
    }
    if (cmd == "help") {
      std::cout << kUsage;
      return kOk;
    }
    throw UsageError{"unknown command '" + cmd + "'"};
  } catch (const UsageError& e) {
    std::cerr << "hoshitori: " << e.message << "\n";
    if (e.show_usage) std::cerr << "\n" << kUsage;
    return kUnusable;
  }
}
