-- 0902_study_daily.sql - 每日一题 (issue 19): a quiz the committee marks as a daily bank
-- gives each member one question a day, drawn at random from the daily banks that reach
-- them, answered once that day. A right answer earns the points rule 'study_daily' (its
-- daily cap applies) through points_award(), source 'daily' and the day's row id.
ALTER TABLE study_quizzes ADD COLUMN daily INTEGER NOT NULL DEFAULT 0;
CREATE TABLE study_daily (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    day TEXT NOT NULL,                            -- YYYY-MM-DD, China time
    question_id INTEGER NOT NULL REFERENCES study_questions(id),
    drawn_at TEXT NOT NULL,
    answer TEXT,                                  -- normalised letters; NULL until answered
    correct INTEGER,
    answered_at TEXT,
    UNIQUE (person_id, day)
);
INSERT INTO points_rules (code, version, effective_from, name, category, points, cap_day, cap_month, cap_year,
                          source, activity_kind, min_quantity, needs_approval, active, created_at) VALUES
 ('study_daily', 1, '2020-01-01', '每日一题答对', '学习', 1, 1, NULL, NULL, 'quiz', NULL, 0, 0, 1,
  '2026-01-01T00:00:00Z');
