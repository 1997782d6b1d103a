-- Replays, noise-floor runs and environment fingerprints; see docs/architecture.md.
-- kind: root (the baseline), proposal (a proposer's edit), noise (the baseline again with another seed,
-- measuring the task's noise floor), replay (a trial's commit run again with its recorded settings).
alter table trial add column kind varchar(20) not null default 'proposal';
update trial set kind = 'root' where parent_trial_id is null;
alter table trial add column replay_of varchar(100) references trial (id);
alter table trial add column environment_json text;
alter table trial add column train_budget_seconds integer;
alter table trial add column requested_steps integer;
alter table trial add column requested_stop_step integer;
alter table trial add column keep_rule varchar(20);
create index trial_campaign_kind on trial (campaign_id, kind);

create table replay (
    trial_id          varchar(100) primary key references trial (id),
    original_trial_id varchar(100) not null references trial (id),
    verdict           varchar(20),
    tolerance         double precision,
    original_score    double precision,
    replay_score      double precision,
    detail            text,
    created_at        timestamptz  not null default now(),
    decided_at        timestamptz
);
create index replay_original on replay (original_trial_id);
