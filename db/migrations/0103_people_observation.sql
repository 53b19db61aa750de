-- 0103_people_observation.sql - 留党察看 (probation within the party, a disciplinary
-- measure of 党章 Art. 40): during it a member keeps the name of a full member but has
-- no right to vote, to elect or to be elected, so the quorum of a 支部党员大会 leaves
-- them out. Kept as the period of the measure, so a meeting's date decides.
ALTER TABLE people ADD COLUMN observation_from TEXT;   -- YYYY-MM-DD, first day
ALTER TABLE people ADD COLUMN observation_until TEXT;  -- YYYY-MM-DD, last day (NULL: not yet lifted)
