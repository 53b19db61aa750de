-- Indexes for the reads of the compliance matrix and the to-do list (issue 13):
-- a member's study hours in a year are summed from the index alone, and the
-- activities of one kind in a year (谈心谈话, 党小组会) are found without
-- reading every activity of the year.
CREATE INDEX life_events_person_kind ON life_events(person_id, kind, occurred_at, quantity);
CREATE INDEX activities_kind_start ON activities(kind, starts_at);
