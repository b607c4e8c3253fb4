// Numbered SQL migrations (schemas/db/NNN_name.sql, or NNN_name.sqlite.sql and
// NNN_name.postgresql.sql where the dialects differ), embedded at build time.
#pragma once
#include <vector>

namespace hoshi::store {

struct Migration {
  int version;
  const char* name;
  const char* backend;  // "" for both, "sqlite" or "postgresql"
  const char* sql;
};

const std::vector<Migration>& embedded_migrations();

class Database;
// This build's migrations (for the database's backend) it has not recorded, oldest first:
// a database may hold newer ones and still lack an older one (database.cpp).
std::vector<int> missing_migrations(Database& db);

}  // namespace hoshi::store
