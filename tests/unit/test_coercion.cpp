// The condition-of-trade text check against its vectors: every line of
// data/coercion_refused.tsv (B: refused by forced_condition, S: by service_condition)
// and data/coercion_passed.tsv (G, E: pass both). "\n", "\t", "\\" and "\uXXXX" in a
// line stand for those characters, so line breaks and hidden characters can be written.
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "catalog/catalog_loader.hpp"
#include "core/coercion.hpp"

using namespace hoshi;

namespace {
struct Vector {
  std::string where;  // file:line
  std::string kind;   // B, S, G or E
  std::string text;
};

void append_utf8(std::string& out, unsigned long c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const char e = s[++i];
    if (e == 'n') {
      out += '\n';
    } else if (e == 't') {
      out += '\t';
    } else if (e == 'u' && i + 4 < s.size()) {
      append_utf8(out, std::stoul(s.substr(i + 1, 4), nullptr, 16));
      i += 4;
    } else {
      out += e;
    }
  }
  return out;
}

std::vector<Vector> vectors(const std::string& file) {
  const std::string path = std::string(HOSHITORI_UNIT_DATA_DIR) + "/" + file;
  std::ifstream in(path);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::vector<Vector> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    BOOST_REQUIRE_MESSAGE(tab != std::string::npos, path << ":" << n << ": no tab");
    out.push_back({file + ":" + std::to_string(n), line.substr(0, tab), unescape(line.substr(tab + 1))});
  }
  return out;
}

// The names the guardrail passes: the お助け隊 catalog's services and a designated one.
const std::vector<std::string>& services() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"SOMPO SHERIFF", "商工会議所サイバーセキュリティお助け隊サービス", "ランサムガード",
                                  "A社ネット監視サービス"};
    for (const auto& s : catalog::load_all(HOSHITORI_SOURCE_SCHEMAS_DIR, "").otasuketai.services) n.push_back(s.name);
    return n;
  }();
  return names;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(coercion_suite)

BOOST_AUTO_TEST_CASE(every_refused_vector_is_refused_by_its_check) {
  const auto all = vectors("coercion_refused.tsv");
  BOOST_TEST(all.size() >= 50u);
  for (const auto& v : all) {
    BOOST_TEST_CONTEXT(v.where << " " << v.text) {
      BOOST_TEST((v.kind == "B" || v.kind == "S"));
      if (v.kind == "B") BOOST_TEST(coercion::forced_condition(v.text).has_value());
      if (v.kind == "S") BOOST_TEST(coercion::service_condition(v.text, services()).has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(every_passed_vector_passes_both_checks) {
  const auto all = vectors("coercion_passed.tsv");
  BOOST_TEST(all.size() >= 30u);
  for (const auto& v : all) {
    BOOST_TEST_CONTEXT(v.where << " " << v.text) {
      BOOST_TEST((v.kind == "G" || v.kind == "E"));
      auto f = coercion::forced_condition(v.text);
      BOOST_TEST(!f.has_value(), (f ? f->phrase : ""));
      auto s = coercion::service_condition(v.text, services());
      BOOST_TEST(!s.has_value(), (s ? s->phrase : ""));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_finding_names_the_sentence_and_the_words) {
  auto f = coercion::forced_condition(
      "★3の取得をお願いします。不利益な取扱いはしませんが、★3を取得しない会社には発注しません。");
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->sentence == "不利益な取扱いはしませんが、★3を取得しない会社には発注しません。");
  BOOST_TEST(f->phrase == "発注しません");
  auto s = coercion::service_condition("SOMPO\u3000SHERIFF を\n契約しない会社には発注しません。", services());
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->sentence == "SOMPO SHERIFF を 契約しない会社には発注しません。");
  BOOST_TEST(s->phrase.find("SOMPOSHERIFF") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
