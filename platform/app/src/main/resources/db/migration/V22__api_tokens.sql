-- API tokens (docs/architecture.md, "Roles and tokens"): only the SHA-256 of a token's secret is kept, so a
-- leaked table lets no one in; a revoked token keeps its row (and name) so its history stays readable.
create table api_token (
    name         varchar(100) primary key,
    role         varchar(20)  not null,
    secret_hash  varchar(64)  not null unique,
    created_at   timestamptz  not null default now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
