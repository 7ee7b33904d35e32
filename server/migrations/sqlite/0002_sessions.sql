-- Server-side sessions, staff second factor, recovery codes, and rate-limit events.

create table session (
    -- SHA-256 of the cookie's token, hex: a leaked table gives no usable cookie.
    session_id text primary key,
    account_id bigint not null references account (account_id) on delete cascade,
    -- 'password' until a staff member has given the second factor, then 'full'.
    stage text not null check (stage in ('password', 'full')),
    created_at bigint not null,
    last_seen_at bigint not null,
    -- The absolute end, however active the session is.
    expires_at bigint not null
);
create index session_account on session (account_id);

-- Base32 TOTP secret; null until the person has enrolled.
alter table account add column totp_secret text;
-- The last accepted TOTP step, so a code cannot be used twice.
alter table account add column totp_last_step bigint;

create table recovery_code (
    recovery_code_id integer primary key,
    account_id bigint not null references account (account_id) on delete cascade,
    code_hash text not null,
    used_at bigint,
    created_at bigint not null
);
create index recovery_code_account on recovery_code (account_id);

-- One row per counted attempt (failed logins, registrations, resets…), by bucket:
-- e.g. 'login:ip:<address>' or 'login:account:<hash of the email>'.
create table rate_limit_event (
    rate_limit_event_id integer primary key,
    bucket text not null,
    created_at bigint not null
);
create index rate_limit_event_bucket on rate_limit_event (bucket, created_at);
