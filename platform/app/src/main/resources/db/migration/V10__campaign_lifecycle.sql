-- Campaigns a researcher starts, pauses, resumes and stops, with a team and stop rules; see docs/architecture.md.
-- state: running, paused or stopped (final). active_since/active_seconds: running time, so a pause does not spend
-- the wall budget.
alter table campaign add column state varchar(20) not null default 'running';
alter table campaign add column team varchar(40) not null default 'specialists';
alter table campaign add column max_trials integer;
alter table campaign add column max_hours double precision;
alter table campaign add column stop_after_no_keep integer;
alter table campaign add column active_since timestamptz;
alter table campaign add column active_seconds double precision not null default 0;
alter table campaign add column state_changed_at timestamptz;
alter table campaign add column stop_reason text;
update campaign set active_since = created_at, state_changed_at = created_at;
-- imported histories take no proposals
update campaign set state = 'stopped', active_since = null, stop_reason = 'imported history: it takes no proposals'
    where id in (select distinct campaign_id from trial where evaluator like 'imported:%');

-- What a trial changed, for the lineage rows specialists read: JSON {"KNOB": {"from": "1e-2f", "to": "1.4e-2f"}}
-- from the knob lines of the accepted diff; and, for a proposal written by a language model, the model and tokens.
alter table trial add column knob_changes text;
alter table trial add column model varchar(200);
alter table trial add column tokens_in bigint;
alter table trial add column tokens_out bigint;
