-- 0005_anchors.pg.sql - PostgreSQL's spelling of 0005_anchors.sql (the triggers differ).
-- Tamper evidence a database owner cannot forge (src/core/anchor.h).
-- Each registered chain's rows (the audit trail, the points ledger) are sealed in the
-- order they are sealed: a link holds the row's own hash and a keyed MAC over it and the
-- link before; the key lives outside the database (--key-file).  Checkpoints MAC the
-- heads of every chain; the 审计管理员 exports them to a file of their own.
CREATE TABLE chain_links (
    chain TEXT NOT NULL,         -- 'audit', 'ledger'
    seq INTEGER NOT NULL,        -- 1, 2, 3 … within the chain
    ref_id INTEGER NOT NULL,     -- the row sealed (audit.id, points_ledger.id)
    item_hash TEXT NOT NULL,     -- SHA-256 of the row's content when it was sealed
    mac TEXT NOT NULL,           -- HMAC-SHA-256(key, chain, seq, ref_id, item_hash, previous mac)
    sealed_at TEXT NOT NULL,
    PRIMARY KEY (chain, seq),
    UNIQUE (chain, ref_id)
);

CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    heads TEXT NOT NULL,         -- JSON: {"audit":{"seq":N,"mac":"…"}, "ledger":{…}}
    prev_mac TEXT NOT NULL,      -- the checkpoint before ('' for the first)
    mac TEXT NOT NULL            -- HMAC-SHA-256(key, at, heads, prev_mac)
);

-- Append-only, also against a bug in the code.
CREATE FUNCTION dj_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION dj_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION dj_append_only();
CREATE TRIGGER chain_links_no_update BEFORE UPDATE ON chain_links FOR EACH ROW EXECUTE FUNCTION dj_append_only();
CREATE TRIGGER chain_links_no_delete BEFORE DELETE ON chain_links FOR EACH ROW EXECUTE FUNCTION dj_append_only();
