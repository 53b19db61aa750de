-- 0211_activities_upcoming.sql - the activities still to come (issue 13): a member's
-- to-do list asks for the noticed or held activities not yet ended that the member is
-- expected at.  Without this index PostgreSQL read every activity of every year to find
-- the few that are still open.
CREATE INDEX activities_state_ends ON activities(state, ends_at);
