-- 0101_orgs_people.sql - officers, terms and mass-organisation membership of the
-- 党工妇青 tree; probation dates of the roster; the subject's permissions.

-- Officers by post (书记, 副书记, 组织委员, 宣传委员, 纪检委员; 党小组组长;
-- 主席/副主席 of the union, women's and youth organisations). Only current
-- holders are kept here; earlier ones are in the audit trail.
CREATE TABLE org_officers (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    post TEXT NOT NULL,          -- secretary, deputy_secretary, organization, propaganda, discipline, group_leader, chair, vice_chair
    person_id INTEGER NOT NULL REFERENCES people(id),
    since TEXT,                  -- YYYY-MM-DD
    UNIQUE (org_id, post, person_id)
);
CREATE INDEX org_officers_person ON org_officers(person_id);

-- Terms (换届): one row per term an organisation has had; orgs.term_start and
-- orgs.term_end hold the current one.
CREATE TABLE org_terms (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    term_start TEXT NOT NULL,
    term_end TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (org_id, term_start)
);

-- Membership of the union, women's and youth organisations (党建带群建);
-- the party branch stays in people.org_id.
CREATE TABLE person_orgs (
    person_id INTEGER NOT NULL REFERENCES people(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (person_id, org_id)
);
CREATE INDEX person_orgs_org ON person_orgs(org_id);

ALTER TABLE people ADD COLUMN probation_until TEXT;  -- 预备期满 (extended: the new date)
CREATE INDEX people_status ON people(party_status);
CREATE INDEX orgs_kind ON orgs(kind);

-- org.brand: a branch keeps its own brand (一支部一品牌); org.write covers the tree itself.
INSERT INTO role_perms (role, perm) VALUES
    ('admin', 'org.brand'),
    ('committee', 'org.brand'),
    ('secretary', 'org.brand'),
    ('admin', 'person.public'),
    ('committee', 'person.public'),
    ('discipline', 'person.public'),
    ('secretary', 'person.public'),
    ('officer', 'person.public'),
    ('leader', 'person.public');

INSERT INTO settings (key, value) VALUES ('orgs.term_warning_days', '90');
