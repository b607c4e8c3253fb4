// Configuration files refused when they are not what a person wrote on purpose: YAML
// anchors and aliases (an alias bomb), oversized files, a second document, and a
// policy missing a section (a cut file must not fall back to defaults).
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "catalog/catalog_loader.hpp"
#include "catalog/yaml_load.hpp"
#include "connectors/config.hpp"

using namespace hoshi;
namespace fs = std::filesystem;

namespace {
std::string temp_file(const std::string& name, const std::string& content) {
  fs::path dir = fs::temp_directory_path() / ("hoshitori-cfg-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path p = dir / name;
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

std::string shipped_policy() {
  std::ifstream in(HOSHITORI_SOURCE_SCHEMAS_DIR "/policy.yaml");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The error of loading `yaml` as a policy, without the file name ("" when it loads).
std::string policy_error(const std::string& yaml) {
  const std::string f = temp_file("policy.yaml", yaml);
  try {
    catalog::load_policy(f);
  } catch (const catalog::CatalogError& e) {
    const std::string msg = e.what();
    BOOST_TEST(msg.rfind(f + ":", 0) == 0, msg);
    return msg.substr(f.size() + 1);
  }
  return "";
}

// The first `n` lines of `text`.
std::string first_lines(const std::string& text, int n) {
  std::size_t at = 0;
  for (int i = 0; i < n && at != std::string::npos; ++i) at = text.find('\n', at + 1);
  return text.substr(0, at == std::string::npos ? text.size() : at + 1);
}

// "billion laughs": each level nine times the one before; 9^9 leaves if expanded.
const char* kAliasBomb =
    "policy: buyer\n"
    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
}  // namespace

BOOST_AUTO_TEST_SUITE(config_files)

BOOST_AUTO_TEST_CASE(an_alias_bomb_is_refused_before_anything_is_built) {
  // without the scan this does not return (yaml-cpp builds and walks 9^9 nodes)
  const std::string err = policy_error(kAliasBomb);
  BOOST_TEST(err == "2: YAML anchors (&a) are not accepted: write each value out in full");
  const std::string f = temp_file("connectors.yaml", kAliasBomb);
  BOOST_CHECK_THROW(connectors::load_connectors_config(f), catalog::CatalogError);
}

BOOST_AUTO_TEST_CASE(anchors_and_aliases_are_named_with_their_line) {
  BOOST_TEST(policy_error("policy: buyer\nversion: &v \"1\"\n") ==
             "2: YAML anchors (&v) are not accepted: write each value out in full");
  BOOST_TEST(policy_error("policy: buyer\nbuyer:\n  <<: &base {name: x}\n") ==
             "3: YAML anchors (&base) are not accepted: write each value out in full");
  // an alias without its anchor is refused too (by the parser, with the line)
  BOOST_TEST(policy_error("policy: buyer\nversion: *v\n").rfind("2: ", 0) == 0);
  // "&" and "*" inside a value are text, not YAML
  BOOST_CHECK_NO_THROW(catalog::load_yaml_text("provider: MS&AD\nnote: a*b\n", "x.yaml"));
  try {
    catalog::load_yaml_text("a: 1\nb:\n  - *x\n", "x.yaml");
    BOOST_FAIL("expected CatalogError");
  } catch (const catalog::CatalogError& e) {
    BOOST_TEST(std::string(e.what()).rfind("x.yaml:3: ", 0) == 0, e.what());
  }
}

BOOST_AUTO_TEST_CASE(oversized_files_and_second_documents_are_refused) {
  std::string big = "a: \"" + std::string(catalog::kMaxYamlBytes, 'x') + "\"\n";
  const std::string f = temp_file("big.yaml", big);
  try {
    catalog::load_yaml_file(f);
    BOOST_FAIL("expected CatalogError");
  } catch (const catalog::CatalogError& e) {
    BOOST_TEST(std::string(e.what()) == f + ": larger than 4 MiB; a configuration file is a few KB");
  }
  BOOST_CHECK_THROW(catalog::load_yaml_text("a: 1\n---\na: 2\n", "two.yaml"), catalog::CatalogError);
  BOOST_CHECK_NO_THROW(catalog::load_yaml_text("---\na: 1\n", "one.yaml"));
}

BOOST_AUTO_TEST_CASE(the_shipped_policy_loads_and_a_cut_one_does_not) {
  const std::string full = shipped_policy();
  BOOST_TEST(policy_error(full) == "");
  // the case: cut after line 14 loaded with required_scs 3 instead of 4
  BOOST_TEST(policy_error(first_lines(full, 14)).find("missing section 'interim' (required)") != std::string::npos);
  std::string no_questions = std::regex_replace(full, std::regex("(  star4_if_any:\n)(    .*\n)+"), "$1");
  BOOST_TEST(policy_error(no_questions) ==
             "14: 'star4_if_any' in 'required_level' is empty (write [] for none); it is required");
  // every cut at a line end is refused, naming what is missing
  const int lines = static_cast<int>(std::count(full.begin(), full.end(), '\n'));
  for (int n = 1; n < lines; ++n) {
    const std::string err = policy_error(first_lines(full, n));
    BOOST_TEST(!err.empty(), "the policy cut after line " << n << " loaded");
    BOOST_TEST((err.find("missing") != std::string::npos || err.find("is empty") != std::string::npos ||
                err.find("must be") != std::string::npos),
               "line " << n << ": " << err);
  }
}

BOOST_AUTO_TEST_CASE(missing_and_unknown_policy_keys_are_named) {
  const std::string full = shipped_policy();
  std::string no_validity = std::regex_replace(full, std::regex("validity:\n(  .*\n)+"), "");
  BOOST_TEST(policy_error(no_validity).find("missing section 'validity' (required)") != std::string::npos);
  std::string no_link_days = std::regex_replace(full, std::regex("  link_days: .*\n"), "");
  BOOST_TEST(policy_error(no_link_days).find("'mail' is missing 'link_days' (required)") != std::string::npos);
  BOOST_TEST(policy_error(full + "evidense:\n  max_files: 3\n").find("unknown key 'evidense'") != std::string::npos);
  std::string mail_list = std::regex_replace(full, std::regex("  charset: utf-8"), "  charset: [utf-8]");
  BOOST_TEST(policy_error(mail_list).find("'charset' in 'mail' must be a single value") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_connectors_file_states_what_it_configures) {
  auto error = [](const std::string& text) -> std::string {
    const std::string f = temp_file("connectors.yaml", text);
    try {
      connectors::load_connectors_config(f);
    } catch (const std::exception& e) {
      return std::string(e.what()).substr(f.size() + 1);
    }
    return "";
  };
  BOOST_TEST(error("connectors:\n") == "1: 'connectors' is empty (write [] for none)");
  BOOST_TEST(error("{}\n") == "1: configures nothing: give a 'connectors:' or a 'webhooks:' section");
  BOOST_TEST(error("webhook:\n  - name: h\n").find("unknown key 'webhook'") != std::string::npos);
  BOOST_TEST(error("webhooks:\n  - url: http://x/\n    secret_env: S\n") ==
             "2: 'webhooks' is missing 'name' (required)");
  BOOST_TEST(error("webhooks: []\n") == "");
}

BOOST_AUTO_TEST_SUITE_END()
