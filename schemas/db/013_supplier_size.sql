-- A supplier's size as 取適法 measures it (2条9項): the capital in yen (資本金の額又は出資の
-- 総額) and the number of regular employees (常時使用する従業員の数). Both optional: a
-- supplier without them is "scope unknown" on its requests (core/subcontract_scope.hpp).
ALTER TABLE suppliers ADD COLUMN capital_yen BIGINT CHECK (capital_yen >= 0);
ALTER TABLE suppliers ADD COLUMN employees INTEGER CHECK (employees >= 0);
