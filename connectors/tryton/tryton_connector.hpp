// Tryton ERP (tryton-server with the party and purchase modules) as supplier source
// and standing sink. connectors.yaml:
//
//   - name: tryton
//     kind: tryton
//     url: http://127.0.0.1:8000/     # the trytond web listener
//     database: tryton                # the Tryton database
//     user: admin
//     password_env: TRYTON_PASSWORD   # or password_file: /etc/hoshitori/tryton.pass
//     suppliers:                      # which parties are suppliers; one of:
//       category: 仕入先              #   parties in this category (or below it)
//       # purchased: true             #   parties on any purchase order
//       # all: true                   #   every active party
//     standing_category: 星取表       # written back as 星取表 / 充足 etc. on the party
//     timeout_seconds: 30
//     every_minutes: 60
//
// Reads: party code → 取引先コード, name → 会社名, the identifier of type jp_cn → 法人番号,
// the first e-mail contact mechanism → メールアドレス. An archived (inactive) party is
// not listed, so its supplier becomes inactive.
#pragma once
#include <memory>

#include "connectors/connector.hpp"

namespace hoshi::connectors {

std::unique_ptr<Connector> make_tryton_connector(const ConnectorSettings& settings);

}  // namespace hoshi::connectors
