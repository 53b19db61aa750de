-- 0400_lists.sql - work lists (模范机关创建、整改、三心事、两个责任), their items,
-- the dated timeline of each item, inspections (点穴式专项检查), and who may do what.
-- An item's status "overdue" is never stored: it is derived from due_on (Asia/Shanghai
-- calendar day) when read; "done" is only reached by the committee's final check (销号).

CREATE TABLE lists (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,            -- model_organ, rectification, concerns, responsibility, custom
    subkind TEXT,                  -- responsibility: principal (主体责任) or supervision (监督责任)
    title TEXT NOT NULL,
    year INTEGER,
    description TEXT,
    org_id INTEGER NOT NULL REFERENCES orgs(id),  -- the organisation that keeps the list
    write_perm TEXT NOT NULL DEFAULT 'list.write', -- 'list.supervise' for the 监督责任清单
    categories TEXT NOT NULL DEFAULT '[]',          -- JSON array: the categories, in order
    archived INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX lists_org ON lists(org_id);

CREATE TABLE inspections (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),   -- the branch inspected
    list_id INTEGER NOT NULL REFERENCES lists(id), -- the rectification list its findings went to
    on_date TEXT NOT NULL,                          -- YYYY-MM-DD
    title TEXT NOT NULL,
    inspectors TEXT NOT NULL DEFAULT '[]',          -- JSON array of names
    summary TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX inspections_org ON inspections(org_id);

CREATE TABLE list_items (
    id INTEGER PRIMARY KEY,
    list_id INTEGER NOT NULL REFERENCES lists(id),
    seq INTEGER NOT NULL,                  -- number within the list (序号)
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT,
    action_type TEXT NOT NULL DEFAULT 'mandated', -- mandated 规定动作, chosen 自选动作
    source TEXT,                           -- rectification: inspection, higher_feedback, special_campaign, self_check
    source_detail TEXT,                    -- e.g. 灯下黑, 两张皮, or the higher-level document
    inspection_id INTEGER REFERENCES inspections(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),  -- the responsible organisation
    start_on TEXT,                         -- YYYY-MM-DD
    due_on TEXT,                           -- YYYY-MM-DD, a Shanghai calendar day
    state TEXT NOT NULL DEFAULT 'not_started', -- not_started, in_progress, done, cancelled
    progress INTEGER NOT NULL DEFAULT 0,   -- 0..100
    submitted_on TEXT,                     -- day the owner reported it complete (awaiting 销号)
    verified_at TEXT, verified_by INTEGER REFERENCES users(id), verify_note TEXT,
    cancelled_at TEXT, cancel_reason TEXT,
    outcome TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (list_id, seq)
);
CREATE INDEX list_items_list ON list_items(list_id, category);
CREATE INDEX list_items_org ON list_items(org_id);
CREATE INDEX list_items_due ON list_items(due_on);

-- responsible (lead) and co-responsible (co) people and co-responsible organisations
CREATE TABLE list_item_people (
    item_id INTEGER NOT NULL REFERENCES list_items(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,                    -- lead, co
    PRIMARY KEY (item_id, person_id)
);
CREATE INDEX list_item_people_person ON list_item_people(person_id);
CREATE TABLE list_item_orgs (
    item_id INTEGER NOT NULL REFERENCES list_items(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (item_id, org_id)
);

-- the timeline: progress reports with evidence, and the committee's checks
CREATE TABLE list_item_updates (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES list_items(id),
    kind TEXT NOT NULL,                    -- progress, verify, reject, cancel, edit, import, create
    on_date TEXT NOT NULL,                 -- the day the work was done (YYYY-MM-DD)
    at TEXT NOT NULL,                      -- when it was recorded (UTC)
    user_id INTEGER REFERENCES users(id),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    progress INTEGER,
    evidence TEXT NOT NULL DEFAULT '[]',   -- JSON array of {name, url}
    client_key TEXT UNIQUE                 -- idempotency key of the poster: a replay is not a second entry
);
CREATE INDEX list_item_updates_item ON list_item_updates(item_id, on_date);

INSERT INTO role_perms (role, perm) VALUES
    ('admin', 'list.read'),
    ('committee', 'list.read'),
    ('committee', 'list.write'),
    ('committee', 'list.supervise'),
    ('committee', 'list.verify'),
    ('committee', 'item.update'),
    ('committee', 'inspection.write'),
    ('discipline', 'list.read'),
    ('discipline', 'list.supervise'),
    ('discipline', 'item.update'),
    ('leader', 'list.read'),
    ('auditor', 'list.read'),
    ('secretary', 'list.read'),
    ('secretary', 'item.update'),
    ('officer', 'list.read'),
    ('officer', 'item.update'),
    ('member', 'item.respond');

INSERT INTO settings (key, value) VALUES
    ('lists.due_soon_days', '7');
