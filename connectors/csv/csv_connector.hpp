// A supplier-master CSV file another system drops (UTF-8 or CP932, the import's
// headers), and optionally a standings CSV written back for it to pick up.
//
//   - name: kikan-csv
//     kind: csv
//     path: /srv/erp/export/suppliers.csv   # read: 取引先コード, 会社名, 法人番号, メール…
//     encoding: auto                        # auto, utf-8 or cp932
//     standings_out: /srv/erp/import/hoshitori-standings.csv   # optional
//
// Only the columns the source owns are taken (code, name, 法人番号, mail, 担当者, 部署);
// status columns in the file are left to `hoshitori import`. The standings file is
// UTF-8 with BOM: 取引先コード,星取表,要求SCS, rewritten (atomically) when it changes.
#pragma once
#include <memory>

#include "connectors/connector.hpp"

namespace hoshi::connectors {

std::unique_ptr<Connector> make_csv_connector(const ConnectorSettings& settings);

}  // namespace hoshi::connectors
