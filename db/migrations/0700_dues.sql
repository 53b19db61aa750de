-- 0700_dues.sql - party dues (党费, issue 16): the rate table as data, each member's
-- bases with their history, payments and the months they cover, reduced or waived dues
-- (少交/免交), remittance (上缴) up the tree, payroll imports, and who may do what.
-- Money is integer fen everywhere; months are 'YYYY-MM' in the Asia/Shanghai calendar.

-- The rate table (关于中国共产党党费收缴、使用和管理的规定, 2008). One row per tier and
-- the month it takes effect: the tiers of a category in force in a month are its rows
-- with the latest effective_from on or before that month, so a change is a set of new
-- rows with their start month, and past months keep the rates they were due under.
-- A tier charges rate_bp basis points (1% = 100) of the whole base when the base is at
-- most upper_fen (NULL: no upper bound); or a fixed monthly amount (fixed_fen), which
-- for farmers is a range (fixed_fen..fixed_max_fen) set per person.
CREATE TABLE dues_rates (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL,       -- employed, retired, student, no_income, relief, farmer
    effective_from TEXT NOT NULL, -- YYYY-MM
    upper_fen INTEGER,            -- inclusive upper bound of the base; NULL: none
    rate_bp INTEGER,              -- share of the base; NULL for a fixed amount
    fixed_fen INTEGER,            -- fixed monthly amount (the lowest, for a range)
    fixed_max_fen INTEGER,        -- the highest of a range (farmers)
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX dues_rates_cat ON dues_rates(category, effective_from);

-- A member's base (党费基数) from a month on. Never changed once approved: a new base is
-- a new row, so the history stays. Declared by the member (pending until the branch
-- approves) or set by the branch (approved at once). declaration_year marks the answer
-- to the annual declaration (年度基数申报) of that year.
CREATE TABLE dues_bases (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    effective_month TEXT NOT NULL,  -- YYYY-MM: the month the new salary is first paid
    category TEXT NOT NULL,
    base_fen INTEGER NOT NULL DEFAULT 0,
    fixed_fen INTEGER,              -- farmers: the amount set for the person
    source TEXT NOT NULL,           -- member (declared) | branch (set by the branch)
    status TEXT NOT NULL,           -- pending | approved | rejected
    note TEXT,
    declaration_year INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at TEXT,
    decision_note TEXT
);
CREATE INDEX dues_bases_person ON dues_bases(person_id, status, effective_month);
CREATE INDEX dues_bases_year ON dues_bases(declaration_year, status);

-- Payroll identities for matching the finance office's deduction file: 工号 and 身份证号.
CREATE TABLE dues_profiles (
    person_id INTEGER PRIMARY KEY REFERENCES people(id),
    staff_no TEXT UNIQUE,
    id_number TEXT UNIQUE,
    updated_at TEXT NOT NULL
);

-- One payroll file per row; the file's SHA-256 makes a second upload of the same file
-- record nothing.
CREATE TABLE dues_imports (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    month TEXT NOT NULL,            -- the payroll month (YYYY-MM)
    file_sha256 TEXT NOT NULL UNIQUE,
    rows INTEGER NOT NULL,
    recorded INTEGER NOT NULL,
    total_fen INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);

-- Remittance (上缴): a branch hands what it collected to its committee, a committee to the
-- higher committee (to_org_id NULL, to_name says which). received_* when the receiver
-- confirms.
CREATE TABLE dues_remittances (
    id INTEGER PRIMARY KEY,
    from_org_id INTEGER NOT NULL REFERENCES orgs(id),
    to_org_id INTEGER REFERENCES orgs(id),
    to_name TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    period_from TEXT NOT NULL,      -- YYYY-MM
    period_to TEXT NOT NULL,
    remitted_on TEXT NOT NULL,      -- YYYY-MM-DD
    receipt_no TEXT,
    note TEXT,
    client_key TEXT UNIQUE,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    received_by INTEGER REFERENCES users(id),
    received_at TEXT
);
CREATE INDEX dues_remittances_from ON dues_remittances(from_org_id, period_from);
CREATE INDEX dues_remittances_to ON dues_remittances(to_org_id, period_from);

-- A payment: money for one member's dues, for one or more months (dues_payment_months
-- says how much went to each). branch_id is the branch that collects it. A member's own
-- report of a bank transfer is 'reported' until the branch confirms or rejects it;
-- everything recorded by the branch or the payroll import is 'confirmed'.
CREATE TABLE dues_payments (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    branch_id INTEGER NOT NULL REFERENCES orgs(id),
    amount_fen INTEGER NOT NULL,
    method TEXT NOT NULL,           -- payroll 工资代扣, cash 现金, bank 银行转账, other 其他
    paid_on TEXT NOT NULL,          -- YYYY-MM-DD
    payer_name TEXT,                -- someone else paying for the member (代交)
    receipt_no TEXT,
    bank_ref TEXT,
    file_id TEXT,                   -- a photo of the transfer, once the file store lands
    note TEXT,
    status TEXT NOT NULL,           -- confirmed | reported | rejected
    import_id INTEGER REFERENCES dues_imports(id),
    client_key TEXT UNIQUE,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at TEXT,
    decision_note TEXT
);
CREATE INDEX dues_payments_person ON dues_payments(person_id, status);
CREATE INDEX dues_payments_branch ON dues_payments(branch_id, status, paid_on);

CREATE TABLE dues_payment_months (
    payment_id INTEGER NOT NULL REFERENCES dues_payments(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    month TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    PRIMARY KEY (payment_id, month)
);
CREATE INDEX dues_payment_months_person ON dues_payment_months(person_id, month);

-- 少交/免交: the branch's decision, then the committee's approval. From from_month to
-- to_month the due is amount_fen (reduce) or nothing (waive), once approved.
CREATE TABLE dues_reductions (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,             -- reduce | waive
    from_month TEXT NOT NULL,
    to_month TEXT NOT NULL,
    amount_fen INTEGER,             -- reduce: the monthly amount
    reason TEXT NOT NULL,
    branch_decided_on TEXT NOT NULL, -- YYYY-MM-DD: the 支部委员会/支部大会 decision
    status TEXT NOT NULL,           -- pending | approved | rejected
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at TEXT,
    decision_note TEXT
);
CREATE INDEX dues_reductions_person ON dues_reductions(person_id, status);

-- Where a member's dues end at a branch (the transfers module records a transfer out
-- through dues_member_left()): months after last_month are no longer due there.
CREATE TABLE dues_leaves (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    branch_id INTEGER NOT NULL REFERENCES orgs(id),
    last_month TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (person_id, branch_id)
);

-- The 2008 table.
INSERT INTO dues_rates (category, effective_from, upper_fen, rate_bp, fixed_fen, fixed_max_fen, note, created_at) VALUES
 ('employed', '2008-01', 300000, 50, NULL, NULL, '在职：月工资收入 3000 元以下（含）交纳 0.5%', '2026-01-01T00:00:00Z'),
 ('employed', '2008-01', 500000, 100, NULL, NULL, '在职：3000 元以上至 5000 元（含）交纳 1%', '2026-01-01T00:00:00Z'),
 ('employed', '2008-01', 1000000, 150, NULL, NULL, '在职：5000 元以上至 10000 元（含）交纳 1.5%', '2026-01-01T00:00:00Z'),
 ('employed', '2008-01', NULL, 200, NULL, NULL, '在职：10000 元以上交纳 2%', '2026-01-01T00:00:00Z'),
 ('retired', '2008-01', 500000, 50, NULL, NULL, '离退休：月离退休费 5000 元以下（含）交纳 0.5%', '2026-01-01T00:00:00Z'),
 ('retired', '2008-01', NULL, 100, NULL, NULL, '离退休：5000 元以上交纳 1%', '2026-01-01T00:00:00Z'),
 ('student', '2008-01', NULL, NULL, 20, NULL, '学生：每月 0.2 元', '2026-01-01T00:00:00Z'),
 ('no_income', '2008-01', NULL, NULL, 20, NULL, '下岗失业、无固定收入：每月 0.2 元', '2026-01-01T00:00:00Z'),
 ('relief', '2008-01', NULL, NULL, 20, NULL, '领取救济金、最低生活保障：每月 0.2 元', '2026-01-01T00:00:00Z'),
 ('farmer', '2008-01', NULL, NULL, 20, 100, '农民：每月 0.2 元至 1 元', '2026-01-01T00:00:00Z');

-- Configurable numbers (DOMAIN.md §4): 补交 at most 6 months back, paying ahead up to a
-- quarter, the 3- and 6-month warnings, the month of the annual base declaration.
INSERT INTO settings (key, value) VALUES
    ('dues.backpay_max_months', '6'),
    ('dues.advance_max_months', '3'),
    ('dues.warn_months', '3'),
    ('dues.flag_months', '6'),
    ('dues.declaration_month', '1');

-- dues.read: see a subtree's dues; dues.write: bases, payments, imports, declarations,
-- a branch's decisions, remittance; dues.approve: the committee's approval of 少交/免交,
-- receiving remittances, back payments beyond the limit.
INSERT INTO role_perms (role, perm) VALUES
    ('committee', 'dues.read'),
    ('committee', 'dues.write'),
    ('committee', 'dues.approve'),
    ('secretary', 'dues.read'),
    ('secretary', 'dues.write'),
    ('leader', 'dues.read'),
    ('discipline', 'dues.read');
