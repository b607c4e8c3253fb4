// Fresh databases for storage tests, on the backend named by $HOSHITORI_TEST_BACKEND
// (sqlite or postgresql; PostgreSQL's server URL is in the file $HOSHITORI_TEST_PG_URL_FILE,
// written by tests/scripts/pg_server.sh). A missing server fails the test: never skipped.
#pragma once
#include <string>

#include "core/catalogs.hpp"

namespace hoshi::test {

std::string backend();
std::string fresh_database();
const Catalogs& catalogs();
std::string temp_dir();

}  // namespace hoshi::test
