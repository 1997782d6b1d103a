-- Attempts at a trial and the lease a worker holds on each; see docs/events.md "Leases".
create table trial_attempt (
    id               varchar(120) primary key, -- <trial id>:<attempt>
    trial_id         varchar(100) not null references trial (id),
    attempt          integer      not null,
    worker           varchar(200),
    -- when Kafka acknowledged this attempt's run request; null means the request must still be sent
    requested_at     timestamptz,
    claimed_at       timestamptz,
    lease_expires_at timestamptz,
    ended_at         timestamptz,
    -- finished, lost or handed_back
    ending           varchar(40),
    unique (trial_id, attempt)
);
create index trial_attempt_open on trial_attempt (lease_expires_at) where ended_at is null;
