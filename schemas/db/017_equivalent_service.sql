-- 同等のサービス (issue 15, "recommended service as a condition"): the supplier's own
-- arrangement equivalent to an お助け隊 service — its monitoring, incident response or
-- insurance — as a short description and the date it is valid until. An interim rule
-- that names お助け隊 accepts it too, so buying a particular service is never the only
-- way to meet a level (core/standing.cpp). "なし" in equiv_service: explicitly none.
ALTER TABLE suppliers ADD COLUMN equiv_service TEXT;
ALTER TABLE suppliers ADD COLUMN equiv_until TEXT;
