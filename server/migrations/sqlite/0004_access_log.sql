-- Who read or changed a citizen's personal data, when, what and why. Append-only:
-- triggers refuse updates and deletes, and each row's hash covers the previous
-- row's hash, so a changed or removed row breaks the chain.

create table access_log (
    access_log_id integer primary key,
    at bigint not null,
    actor_account_id bigint not null references account (account_id),
    actor_role text not null,
    service_id bigint references service (service_id),
    subject_account_id bigint not null references account (account_id),
    record_kind text not null,
    record_id text not null,
    data_kind text not null,
    action text not null,
    prev_hash text not null,
    hash text not null
);
create index access_log_subject on access_log (subject_account_id, at);

create trigger access_log_no_update before update on access_log
begin
    select raise(abort, 'access_log is append-only');
end;

create trigger access_log_no_delete before delete on access_log
begin
    select raise(abort, 'access_log is append-only');
end;
