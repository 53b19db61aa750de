-- 1000_org_stats.sql - figures of an organisation's whole subtree, kept by the writes
-- (issue 20: a city's rankings and dashboard read one indexed row per organisation
-- instead of walking every member).
--
-- One row per (organisation, period, key); the row of an organisation counts its whole
-- subtree, so every write adds its delta to each organisation on the member's org path
-- (the path's ids, root first), in the write's own transaction (src/orgs/orgs_stats.c).
-- org_id 0 holds the people who have no organisation.
--   period ''   key 'people:<active>:<party_status>'  people on the roster
--   period P    key 'earned:<active>'                 sum of points_totals.total for period P
--                                                     of the party members (full, probationary)
CREATE TABLE org_stats (
    org_id INTEGER NOT NULL,
    period TEXT NOT NULL,
    key TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (org_id, period, key)
);

-- The members below the year's floor (score = base + total < 0) and the rankings' first
-- page (the highest totals of a period) are index range scans.
CREATE INDEX points_totals_period_total ON points_totals(period, total);

-- The backfill: what the writes would have added, each org's own counts rolled up to its
-- ancestors by parent (orgs_stats_rebuild() and tests/lib/fixtures.mjs run the same).
WITH RECURSIVE anc(org_id, anc_id) AS (
 SELECT id, id FROM orgs
 UNION ALL SELECT anc.org_id, o.parent_id FROM anc JOIN orgs o ON o.id = anc.anc_id WHERE o.parent_id IS NOT NULL)
INSERT INTO org_stats (org_id, period, key, n)
SELECT anc.anc_id, '', d.key, SUM(d.n) FROM (
 SELECT org_id, 'people:' || active || ':' || party_status AS key, COUNT(*) AS n FROM people
 WHERE org_id IS NOT NULL GROUP BY org_id, active, party_status) d
JOIN anc ON anc.org_id = d.org_id GROUP BY anc.anc_id, d.key;
INSERT INTO org_stats (org_id, period, key, n)
SELECT 0, '', 'people:' || active || ':' || party_status, COUNT(*) FROM people
WHERE org_id IS NULL GROUP BY active, party_status;
WITH RECURSIVE anc(org_id, anc_id) AS (
 SELECT id, id FROM orgs
 UNION ALL SELECT anc.org_id, o.parent_id FROM anc JOIN orgs o ON o.id = anc.anc_id WHERE o.parent_id IS NOT NULL)
INSERT INTO org_stats (org_id, period, key, n)
SELECT anc.anc_id, d.period, d.key, SUM(d.n) FROM (
 SELECT p.org_id, t.period, 'earned:' || p.active AS key, SUM(t.total) AS n
 FROM points_totals t JOIN people p ON p.id = t.person_id
 WHERE p.org_id IS NOT NULL AND p.party_status IN ('full', 'probationary') GROUP BY p.org_id, t.period, p.active) d
JOIN anc ON anc.org_id = d.org_id GROUP BY anc.anc_id, d.period, d.key;
