-- The database's write sequence: every write commit through the server or the
-- command line takes the next number in its transaction, so that a server sees
-- (by a number it did not take itself) that another process has written and
-- drops the answers it keeps in its read cache (src/core/db.c, readcache.h).
CREATE TABLE write_seq (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT INTO write_seq (id, n) VALUES (1, 0);
