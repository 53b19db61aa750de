-- 0901_study_search.pg.sql - PostgreSQL's spelling of 0901_study_search.sql: the same
-- bigram terms in a tsvector ('simple' configuration: no stemming, no stop words) with a
-- GIN index, and a function study_search(query) that reads the FTS5 phrase syntax the code
-- writes ("学习 习强" "abc": phrases, all required) and answers (rowid, rank) like FTS5's
-- table-valued function, lower rank first.
CREATE TABLE study_search (
    rowid BIGINT PRIMARY KEY,
    terms TEXT NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED
);
CREATE INDEX study_search_tsv ON study_search USING GIN (tsv);
CREATE FUNCTION study_search(q TEXT) RETURNS TABLE (rowid BIGINT, rank DOUBLE PRECISION)
LANGUAGE sql STABLE AS $fn$
    SELECT s.rowid, -ts_rank(s.tsv, x.tq)::DOUBLE PRECISION
    FROM study_search s,
         (SELECT to_tsquery('simple', string_agg('(' || replace(btrim(p), ' ', ' <-> ') || ')', ' & ')) AS tq
          FROM regexp_split_to_table(q, '"') AS p WHERE btrim(p) <> '') x
    WHERE x.tq IS NOT NULL AND s.tsv @@ x.tq
$fn$;
