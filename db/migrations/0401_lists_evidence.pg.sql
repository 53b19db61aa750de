-- 0401_lists_evidence.pg.sql - PostgreSQL's spelling of 0401_lists_evidence.sql.
INSERT INTO files (token, sha256, url, name, size, media_type, uploaded_by, uploaded_at, client_key)
SELECT substr(md5(random()::text || clock_timestamp()::text || u.id || ':' || j.ord), 1, 24), NULL,
       j.value->>'url', btrim(j.value->>'name'), 0, NULL, u.user_id, u.at,
       'migrated:item_update:' || u.id || ':' || (j.ord - 1)
FROM list_item_updates u, jsonb_array_elements(u.evidence::jsonb) WITH ORDINALITY AS j(value, ord)
WHERE u.evidence <> '[]' AND jsonb_typeof(u.evidence::jsonb) = 'array' AND jsonb_typeof(j.value) = 'object'
  AND btrim(COALESCE(j.value->>'name', '')) <> '';

INSERT INTO file_links (file_id, subject, record_id, kind, linked_by, linked_at)
SELECT f.id, 'item_update', u.id, 'evidence', u.user_id, u.at
FROM list_item_updates u, jsonb_array_elements(u.evidence::jsonb) WITH ORDINALITY AS j(value, ord), files f
WHERE f.client_key = 'migrated:item_update:' || u.id || ':' || (j.ord - 1)
  AND u.evidence <> '[]' AND jsonb_typeof(u.evidence::jsonb) = 'array';

UPDATE list_item_updates SET evidence = '[]' WHERE evidence <> '[]';
