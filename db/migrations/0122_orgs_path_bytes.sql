-- 0122_orgs_path_bytes.sql - a subtree is a range of orgs.path in byte order
-- ("/1/4/" <= path < "/1/40", src/core/auth.h auth_path_end), which the path's
-- unique index answers.  SQLite compares text byte by byte already (BINARY);
-- PostgreSQL's twin gives the column the "C" collation.
SELECT 1;
