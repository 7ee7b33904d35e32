-- Rate limits as one counter per bucket and window, so counting an event and checking
-- the limit is one atomic statement (the event table let concurrent requests check
-- before any of them recorded).
drop table rate_limit_event;

create table rate_limit (
    bucket text primary key,
    window_start bigint not null,
    hits bigint not null
);
create index rate_limit_window on rate_limit (window_start);

-- Browsers a person has signed in from before. A failed login from an unknown browser
-- never locks out a browser the owner has used: the lockout is keyed on account and
-- browser. Only the hash of the cookie's token is kept.
create table known_device (
    device_id text primary key,
    account_id bigint not null references account (account_id) on delete cascade,
    created_at bigint not null,
    last_used_at bigint not null
);
create index known_device_account on known_device (account_id);
