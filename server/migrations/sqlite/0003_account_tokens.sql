-- Single-use, expiring tokens sent by email: verify an address, reset a password,
-- accept an invitation. Only a hash is stored; the token itself is only in the email.

create table account_token (
    account_token_id integer primary key,
    account_id bigint not null references account (account_id) on delete cascade,
    purpose text not null check (purpose in ('verify_email', 'reset_password', 'invitation')),
    token_hash text not null unique,
    expires_at bigint not null,
    used_at bigint,
    created_at bigint not null
);
create index account_token_account on account_token (account_id, purpose);
