-- 0901_study_search.sql - the materials' full-text index on SQLite: FTS5 over bigrams.
-- Chinese has no spaces between words; the code (study_terms()) writes each run of Chinese
-- as its overlapping pairs of characters (学习强国 -> 学习 习强 强国) and other words as
-- they are, so a query of two or more characters is a phrase of pairs. Queries read the
-- index as the table-valued function study_search(query) giving (rowid, rank), lower rank
-- first; 0901_study_search.pg.sql gives PostgreSQL the same shape.
CREATE VIRTUAL TABLE study_search USING fts5(terms);
