-- Each organisation's people in id order, for the roster's default order
-- (src/people/people_page.c): a page reads only its own rows.
CREATE INDEX people_org_id ON people(org_id, id);
