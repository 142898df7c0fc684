-- The write floor of a penalty-ledger import on PostgreSQL (issue 16), for psql: the rows that
-- `fazhi-bench --import N --import-database postgres://…` wrote (its generated case numbers hold 罚测),
-- copied once more with fresh ids in one transaction by PostgreSQL itself. No rule is checked and
-- nothing is computed: this is what writing those rows costs the server on the machine.
-- The SQLite twin is floor_writes.sql.
--   createdb -T <imported database> floorpg && psql postgres://…/floorpg -c '\timing on' -f scripts/bench/floor_writes_pg.sql
BEGIN;
CREATE TEMP TABLE src AS SELECT id FROM penalty_cases WHERE case_number LIKE '%罚测%';
INSERT INTO penalty_cases (id, case_number, unit_id, unit_path, party_kind, party_sealed, party_masked, violation, violation_on, discovered_on, grave_harm, status, filed_on, officer_ids, handled_by, major, complex, notified_on, review_on, reviewer, deliberation_on, fine_yuan, decision, decided_on, served_on, executed_on, closed_on, archived_on, created_at, updated_at, summary, no_penalty, changed_on, change_kind, change_reason, benchmark_id, discretion_tier, proposed_tiers, circumstances, outside_reason, lenience_item_id, lenience_reason, impact_assessed_on, impact_assessment, hearing_notice_on, hearing_on, outside_benchmark, hearing_right, hearing_requested_on, hearing_waived_on, decision_due_on, first_published_on, published_on_time)
  SELECT gen_random_uuid(), case_number || '副本', unit_id, unit_path, party_kind, party_sealed, party_masked, violation, violation_on, discovered_on, grave_harm, status, filed_on, officer_ids, handled_by, major, complex, notified_on, review_on, reviewer, deliberation_on, fine_yuan, decision, decided_on, served_on, executed_on, closed_on, archived_on, created_at, updated_at, summary, no_penalty, changed_on, change_kind, change_reason, benchmark_id, discretion_tier, proposed_tiers, circumstances, outside_reason, lenience_item_id, lenience_reason, impact_assessed_on, impact_assessment, hearing_notice_on, hearing_on, outside_benchmark, hearing_right, hearing_requested_on, hearing_waived_on, decision_due_on, first_published_on, published_on_time
  FROM penalty_cases WHERE id IN (SELECT id FROM src);
INSERT INTO penalty_case_events (id, case_id, action, happened_on, detail, actor, created_at)
  SELECT gen_random_uuid(), case_id, action, happened_on, detail, actor, created_at FROM penalty_case_events WHERE case_id IN (SELECT id FROM src);
INSERT INTO statutory_clocks (id, kind, module_id, title, link, record_type, record_id, unit_id, unit_path, ledger, due_date, calendar_version, closed, opened_by, created_at, updated_at)
  SELECT gen_random_uuid(), kind, module_id, title, link, record_type, record_id, unit_id, unit_path, ledger, due_date, calendar_version, closed, opened_by, created_at, updated_at FROM statutory_clocks WHERE record_type = 'penalty_cases' AND record_id IN (SELECT upper(id::text) FROM src);
INSERT INTO enforcement_publications (id, case_id, unit_id, unit_path, unit_name, title, case_number, party, violation, decision, fine_yuan, decided_on, published_on, due_on, withdrawn_on, withdraw_reason, held_reason, created_at)
  SELECT gen_random_uuid(), case_id, unit_id, unit_path, unit_name, title, case_number, party, violation, decision, fine_yuan, decided_on, published_on, due_on, withdrawn_on, withdraw_reason, held_reason, created_at FROM enforcement_publications WHERE case_id IN (SELECT id FROM src);
INSERT INTO audit_entries (id, seq, occurred_at, actor_id, actor_name, unit_id, ip, action, entity_type, entity_id, outcome, detail, prev_hash, hash)
  SELECT gen_random_uuid(), seq + 10000000, occurred_at, actor_id, actor_name, unit_id, ip, action, entity_type, entity_id, outcome, detail, prev_hash, hash FROM audit_entries WHERE action = 'enforcement.case-imported';
COMMIT;
