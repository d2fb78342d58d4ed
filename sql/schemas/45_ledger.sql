-- Hidden-hazard ledger (pipelines/register): an append-only event log with deterministic event
-- ids (a re-run inserts nothing it already holds) and the current state derived from it.
-- Invalid rectification updates go to audit.quarantine (source 'hazard_updates'), never here.
CREATE TABLE IF NOT EXISTS audit.hazard_events (
    event_id VARCHAR NOT NULL,
    hazard_id VARCHAR NOT NULL,
    event_type VARCHAR NOT NULL,
    event_at TIMESTAMPTZ NOT NULL,
    status_after VARCHAR,
    severity VARCHAR,
    source_kind VARCHAR NOT NULL,
    source_ref VARCHAR,
    risk_source_id VARCHAR,
    domain VARCHAR,
    district_id VARCHAR,
    responsible_unit_id VARCHAR,
    actor VARCHAR,
    note VARCHAR,
    deadline TIMESTAMPTZ,
    as_of_date DATE NOT NULL,
    run_id VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE audit.hazard_events IS '隐患事件日志 Append-only log of hidden-hazard events: registration, evidence, lifecycle updates, trigger cleared/returned, severity raised, escalation. Never updated or deleted.';
COMMENT ON COLUMN audit.hazard_events.event_id IS 'Deterministic id: md5 of hazard_id, event type and the event''s source or time, so a re-run adds nothing new.';
COMMENT ON COLUMN audit.hazard_events.hazard_id IS 'Hazard: HZ-<risk_source_id> for automatic ones (one problem, one hazard), HZ-<report_id> for field reports.';
COMMENT ON COLUMN audit.hazard_events.event_type IS 'found, registered, evidence, assigned, rectifying, rectified, verified, closed, severity_raised, trigger_cleared, trigger_returned or escalated.';
COMMENT ON COLUMN audit.hazard_events.event_at IS 'When it happened (trigger time, update time, deadline crossing).';
COMMENT ON COLUMN audit.hazard_events.status_after IS 'Lifecycle status after a lifecycle event; NULL for other events.';
COMMENT ON COLUMN audit.hazard_events.severity IS 'major (重大隐患) or general (一般隐患) at registration, evidence or severity_raised.';
COMMENT ON COLUMN audit.hazard_events.source_kind IS 'risk_register, alarm, building_grade, field_report, hazard_update or ledger (derived by the ledger itself).';
COMMENT ON COLUMN audit.hazard_events.source_ref IS 'Risk source, alarm episode, inspection, report or update id behind the event.';
COMMENT ON COLUMN audit.hazard_events.risk_source_id IS 'Risk source (marts.risk_snapshot) the hazard belongs to, if any.';
COMMENT ON COLUMN audit.hazard_events.domain IS 'Domain of the hazard.';
COMMENT ON COLUMN audit.hazard_events.district_id IS 'District.';
COMMENT ON COLUMN audit.hazard_events.responsible_unit_id IS 'Responsible unit (the risk source''s at registration; the assigned unit on assigned).';
COMMENT ON COLUMN audit.hazard_events.actor IS 'Who acted (reporter, officer, the pipeline for automatic events).';
COMMENT ON COLUMN audit.hazard_events.note IS 'Description, update note or reason in words.';
COMMENT ON COLUMN audit.hazard_events.deadline IS 'Rectification deadline set at registration (config/hazard_ledger.yaml deadline_days).';
COMMENT ON COLUMN audit.hazard_events.as_of_date IS 'Ledger run date that recorded the event.';
COMMENT ON COLUMN audit.hazard_events.run_id IS 'Run that recorded the event.';
COMMENT ON COLUMN audit.hazard_events.recorded_at IS 'Wall-clock time the event was appended.';

CREATE TABLE IF NOT EXISTS audit.ledger_runs (
    as_of_date DATE NOT NULL,
    run_id VARCHAR NOT NULL,
    events_added BIGINT NOT NULL,
    updates_rejected BIGINT NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE audit.ledger_runs IS 'Dates the ledger stage has processed (one row per as_of_date, replaced on re-run); marts.hazard_ledger is the state at the end of the latest one.';
COMMENT ON COLUMN audit.ledger_runs.as_of_date IS 'Processed local date.';
COMMENT ON COLUMN audit.ledger_runs.run_id IS 'Run that last processed it.';
COMMENT ON COLUMN audit.ledger_runs.events_added IS 'Events appended by that run (0 on a re-run with unchanged inputs).';
COMMENT ON COLUMN audit.ledger_runs.updates_rejected IS 'Rectification updates quarantined by that run.';
COMMENT ON COLUMN audit.ledger_runs.computed_at IS 'Wall-clock time of the run.';

CREATE TABLE IF NOT EXISTS marts.hazard_ledger (
    hazard_id VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    risk_source_id VARCHAR,
    domain VARCHAR,
    district_id VARCHAR,
    severity VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    description VARCHAR,
    triggers VARCHAR,
    found_at TIMESTAMPTZ,
    registered_at TIMESTAMPTZ,
    responsible_unit_id VARCHAR,
    assigned_at TIMESTAMPTZ,
    rectified_at TIMESTAMPTZ,
    verified_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    last_event_at TIMESTAMPTZ,
    last_actor VARCHAR,
    deadline TIMESTAMPTZ,
    overdue BOOLEAN NOT NULL,
    overdue_days INTEGER,
    escalation_level INTEGER NOT NULL,
    escalated BOOLEAN NOT NULL,
    escalated_to VARCHAR,
    trigger_active BOOLEAN,
    needs_verification BOOLEAN NOT NULL,
    events INTEGER NOT NULL,
    rejected_updates INTEGER NOT NULL,
    as_of_date DATE NOT NULL,
    run_id VARCHAR
);
COMMENT ON TABLE marts.hazard_ledger IS '隐患台账 Current state of every hidden hazard, derived from audit.hazard_events as at the end of the latest ledger date: lifecycle status, deadline, overdue and escalation.';
COMMENT ON COLUMN marts.hazard_ledger.hazard_id IS 'Hazard id (HZ-<risk_source_id> automatic, HZ-<report_id> field report).';
COMMENT ON COLUMN marts.hazard_ledger.origin IS 'auto (red/orange risk, open grade I/II alarm, C/D building grade) or field_report.';
COMMENT ON COLUMN marts.hazard_ledger.risk_source_id IS 'Risk source behind the hazard (the report''s source_id for field reports).';
COMMENT ON COLUMN marts.hazard_ledger.domain IS 'Domain.';
COMMENT ON COLUMN marts.hazard_ledger.district_id IS 'District.';
COMMENT ON COLUMN marts.hazard_ledger.severity IS 'major (重大隐患) or general (一般隐患); the highest seen.';
COMMENT ON COLUMN marts.hazard_ledger.status IS 'found, registered, assigned, rectifying, rectified, verified or closed (销号).';
COMMENT ON COLUMN marts.hazard_ledger.description IS 'What was found (field report text, or the trigger in words).';
COMMENT ON COLUMN marts.hazard_ledger.triggers IS 'Evidence that registered or confirmed the hazard, in order.';
COMMENT ON COLUMN marts.hazard_ledger.found_at IS 'When the problem was found (report time, alarm opening, inspection, risk date).';
COMMENT ON COLUMN marts.hazard_ledger.registered_at IS 'When the ledger registered it (deadline counts from here).';
COMMENT ON COLUMN marts.hazard_ledger.responsible_unit_id IS 'Assigned unit, else the risk source''s responsible unit.';
COMMENT ON COLUMN marts.hazard_ledger.assigned_at IS 'First assignment.';
COMMENT ON COLUMN marts.hazard_ledger.rectified_at IS 'When rectification was reported complete.';
COMMENT ON COLUMN marts.hazard_ledger.verified_at IS 'When acceptance (验收) passed.';
COMMENT ON COLUMN marts.hazard_ledger.closed_at IS 'When closed (销号).';
COMMENT ON COLUMN marts.hazard_ledger.last_event_at IS 'Time of the last event.';
COMMENT ON COLUMN marts.hazard_ledger.last_actor IS 'Who acted last.';
COMMENT ON COLUMN marts.hazard_ledger.deadline IS 'Rectification deadline (registration + deadline_days by severity at registration).';
COMMENT ON COLUMN marts.hazard_ledger.overdue IS 'Not rectified and the deadline passed before the end of as_of_date.';
COMMENT ON COLUMN marts.hazard_ledger.overdue_days IS 'Whole days past the deadline while overdue; NULL otherwise.';
COMMENT ON COLUMN marts.hazard_ledger.escalation_level IS 'Highest escalation level reached (0 none; config escalation steps).';
COMMENT ON COLUMN marts.hazard_ledger.escalated IS 'escalation_level >= escalated_from_level (e.g. any overdue major hazard).';
COMMENT ON COLUMN marts.hazard_ledger.escalated_to IS 'Who the hazard is escalated to (config escalation labels).';
COMMENT ON COLUMN marts.hazard_ledger.trigger_active IS 'Automatic hazards: whether the triggering risk/alarm/grade still holds; NULL for field reports.';
COMMENT ON COLUMN marts.hazard_ledger.needs_verification IS 'The trigger disappeared before the hazard was verified: check on site and verify or close; the hazard is never deleted.';
COMMENT ON COLUMN marts.hazard_ledger.events IS 'Events in the log for the hazard.';
COMMENT ON COLUMN marts.hazard_ledger.rejected_updates IS 'Rectification updates for the hazard quarantined as invalid transitions.';
COMMENT ON COLUMN marts.hazard_ledger.as_of_date IS 'Ledger date the state holds at (its end).';
COMMENT ON COLUMN marts.hazard_ledger.run_id IS 'Run that derived the row.';
