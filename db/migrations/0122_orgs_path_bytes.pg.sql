-- 0122_orgs_path_bytes.pg.sql - orgs.path compared byte by byte, as on SQLite
-- (see 0122_orgs_path_bytes.sql).  Under the database's own collation (en_US,
-- zh_CN, C.UTF-8…) "path >= '/1/4/' AND path < '/1/40'" need not hold exactly the
-- paths that start with "/1/4/" (a locale may skip the slashes), and a LIKE
-- prefix never uses the index; under "C" both are exact and indexed, and paths
-- sort as a tree (a parent just before its children) on both engines.
ALTER TABLE orgs ALTER COLUMN path TYPE TEXT COLLATE "C";
