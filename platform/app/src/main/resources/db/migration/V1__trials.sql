-- Trials, campaigns and refusals of the walking skeleton; see docs/architecture.md.
create sequence trial_seq start with 1 increment by 1;

create table campaign (
    id              varchar(100) primary key,
    task            varchar(100) not null,
    root_trial_id   varchar(100) not null,
    best_trial_id   varchar(100),
    best_score      double precision,
    created_at      timestamptz  not null default now()
);

create table trial (
    id                varchar(100) primary key,
    proposal_id       varchar(100) unique,
    campaign_id       varchar(100) not null references campaign (id),
    task              varchar(100) not null,
    specialist        varchar(100) not null,
    surface           varchar(100) not null,
    parent_trial_id   varchar(100) references trial (id),
    hypothesis        text         not null,
    expected_delta    double precision,
    commit_id         varchar(64),
    status            varchar(40)  not null,
    reason            text,
    attempt           integer      not null default 0,
    worker            varchar(200),
    score             double precision,
    direction         varchar(10),
    delta_vs_parent   double precision,
    delta_vs_best     double precision,
    metrics_json      text,
    feedback          text,
    train_seconds     double precision,
    eval_seconds      double precision,
    artifact_bytes    bigint,
    seed              bigint,
    evaluator         varchar(100),
    evaluator_version varchar(40),
    data_sha256       varchar(64),
    created_at        timestamptz  not null default now(),
    updated_at        timestamptz  not null default now(),
    run_requested_at  timestamptz,
    recorded_at       timestamptz
);
create index trial_campaign_created on trial (campaign_id, created_at desc);
create index trial_parent on trial (parent_trial_id);

create table artifact (
    trial_id    varchar(100) not null references trial (id),
    name        varchar(500) not null,
    object_key  varchar(200) not null,
    size_bytes  bigint       not null,
    sha256      varchar(64)  not null,
    primary key (trial_id, name)
);

create table proposal_rejection (
    proposal_id varchar(100) primary key,
    campaign_id varchar(100),
    specialist  varchar(100),
    reason      text         not null,
    created_at  timestamptz  not null default now()
);
