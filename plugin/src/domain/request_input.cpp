#include "domain/request_input.hpp"

namespace hoshi::records {

int level_rank(const std::string& level) {
  for (int i = 0; i < 3; ++i)
    if (level == kRequestLevels[i]) return i;
  return -1;
}

int level_scs(const std::string& level) {
  if (level == "scs3") return 3;
  if (level == "scs4") return 4;
  return 0;
}

std::string level_label(const std::string& level) {
  if (level == "sa2") return "SECURITY ACTION 二つ星（★★）";
  if (level == "scs3") return "SCS評価制度 ★3";
  if (level == "scs4") return "SCS評価制度 ★4";
  return level;
}

}  // namespace hoshi::records
