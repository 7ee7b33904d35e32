-- Group courses: a service's catalogue of courses, each course's runs (cohorts) with
-- their leaders and dated sessions, and who holds a seat in a cohort or waits for one.

create table course (
    course_id integer primary key,
    service_id bigint not null references service (service_id),
    -- The shipped template it was made from (kid, kib, worry), if any: loading the
    -- templates again finds the course by it and changes nothing.
    template text,
    name text not null,
    -- For citizens: what the course is, and who it suits.
    description text not null,
    suits text not null,
    weekly_sessions bigint not null,
    follow_ups bigint not null,
    -- Weeks between the last weekly session and a follow-up, and between follow-ups.
    follow_up_weeks bigint not null default 4,
    session_minutes bigint not null,
    format text not null check (format in ('video', 'in_person', 'both')),
    -- The questionnaires taken before each session, by key, comma-separated.
    measures text not null default '',
    capacity bigint not null,
    created_at bigint not null,
    unique (service_id, template)
);

create table cohort (
    cohort_id integer primary key,
    course_id bigint not null references course (course_id),
    service_id bigint not null references service (service_id),
    state text not null default 'planned'
        check (state in ('planned', 'open', 'running', 'finished', 'cancelled')),
    capacity bigint not null,
    -- Seats held (enrolled, or held for someone offered a freed seat). A seat is taken
    -- by one conditional update of this count, so two people never take the last one.
    seats_held bigint not null default 0,
    -- The number the next person put on the wait list gets: the list's order.
    wait_next bigint not null default 1,
    -- Where the in-person sessions meet.
    place text not null default '',
    created_at bigint not null,
    updated_at bigint not null
);
create index cohort_service on cohort (service_id, state);

-- One or two therapists lead a cohort.
create table cohort_leader (
    cohort_id bigint not null references cohort (cohort_id),
    account_id bigint not null references account (account_id),
    primary key (cohort_id, account_id)
);
create index cohort_leader_account on cohort_leader (account_id);

create table cohort_session (
    cohort_session_id integer primary key,
    cohort_id bigint not null references cohort (cohort_id),
    number bigint not null,
    starts_at bigint not null,
    ends_at bigint not null,
    format text not null check (format in ('video', 'in_person')),
    follow_up bigint not null default 0,
    -- The session's video room, made with the session.
    room_id bigint references room (room_id),
    -- Raised on every change to the session: a calendar's SEQUENCE.
    sequence bigint not null default 0,
    cancelled_at bigint,
    unique (cohort_id, number)
);
create index cohort_session_starts on cohort_session (starts_at);

create table enrolment (
    enrolment_id integer primary key,
    cohort_id bigint not null references cohort (cohort_id),
    referral_id bigint not null references referral (referral_id),
    status text not null check (status in
        ('enrolled', 'waiting', 'seat_offered', 'withdrawn', 'removed', 'passed')),
    -- The place in the wait list's order, for everyone who was ever put on it.
    wait_number bigint,
    -- When a freed seat was held for them: the deadline runs from here.
    seat_offered_at bigint,
    -- Why staff removed them.
    reason text,
    created_at bigint not null,
    updated_at bigint not null,
    unique (cohort_id, referral_id)
);
create index enrolment_referral on enrolment (referral_id);

-- The cohort a group-course offer is for.
alter table offer add column cohort_id bigint references cohort (cohort_id);
