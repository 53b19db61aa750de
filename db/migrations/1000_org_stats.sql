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

-- The backfill: what the writes would have added (orgs_stats_rebuild() runs the same).
INSERT INTO org_stats (org_id, period, key, n)
SELECT a.id, '', 'people:' || p.active || ':' || p.party_status, COUNT(*)
FROM people p JOIN orgs o ON o.id = p.org_id JOIN orgs a ON o.path LIKE a.path || '%'
GROUP BY a.id, p.active, p.party_status;
INSERT INTO org_stats (org_id, period, key, n)
SELECT 0, '', 'people:' || p.active || ':' || p.party_status, COUNT(*)
FROM people p WHERE p.org_id IS NULL GROUP BY p.active, p.party_status;
INSERT INTO org_stats (org_id, period, key, n)
SELECT a.id, t.period, 'earned:' || p.active, SUM(t.total)
FROM points_totals t JOIN people p ON p.id = t.person_id JOIN orgs o ON o.id = p.org_id
JOIN orgs a ON o.path LIKE a.path || '%'
WHERE p.party_status IN ('full', 'probationary')
GROUP BY a.id, t.period, p.active;
