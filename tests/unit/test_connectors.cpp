#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "catalog/catalog_loader.hpp"
#include "connectors/config.hpp"
#include "connectors/registry.hpp"
#include "connectors/webhook/webhook_sender.hpp"
#include "core/secret.hpp"

using namespace hoshi;

namespace {
// A YAML file in /tmp for one test, removed after.
struct YamlFile {
  explicit YamlFile(const std::string& text) {
    char name[] = "/tmp/hoshitori-connectors-XXXXXX";
    int fd = mkstemp(name);
    path = name;
    std::ofstream(path) << text;
    close(fd);
  }
  ~YamlFile() { std::remove(path.c_str()); }
  std::string path;
};

std::string load_error(const std::string& text) {
  YamlFile f(text);
  try {
    connectors::load_connectors_config(f.path);
  } catch (const std::exception& e) {
    std::string what = e.what();
    return what.substr(what.find(':') + 1);  // without the temporary file's name
  }
  return "";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(webhook_signing)

BOOST_AUTO_TEST_CASE(hmac_sha256_hex_matches_rfc_4231_test_case_2) {
  BOOST_TEST(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

BOOST_AUTO_TEST_CASE(signature_covers_timestamp_dot_body) {
  const std::string body = R"({"id":"evt_1","type":"request.answered"})";
  BOOST_TEST(connectors::webhook_signature("k", 1764633600, body) ==
             "t=1764633600,v1=" + hmac_sha256_hex("k", "1764633600." + body));
  BOOST_TEST(connectors::webhook_signature("k", 1764633601, body) !=
             connectors::webhook_signature("k", 1764633600, body));
}

BOOST_AUTO_TEST_CASE(backoff_doubles_up_to_its_ceiling) {
  records::Backoff b{30, 3600, 10};
  BOOST_TEST(b.after_failures(1) == 30);
  BOOST_TEST(b.after_failures(2) == 60);
  BOOST_TEST(b.after_failures(4) == 240);
  BOOST_TEST(b.after_failures(8) == 3600);
  BOOST_TEST(b.after_failures(1000) == 3600);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(connectors_config)

BOOST_AUTO_TEST_CASE(every_kind_in_the_table_can_be_made) {
  BOOST_TEST(connectors::connector_kinds().size() >= 2u);
  YamlFile f(
      "connectors:\n"
      "  - name: erp\n    kind: tryton\n    url: http://127.0.0.1:8000/\n    database: d\n    user: u\n"
      "    password_env: NOT_SET_HERE\n    suppliers: {category: 仕入先}\n    every_minutes: 30\n"
      "  - name: files\n    kind: csv\n    path: /nonexistent.csv\n"
      "webhooks:\n  - name: host\n    url: https://erp.example/h\n    secret_file: /nonexistent\n"
      "    events: [request.answered]\n");
  auto cfg = connectors::load_connectors_config(f.path);
  BOOST_TEST(cfg.connectors.size() == 2u);
  BOOST_TEST(cfg.find("erp")->every_minutes == 30);
  BOOST_TEST(cfg.webhooks.at(0).endpoint.events == std::vector<std::string>{"request.answered"});
  BOOST_CHECK_THROW(cfg.webhooks.at(0).secret.read(), connectors::ConnectorError);  // read when used, not at load
}

BOOST_AUTO_TEST_CASE(mistakes_name_the_line_and_the_reason) {
  BOOST_TEST(load_error("connectors:\n  - name: a\n    kind: sap\n") ==
             "3: connector a: unknown kind 'sap' (known: tryton, csv)");
  BOOST_TEST(load_error("connectors:\n  - name: a\n    kind: csv\n    path: x\n  - name: a\n    kind: csv\n"
                        "    path: y\n") == "5: two connectors are named a");
  BOOST_TEST(load_error("connectors:\n  - name: a\n    kind: csv\n    path: x\n    pasword: y\n") ==
             "5: unknown key 'pasword'");
  BOOST_TEST(
      load_error("webhooks:\n  - name: h\n    url: http://x/\n    secret_env: S\n    events: [supplier.deleted]\n")
          .find("5: webhook h: unknown event 'supplier.deleted'") == 0);
  BOOST_TEST(
      load_error("webhooks:\n  - name: h\n    url: http://x/\n").find("exactly one of secret_env or secret_file") !=
      std::string::npos);
  BOOST_TEST(load_error("webhooks:\n  - name: h\n    url: ftp://x/\n    secret_env: S\n").find("3: webhook h: url") ==
             0);
  BOOST_TEST(load_error("connectors:\n  - name: t\n    kind: tryton\n    url: http://x/\n    database: d\n"
                        "    user: u\n    password_env: P\n    suppliers: {category: a, all: true}\n")
                 .find("8: connector t: suppliers takes one of") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
