#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>
#include <random>

#include "importer/supplier_import.hpp"
#include "store/supplier_repository.hpp"
#include "test_db.hpp"

using namespace hoshi;
using namespace hoshi::importer;

namespace {
std::string sample() {
  std::ifstream in(HOSHITORI_SOURCE_SCHEMAS_DIR "/../sample-data/suppliers.csv", std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Damages a good supplier master the ways files get damaged: flipped bytes, stray
// quotes, commas, line breaks, NULs, CP932 bytes in UTF-8, cut-off ends, repeated lines.
// With `bytes` false the text stays valid UTF-8 (so the rows themselves get tested).
std::string mutate(std::string s, std::mt19937& rng, bool bytes) {
  static const std::string kInserts[] = {"\"",  ",",       "\n",           "\r", std::string(1, '\0'), "=\"", "\"\"",
                                         "★★★", "令和0年", "\xEF\xBB\xBF", "\t", "\x82\xa0",           "\xff"};
  const std::size_t inserts = bytes ? std::size(kInserts) : std::size(kInserts) - 2;
  int edits = 1 + static_cast<int>(rng() % 8);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    std::size_t at = rng() % s.size();
    if (!bytes)
      while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;  // not inside a character
    switch (rng() % 5) {
      case 0:
        if (bytes) {
          s[at] = static_cast<char>(rng() % 256);
        } else {  // a whole character becomes a printable ASCII one
          std::size_t len = 1;
          while (at + len < s.size() && (static_cast<unsigned char>(s[at + len]) & 0xC0) == 0x80) ++len;
          s.replace(at, len, 1, static_cast<char>(0x20 + rng() % 95));
        }
        break;
      case 1:
        s.insert(at, kInserts[rng() % inserts]);
        break;
      case 2: {
        std::size_t end = std::min(s.size(), at + 1 + rng() % 40);
        if (!bytes)
          while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
        s.erase(at, end - at);
        break;
      }
      case 3:
        s.resize(at);
        break;
      default: {
        std::size_t eol = s.find('\n', at);
        if (eol != std::string::npos) s.insert(at, s.substr(at, eol - at + 1));
      }
    }
  }
  return s;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(hostile_files_suite)

BOOST_AUTO_TEST_CASE(damaged_files_are_refused_or_imported_never_half_written) {
  store::Database db(test::fresh_database());
  db.migrate();
  const std::string good = sample();
  std::mt19937 rng(20261120);
  const int rounds = test::backend() == "sqlite" ? 400 : 60;
  int refused = 0, partly = 0;
  for (int round = 0; round < rounds; ++round) {
    std::string bytes = mutate(good, rng, round % 4 == 0);
    std::size_t before = store::SupplierRepository(db).list().size();
    ImportOptions o;
    o.today = Date{2026, 11, 20};
    o.actor = "test:fuzz";
    o.all_or_nothing = round % 3 == 0;
    try {
      ImportReport r = import_suppliers_bytes(db, test::catalogs(), "damaged.csv", bytes, o);
      for (const auto& x : r.rejected) {
        BOOST_TEST(x.line >= 2u);
        BOOST_TEST(!x.reason.empty());
      }
      std::size_t after = store::SupplierRepository(db).list().size();
      if (o.all_or_nothing && !r.rejected.empty()) BOOST_TEST(after == before);  // nothing written
      BOOST_TEST(after == before + r.imported);
      partly += !r.rejected.empty();
    } catch (const ImportError& e) {
      ++refused;
      BOOST_TEST(std::string(e.what()).rfind("damaged.csv:", 0) == 0, e.what());
      BOOST_TEST(store::SupplierRepository(db).list().size() == before);  // refused: nothing written
    }
  }
  BOOST_TEST_MESSAGE(rounds << " damaged files: " << refused << " refused, " << partly << " with rejected rows");
  BOOST_TEST(refused + partly > 0);  // the damage was noticed
}

BOOST_AUTO_TEST_SUITE_END()
