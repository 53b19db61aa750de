-- 0201_life_attachments.pg.sql - PostgreSQL's spelling of 0201_life_attachments.sql (JSON
-- functions and random ids differ); the same result.
INSERT INTO files (token, sha256, url, name, size, media_type, uploaded_by, uploaded_at, client_key)
SELECT substr(md5(random()::text || clock_timestamp()::text || a.id || ':' || j.ord), 1, 24), NULL, NULL,
       btrim(j.value), 0, NULL, a.created_by, a.updated_at,
       'migrated:activity:' || a.id || ':' || (j.ord - 1)
FROM activities a, jsonb_array_elements_text(a.attachments::jsonb) WITH ORDINALITY AS j(value, ord)
WHERE a.attachments <> '[]' AND jsonb_typeof(a.attachments::jsonb) = 'array' AND btrim(j.value) <> '';

INSERT INTO file_links (file_id, subject, record_id, kind, linked_by, linked_at)
SELECT f.id, 'activity', a.id,
       CASE WHEN f.name LIKE '%签到%' THEN 'signin_sheet'
            WHEN f.name LIKE '%记录%' OR f.name LIKE '%纪要%' THEN 'minutes'
            WHEN lower(f.name) LIKE '%.jpg' OR lower(f.name) LIKE '%.jpeg' OR lower(f.name) LIKE '%.png'
                 OR f.name LIKE '%照片%' THEN 'photo'
            ELSE 'other' END,
       a.created_by, a.updated_at
FROM activities a, jsonb_array_elements_text(a.attachments::jsonb) WITH ORDINALITY AS j(value, ord), files f
WHERE f.client_key = 'migrated:activity:' || a.id || ':' || (j.ord - 1)
  AND a.attachments <> '[]' AND jsonb_typeof(a.attachments::jsonb) = 'array' AND btrim(j.value) <> '';

UPDATE activities SET attachments = '[]' WHERE attachments <> '[]';
