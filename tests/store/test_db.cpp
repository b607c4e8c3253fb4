#include "test_db.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "catalog/catalog_loader.hpp"
#include "store/database.hpp"

namespace hoshi::test {

std::string backend() {
  const char* b = std::getenv("HOSHITORI_TEST_BACKEND");
  return (b && *b) ? b : "sqlite";
}

std::string temp_dir() {
  static std::string dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("hoshitori-store-" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d.string();
  }();
  return dir;
}

std::string fresh_database() {
  static std::atomic<int> counter{0};
  int n = ++counter;
  if (backend() == "sqlite") return temp_dir() + "/db" + std::to_string(n) + ".sqlite";
  if (backend() != "postgresql") throw std::runtime_error("HOSHITORI_TEST_BACKEND must be sqlite or postgresql");
  const char* file = std::getenv("HOSHITORI_TEST_PG_URL_FILE");
  if (!file) throw std::runtime_error("HOSHITORI_TEST_PG_URL_FILE is not set: the PostgreSQL fixture did not run");
  std::ifstream in(file);
  std::string url;
  if (!(in >> url)) throw std::runtime_error(std::string("no PostgreSQL URL in ") + file);
  std::string name = "hx_" + std::to_string(::getpid()) + "_" + std::to_string(n);
  {
    soci::session admin(*soci::factory_postgresql(), store::postgres_keywords(url));
    admin << "CREATE DATABASE " + name;
  }
  return url.substr(0, url.rfind('/') + 1) + name;
}

const Catalogs& catalogs() {
  static Catalogs c = catalog::load_all(HOSHITORI_SOURCE_SCHEMAS_DIR, "");
  return c;
}

}  // namespace hoshi::test
