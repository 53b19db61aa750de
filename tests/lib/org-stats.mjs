// The subtree figures' recomputation, one copy for the tests' fixtures and the city benchmark.
/** The subtree figures (org_stats, db/migrations/1000_org_stats.sql) recomputed from the
 *  base tables: what the writes keep them at. */
export const ORG_STATS_SQL = `
DELETE FROM org_stats;
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
`;
