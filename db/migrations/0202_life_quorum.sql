-- 0202_life_quorum.sql - the quorum of a 支部党员大会: members the committee agreed to
-- leave out of those expected to vote (出国半年以上, 长期患病 …), each with the reason
-- recorded, and the voting roll as it stood when the meeting was closed (so a later
-- transfer or status change never rewrites an old meeting's figures).
CREATE TABLE activity_quorum_exclusions (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    reason TEXT NOT NULL,          -- abroad, illness, away, criminal (life.c)
    note TEXT NOT NULL,            -- the committee's decision as recorded
    accepted_by INTEGER REFERENCES users(id),
    accepted_at TEXT NOT NULL,
    UNIQUE (activity_id, person_id)
);

CREATE TABLE activity_voters (
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (activity_id, person_id)
);
