-- 0710_dues_points_rule.sql - the optional points rule for paying dues on time (issue 16):
-- one point for each month whose dues are paid in full by the month's end. A rule of the
-- points catalogue like any other: the committee retires it (a version with active 0) or
-- changes its points there; the dues module awards it through points_award(), once per
-- member and month (source 'dues', source_id YYYYMM).
INSERT INTO points_rules (code, version, effective_from, name, category, points, cap_day, cap_month, cap_year,
                          source, activity_kind, min_quantity, needs_approval, active, created_at) VALUES
 ('dues_on_time', 1, '2020-01-01', '按月足额交纳党费', '组织生活', 1, NULL, NULL, 12, 'dues', NULL, 0, 0, 1,
  '2026-01-01T00:00:00Z');
