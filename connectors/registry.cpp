#include "connectors/registry.hpp"

#include "catalog/yaml_doc.hpp"
#include "connectors/csv/csv_connector.hpp"
#include "connectors/tryton/tryton_connector.hpp"

namespace hoshi::connectors {

const std::vector<ConnectorKind>& connector_kinds() {
  static const std::vector<ConnectorKind> kKinds = {
      {"tryton", "Tryton ERP over JSON-RPC: reads supplier parties, writes the standing as a party category",
       &make_tryton_connector},
      {"csv", "a supplier-master CSV file (UTF-8 or CP932) another system drops; writes the 星取表 CSV back",
       &make_csv_connector},
  };
  return kKinds;
}

std::unique_ptr<Connector> make_connector(const ConnectorSettings& s) {
  std::string known;
  for (const auto& k : connector_kinds()) {
    if (s.kind == k.kind) return k.make(s);
    known += std::string(known.empty() ? "" : ", ") + k.kind;
  }
  throw s.doc->fail(s.node["kind"], "connector " + s.name + ": unknown kind '" + s.kind + "' (known: " + known + ")");
}

}  // namespace hoshi::connectors
