-- Training-curve points workers stream from LOOPLAB_METRICS; informational, never part of an outcome.
-- The key makes a redelivered batch a no-op. No foreign key to trial: ingest runs at COPY speed,
-- and points are only ever read through a trial.
create table metric_point (
    trial_id   varchar(100)     not null,
    attempt    integer          not null,
    name       varchar(200)     not null,
    step       bigint           not null,
    value      double precision not null,
    wallclock  double precision not null,
    primary key (trial_id, attempt, name, step)
);
