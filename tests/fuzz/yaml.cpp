// Fuzz target: every YAML file Hoshitori reads as configuration — policy.yaml,
// scs-requirements.yaml, security-action.yaml, otasuketai-services.yaml, guardrails.yaml
// and connectors.yaml. Each input is written to a scratch file and given to every loader
// (a policy seed goes deep into load_policy and stops early in the others; mutations
// that cross over are welcome). A loader's only documented failure is
// catalog::CatalogError ("file:line: what"); anything else escaping is a finding.
#include <cstdint>
#include <string>

#include "catalog/catalog_loader.hpp"
#include "connectors/config.hpp"
#include "fuzz_support.hpp"

using namespace hoshi;

namespace {

template <class Load>
void load(Load&& fn) {
  try {
    fn();
  } catch (const catalog::CatalogError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string file = fuzz::scratch_dir() + "/input.yaml";
  fuzz::write_file(file, data, size);
  load([] { catalog::load_policy(file); });
  load([] { catalog::load_scs(file); });
  load([] { catalog::load_security_action(file); });
  load([] { catalog::load_otasuketai(file); });
  load([] { catalog::load_guardrails(file); });
  load([] { connectors::load_connectors_config(file); });
  return 0;
}
