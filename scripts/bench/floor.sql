-- The main 2025 aggregates of `fazhi metrics` written by hand, for the sqlite3 shell:
--   time sqlite3 FILE < scripts/bench/floor.sql
SELECT COUNT(*) FROM reconsideration_cases WHERE received_on >= '2025-01-01' AND received_on < '2026-01-01';
SELECT COUNT(*), SUM(intake = 'accepted') FROM reconsideration_cases WHERE received_on >= '2025-01-01' AND received_on < '2026-01-01' AND status <> 'awaitingCorrection';
SELECT COUNT(*), SUM(outcome_on <= decision_due_on) FROM reconsideration_cases WHERE outcome_on >= '2025-01-01' AND outcome_on < '2026-01-01' AND intake = 'accepted';
SELECT outcome, COUNT(*) FROM reconsideration_cases WHERE outcome_on >= '2025-01-01' AND outcome_on < '2026-01-01' GROUP BY outcome;
SELECT COUNT(*) FROM penalty_cases WHERE filed_on >= '2025-01-01' AND filed_on < '2026-01-01';
SELECT COUNT(*), SUM(decided_on <= decision_due_on), SUM(major = 1), SUM(major = 1 AND review_on IS NOT NULL), CAST(SUM(fine_yuan) AS BIGINT)
  FROM penalty_cases WHERE decided_on >= '2025-01-01' AND decided_on < '2026-01-01';
SELECT COUNT(*) FROM penalty_cases WHERE decided_on >= '2025-01-01' AND decided_on < '2026-01-01' AND outside_benchmark = 1;
SELECT COUNT(*) FROM penalty_cases WHERE decided_on >= '2025-01-01' AND decided_on < '2026-01-01' AND lenience_item_id IS NOT NULL;
