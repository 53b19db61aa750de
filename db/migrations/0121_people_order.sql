-- The roster's default order reads each organisation's people in id order
-- (src/people/people_page.c): on SQLite people_org (org_id) already ends with
-- the rowid, so nothing is needed; PostgreSQL's twin adds (org_id, id).
SELECT 1;
