-- One row per referral with its outcome as the domain rules worked it out
-- (`domain::outcome`): the flags the service's figures count, and the dates its waiting
-- times come from. Refreshed in the transaction of every change it depends on
-- (a measurement, attendance, the referral's state, a decision), and rebuilt whole at
-- start; the figures page only sums it, so a report over a hundred thousand referrals
-- stays one indexed aggregate on either database.

create table episode (
    referral_id bigint primary key references referral (referral_id) on delete cascade,
    service_id bigint not null references service (service_id),
    municipality text not null,
    received_at bigint not null,
    -- The month received, in Norwegian time ("2026-11"): the figures' months.
    received_month text not null,
    -- The first decision on the board: the assessment.
    assessed_at bigint,
    -- The first attended treatment session, and how many were attended.
    first_treatment_at bigint,
    treatment_sessions bigint not null,
    -- When the referral was closed; null while it is open.
    ended_at bigint,
    -- Seconds from received to assessed and to the first treatment session, and
    -- whether that first session came within 6 and within 18 weeks.
    wait_to_assessment bigint,
    wait_to_treatment bigint,
    treated_within_6_weeks bigint,
    treated_within_18_weeks bigint,
    -- The course group the person held a seat in (the latest), if any.
    course_id bigint,
    cohort_id bigint,
    entered_treatment bigint not null,
    finished bigint not null,
    dropped_out bigint not null,
    paired bigint not null,
    -- Null where the rule does not apply (outside its denominator).
    case_at_start bigint,
    recovered bigint,
    reliably_improved bigint,
    reliably_deteriorated bigint,
    reliable_recovery bigint,
    refreshed_at bigint not null
);
create index episode_service on episode (service_id, received_at);

-- Referrals whose episode must be worked out again: every change an episode depends
-- on marks its referral here (a counter, so a change during a refresh is not lost),
-- and the `episodes` job (and the figures page, before it sums) refreshes them.
create table episode_stale (
    referral_id bigint primary key references referral (referral_id) on delete cascade,
    marks bigint not null
);
