-- 0010_files.sql - the file store (issue 14): bytes stored once per content (SHA-256),
-- the uploads that name them, and the links that attach an upload to a subject's record.
-- The core knows no subject: file_links.subject is whatever name a subject registered.

-- One row per distinct content. store: 'db' (the bytes are in file_chunks) or 'dir'
-- (a file named by the hash under the directory given to `serve --files`).
CREATE TABLE file_blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    store TEXT NOT NULL DEFAULT 'db',
    created_at TEXT NOT NULL
);

-- The bytes of a 'db' blob in pieces of 256 KiB (seq from 0), so a download or a
-- Range reads only the pieces it needs and no request holds a whole file in memory.
CREATE TABLE file_chunks (
    sha256 TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (sha256, seq)
);

-- One upload. token is the only id the API shows (random, not guessable). A row without
-- sha256 is a link (url) or a name recorded before the file store existed.
-- client_key: the uploader's idempotency key, so a retried upload is not a second copy.
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    sha256 TEXT REFERENCES file_blobs(sha256),
    url TEXT,
    name TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    media_type TEXT,
    uploaded_by INTEGER REFERENCES users(id),
    uploaded_at TEXT NOT NULL,
    client_key TEXT,
    UNIQUE (uploaded_by, client_key)
);
CREATE INDEX files_sha ON files(sha256);
CREATE INDEX files_uploader ON files(uploaded_by, uploaded_at);

-- An upload attached to a record of a subject, as a kind of attachment (photo, minutes, ...).
CREATE TABLE file_links (
    file_id INTEGER NOT NULL REFERENCES files(id),
    subject TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    kind TEXT NOT NULL DEFAULT 'other',
    linked_by INTEGER REFERENCES users(id),
    linked_at TEXT NOT NULL,
    PRIMARY KEY (subject, record_id, file_id)
);
CREATE INDEX file_links_file ON file_links(file_id);

-- Thumbnails, made once per content: the source blob and the thumbnail's own blob
-- (NULL: the image could not be decoded, do not try again).
CREATE TABLE file_thumbs (
    sha256 TEXT PRIMARY KEY REFERENCES file_blobs(sha256),
    thumb_sha256 TEXT REFERENCES file_blobs(sha256),
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- Limits are settings (sizes in MiB): a file, a video, and what one user may upload a day;
-- files attached to nothing are removed after orphan_days by `dangjian files gc`.
INSERT INTO settings (key, value) VALUES
    ('files.max_file_mb', '20'),
    ('files.max_video_mb', '200'),
    ('files.daily_quota_mb', '500'),
    ('files.orphan_days', '30');
