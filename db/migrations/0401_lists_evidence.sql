-- 0401_lists_evidence.sql - a progress update's evidence (佐证材料) moves to the file store
-- (issue 14). list_item_updates.evidence held {name, url} objects; each becomes an upload
-- without content (a name, or a link when it had a url) linked to its update as 'evidence';
-- the old column is emptied (the timeline reads the file store now).
INSERT INTO files (token, sha256, url, name, size, media_type, uploaded_by, uploaded_at, client_key)
SELECT lower(hex(randomblob(12))), NULL, json_extract(j.value, '$.url'), trim(json_extract(j.value, '$.name')), 0,
       NULL, u.user_id, u.at, 'migrated:item_update:' || u.id || ':' || j.key
FROM list_item_updates u, json_each(u.evidence) j
WHERE json_valid(u.evidence) AND j.type = 'object' AND trim(COALESCE(json_extract(j.value, '$.name'), '')) <> '';

INSERT INTO file_links (file_id, subject, record_id, kind, linked_by, linked_at)
SELECT f.id, 'item_update', u.id, 'evidence', u.user_id, u.at
FROM list_item_updates u, json_each(u.evidence) j, files f
WHERE f.client_key = 'migrated:item_update:' || u.id || ':' || j.key
  AND json_valid(u.evidence) AND j.type = 'object';

UPDATE list_item_updates SET evidence = '[]' WHERE evidence <> '[]';
