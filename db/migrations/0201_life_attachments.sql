-- 0201_life_attachments.sql - an activity's attachments move to the file store (issue 14).
-- Until now activities.attachments held file names only (no bytes could be uploaded).
-- Each name becomes an upload without content ("仅登记名称") linked to its activity, with a
-- kind guessed from the name, so nothing recorded is lost; the old column is emptied (the
-- activity's answer reads its attachments from the file store now).
-- client_key 'migrated:activity:ID:N' ties each name to its place (no upload key has a colon).
INSERT INTO files (token, sha256, url, name, size, media_type, uploaded_by, uploaded_at, client_key)
SELECT lower(hex(randomblob(12))), NULL, NULL, trim(j.value), 0, NULL, a.created_by, a.updated_at,
       'migrated:activity:' || a.id || ':' || j.key
FROM activities a, json_each(a.attachments) j
WHERE json_valid(a.attachments) AND j.type = 'text' AND trim(j.value) <> '';

INSERT INTO file_links (file_id, subject, record_id, kind, linked_by, linked_at)
SELECT f.id, 'activity', a.id,
       CASE WHEN f.name LIKE '%签到%' THEN 'signin_sheet'
            WHEN f.name LIKE '%记录%' OR f.name LIKE '%纪要%' THEN 'minutes'
            WHEN lower(f.name) LIKE '%.jpg' OR lower(f.name) LIKE '%.jpeg' OR lower(f.name) LIKE '%.png'
                 OR f.name LIKE '%照片%' THEN 'photo'
            ELSE 'other' END,
       a.created_by, a.updated_at
FROM activities a, json_each(a.attachments) j, files f
WHERE f.client_key = 'migrated:activity:' || a.id || ':' || j.key
  AND json_valid(a.attachments) AND j.type = 'text' AND trim(j.value) <> '';

UPDATE activities SET attachments = '[]' WHERE attachments <> '[]';
