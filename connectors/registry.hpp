// The explicit table of connector kinds (no static registrar objects: a linker may drop
// those from a shared library). A new kind is one line in registry.cpp.
#pragma once
#include <memory>
#include <vector>

#include "connectors/connector.hpp"

namespace hoshi::connectors {

using Factory = std::unique_ptr<Connector> (*)(const ConnectorSettings&);

struct ConnectorKind {
  const char* kind;
  const char* describes;
  Factory make;
};

const std::vector<ConnectorKind>& connector_kinds();
// Throws catalog::CatalogError (file:line) for an unknown kind or a bad setting.
std::unique_ptr<Connector> make_connector(const ConnectorSettings& settings);

// Adds the connector ops (sync, webhooks_deliver, webhook_status, webhook_enable,
// export_suppliers) to the op table (api/op_table.hpp). The api layer sits below the connectors and cannot call
// them itself; every host (the C ABI, the CLI) calls this once before its first op.
void install_ops();

}  // namespace hoshi::connectors
