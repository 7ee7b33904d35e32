-- Periodic jobs (purging what is kept no longer than its retention period). The
-- schedule lives in the database, so it survives restarts, and a run is claimed with a
-- lease, so of several instances only one runs it, and a run that died is taken up
-- again once its lease is over.
create table scheduled_job (
    name text primary key,
    next_run_at bigint not null,
    leased_until bigint,
    last_finished_at bigint,
    last_outcome text
);
