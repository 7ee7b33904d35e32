-- From here on the chain is keyed (HMAC-SHA-256 under RPH_ACCESS_LOG_KEY, which is not
-- in the database). Entries written before keep their plain SHA-256 links and are
-- only accepted before the first keyed one.
alter table access_log add column keyed bigint not null default 0;
