-- 0910_study_points_due.sql - a quiz answer's points follow its commit (issue 19).
-- The answer's transaction (the group commit the member waits for) writes the attempt's
-- result and a row here: the durable "not yet awarded" marker. The awarder behind the
-- answers' group commit (one at a time across the cluster) gives the awards (参加学习测试,
-- 学习测试合格) and deletes the row in one transaction: each award is given once, and a
-- server restarted after a crash finds the rows its predecessor left and awards them.
CREATE TABLE study_points_due (
    attempt_id INTEGER NOT NULL PRIMARY KEY REFERENCES study_attempts(id),
    person_id INTEGER NOT NULL,
    quiz_id INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    occurred_at TEXT NOT NULL     -- the submission (ISO UTC): the day the awards count for
);
