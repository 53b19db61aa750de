-- 0020_notify.sql - notifications (issue 18): the in-app inbox, the outbox of
-- deliveries to other channels, each user's preferences, the channels' settings
-- and the binding of work-app (企业微信/粤政易) user ids to people.
-- The core knows no subject: event is whatever name a subject registered, and
-- link_type/link_id are the to-do link a screen opens (web/src/lib/todos.js).

-- One message per recipient and event. dedup_key names the event ("activity:12:noticed"):
-- writing the same event twice (a retry, a second server's scan) never makes a second message.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    event TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link_type TEXT,
    link_id INTEGER,
    urgent INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (user_id, dedup_key)
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, read_at);
CREATE INDEX notifications_key ON notifications(dedup_key);

-- One delivery per message and channel (wecom, ...), written in the same transaction
-- as the message. The worker claims a pending row with an UPDATE only one server wins
-- (status 'pending' -> 'sending'), then marks it sent, or pending again with next_at
-- moved by the backoff, or failed after the last attempt. Times in epoch seconds.
CREATE TABLE notify_outbox (
    id INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    channel TEXT NOT NULL,
    urgent INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending', -- pending, sending, sent, failed
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    claimed_by TEXT,
    claimed_at INTEGER,
    last_error TEXT,
    sent_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (notification_id, channel)
);
CREATE INDEX notify_outbox_due ON notify_outbox(status, next_at);

-- A user's choice per channel; no row: the channel is on.
CREATE TABLE notify_prefs (
    user_id INTEGER NOT NULL REFERENCES users(id),
    channel TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    PRIMARY KEY (user_id, channel)
);

-- A channel's settings: config is JSON (API address, corp id, agent id, ...);
-- secret_box is the secret sealed with a key derived from the server's key file
-- (libsodium secretbox, base64 of nonce and ciphertext); the API never returns it.
CREATE TABLE notify_channels (
    channel TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL DEFAULT 0,
    config TEXT NOT NULL DEFAULT '{}',
    secret_box TEXT,
    updated_at TEXT NOT NULL
);

-- 企业微信/粤政易 user ids bound to people in the roster (one each way).
CREATE TABLE wecom_bindings (
    wecom_userid TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL UNIQUE REFERENCES people(id),
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);

INSERT INTO settings (key, value) VALUES
    ('notify.quiet_start_hour', '22'),
    ('notify.quiet_end_hour', '7'),
    ('notify.retry_base_seconds', '30'),
    ('notify.max_attempts', '8'),
    ('life.reminder_minutes', '60'),
    ('lists.notify_due_days', '3');
