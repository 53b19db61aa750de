-- 0003_three_admins.sql - 三员分立: the administrator splits into three roles, none of
-- which holds any party-work permission (等保 2.0 level 3):
--   admin     系统管理员  accounts (create, read) and the agency's settings
--   secadmin  安全管理员  roles and grants, unlocking, the security settings
--   auditor   审计管理员  reads and exports the audit log and its checkpoints, nothing else
-- Nobody grants a role to themselves (users_api.c); only the auditor reads the audit log.
INSERT INTO roles (code, name, office, sort) VALUES ('secadmin', '安全管理员', 1, 1);

-- What each of the three may ever hold.  A later migration that hands one of them a
-- party-work permission (as 01xx-05xx once did for admin) is ignored by the trigger below.
CREATE TABLE admin_role_perms (
    role TEXT NOT NULL REFERENCES roles(code),
    perm TEXT NOT NULL,
    PRIMARY KEY (role, perm)
);
INSERT INTO admin_role_perms (role, perm) VALUES
    ('admin', 'user.manage'),
    ('admin', 'user.read'),
    ('admin', 'settings.read'),
    ('admin', 'settings.write'),
    ('secadmin', 'user.read'),
    ('secadmin', 'grant.manage'),
    ('secadmin', 'user.unlock'),
    ('secadmin', 'security.manage'),
    ('secadmin', 'settings.read'),
    ('auditor', 'audit.read');

DELETE FROM role_perms WHERE role IN (SELECT role FROM admin_role_perms)
    AND NOT EXISTS (SELECT 1 FROM admin_role_perms a WHERE a.role = role_perms.role AND a.perm = role_perms.perm);
-- only the auditor reads the audit log
DELETE FROM role_perms WHERE perm = 'audit.read' AND role <> 'auditor';
CREATE TRIGGER role_perms_three_admins BEFORE INSERT ON role_perms
WHEN NEW.role IN (SELECT role FROM admin_role_perms)
    AND NOT EXISTS (SELECT 1 FROM admin_role_perms a WHERE a.role = NEW.role AND a.perm = NEW.perm)
BEGIN
    SELECT RAISE(IGNORE);
END;
INSERT INTO role_perms (role, perm) SELECT role, perm FROM admin_role_perms a
    WHERE NOT EXISTS (SELECT 1 FROM role_perms p WHERE p.role = a.role AND p.perm = a.perm);

-- The whole attendance sheet (who was absent, who asked for leave) is for those who run
-- or supervise organisational life; a member sees their own line and the totals.
INSERT INTO role_perms (role, perm) VALUES
    ('committee', 'life.attendance'),
    ('secretary', 'life.attendance'),
    ('officer', 'life.attendance'),
    ('discipline', 'life.attendance'),
    ('leader', 'life.attendance');

-- Sessions: the idle limit is read from the settings at every request (a lowered limit
-- reaches open sessions), so a session keeps only whether it is an office one; and
-- every session ends at an absolute lifetime, however active.
ALTER TABLE sessions ADD COLUMN office INTEGER NOT NULL DEFAULT 1;
UPDATE sessions SET office = CASE WHEN idle_seconds > 4 * 3600 THEN 0 ELSE 1 END;
INSERT INTO settings (key, value) VALUES
    ('session.office_max_hours', '12'),
    ('session.member_max_days', '30');
