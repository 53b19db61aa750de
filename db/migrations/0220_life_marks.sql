-- 0220_life_marks.sql - attendance marked by hand on the secretary's phone workbench
-- (issue 18): present, leave or absent, each with the reason the secretary gave and who
-- marked it. The mark explains the attendance sheet; the attendance row (present) and
-- the leave row (leave) it writes alongside stay the facts the figures count.
CREATE TABLE attendance_marks (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    status TEXT NOT NULL,             -- present, leave, absent
    reason TEXT NOT NULL,
    by_user_id INTEGER REFERENCES users(id),
    marked_at TEXT NOT NULL,
    UNIQUE (activity_id, person_id)
);
