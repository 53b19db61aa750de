-- 0030_notify_email.sql - the e-mail channel (issue 18): a person's e-mail
-- address, which the "email" channel reaches (the SMS channel uses phone).
ALTER TABLE people ADD COLUMN email TEXT;
