// The `hoshitori` command: shared pieces of its sub-commands.
#pragma once
#include <Poco/JSON/Object.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace hoshi {
class Service;
}

namespace hoshi::cli {

// Exit codes (the CLI contract in README.md).
enum Exit { kOk = 0, kRejected = 1, kUnusable = 2, kNotFound = 3, kRefused = 4 };

// The one translation of the error model to an exit code: invalid and conflict 2,
// notfound 3, refused 4; an internal failure or a busy database 1 (the message says which).
int exit_code(Code code);

struct Globals {
  std::string db;       // --db, $HOSHITORI_DB, ./hoshitori.db
  std::string schemas;  // --schemas, $HOSHITORI_SCHEMAS
  std::string policy;   // --policy, $HOSHITORI_POLICY
  std::string actor;    // --user, $HOSHITORI_USER, cli:$USER
};

// Thrown for a command line that cannot be used (exit 2).
struct UsageError {
  std::string message;
  bool show_usage = true;  // false for a bad input file: the command line itself was fine
};

// Sub-command arguments: flags with values, switches, and positionals.
class Args {
 public:
  explicit Args(std::vector<std::string> args) : args_(std::move(args)) {}
  // Removes `--name VALUE` (or --name=VALUE); empty when absent.
  std::string take_value(const std::string& name);
  bool take_switch(const std::string& name);
  // Whether `--name` is given at all (with any value, even an empty one).
  bool has(const std::string& name) const;
  // Removes and returns the first argument when it is a word (a sub-command), else "".
  std::string take_first();
  // What is left; unknown --flags raise UsageError.
  std::vector<std::string> positionals();

 private:
  std::vector<std::string> args_;
};

// Opens the service, or prints why not and returns null.
// `must_exist`: a command that only reads — the database must be there with its schema
// (it is never created or migrated, so it takes no write lock).
std::unique_ptr<Service> open_service(const Globals& g, bool must_exist);

// Runs one hoshitori_query_json op on a service opened for it; prints the error (and
// refused rules) and returns the exit code, or kOk with `out` set to the response.
int call(const Globals& g, bool must_exist, Poco::JSON::Object::Ptr req, Poco::JSON::Object::Ptr& out);

// A JSON file (or - for stdin) as an object; UTF-8, or CP932 from older tools.
Poco::JSON::Object::Ptr read_json_file(const std::string& path);
// --by USER, else the global acting user.
std::string by(const Globals& g, Args& a);

// The SMTP URL in force: the flag, else $HOSHITORI_SMTP, else the policy's mail.smtp ("" none).
std::string configured_smtp(const std::string& flag, const Service& svc);
// `serve --smtp`: the outbox sender as a thread beside the web server, until destroyed
// (it finishes the message in hand; what it held goes back to the queue).
// `serve --connectors FILE`: webhook delivery (every second) and each connector's sync
// on its every_minutes schedule, as a thread beside the web server, until destroyed.
// Throws catalog::CatalogError for a bad file.
class BackgroundConnectors {
 public:
  BackgroundConnectors(Service& svc, const std::string& config_file, const std::string& actor);
  ~BackgroundConnectors();
  BackgroundConnectors(const BackgroundConnectors&) = delete;
  BackgroundConnectors& operator=(const BackgroundConnectors&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class BackgroundSender {
 public:
  BackgroundSender(Service& svc, const std::string& smtp);
  ~BackgroundSender();
  BackgroundSender(const BackgroundSender&) = delete;
  BackgroundSender& operator=(const BackgroundSender&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

int cmd_init(const Globals& g, Args& a);
int cmd_import(const Globals& g, Args& a);
int cmd_suppliers(const Globals& g, Args& a);
int cmd_status(const Globals& g, Args& a);
int cmd_history(const Globals& g, Args& a);
int cmd_request(const Globals& g, Args& a);
int cmd_negotiate(const Globals& g, Args& a);
int cmd_agreement(const Globals& g, Args& a);
int cmd_verify(const Globals& g, Args& a);
int cmd_export(const Globals& g, Args& a);
int cmd_purge(const Globals& g, Args& a);
int cmd_serve(const Globals& g, Args& a);
int cmd_apikey(const Globals& g, Args& a);
int cmd_erp_link(const Globals& g, Args& a);
int cmd_campaign(const Globals& g, Args& a);
int cmd_outbox(const Globals& g, Args& a);
int cmd_briefing(const Globals& g, Args& a);
int cmd_standing_link(const Globals& g, Args& a);
int cmd_export_suppliers(const Globals& g, Args& a);
int cmd_sync(const Globals& g, Args& a);
int cmd_webhook(const Globals& g, Args& a);
int cmd_ops(const Globals& g, Args& a);

}  // namespace hoshi::cli
