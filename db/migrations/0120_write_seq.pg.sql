-- The database's write sequence (see 0120_write_seq.sql): on PostgreSQL a
-- sequence, whose numbers are taken without a lock, just after each commit.
CREATE SEQUENCE dj_write_seq;
