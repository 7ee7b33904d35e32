-- Who came to a course session, and the measures answered for one: both by session and
-- referral, so outcomes can be read per session later.

-- Present at a session: recorded by the server when the session's room lets an
-- enrolled person in ('room'), or ticked by a leader for an in-person session
-- ('ticked'). Minutes present come from room_attendance for room sessions.
create table session_attendance (
    cohort_session_id bigint not null references cohort_session (cohort_session_id),
    referral_id bigint not null references referral (referral_id),
    source text not null check (source in ('room', 'ticked')),
    marked_by bigint references account (account_id),
    marked_at bigint not null,
    primary key (cohort_session_id, referral_id)
);

-- The answer set that stands for a session's measure: answered for it, or (the first
-- session) the intake's answers reused while fresh.
create table session_measure (
    cohort_session_id bigint not null references cohort_session (cohort_session_id),
    referral_id bigint not null references referral (referral_id),
    instrument text not null,
    questionnaire_response_id bigint not null
        references questionnaire_response (questionnaire_response_id),
    reused bigint not null default 0,
    primary key (cohort_session_id, referral_id, instrument)
);
