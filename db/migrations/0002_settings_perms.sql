-- 0002_settings_perms.sql - who reads and who changes the agency's settings.
INSERT INTO role_perms (role, perm) VALUES
    ('admin', 'settings.read'),
    ('admin', 'settings.write'),
    ('committee', 'settings.read'),
    ('auditor', 'settings.read');
