// Numbered SQL migrations (schemas/db/NNN_name.sql), embedded at build time.
#pragma once
#include <vector>

namespace hoshi::store {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& embedded_migrations();

}  // namespace hoshi::store
