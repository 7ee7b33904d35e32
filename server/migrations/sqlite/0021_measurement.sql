-- Every scored answer set as a measurement: the score the domain code computed when it
-- was answered, kept in columns both databases can aggregate on, with the time point
-- it belongs to. One row per questionnaire_response; the server fills rows for answers
-- given before this table existed when it starts (the scores are in their JSON).

create table measurement (
    measurement_id integer primary key,
    questionnaire_response_id bigint not null unique
        references questionnaire_response (questionnaire_response_id),
    account_id bigint not null references account (account_id),
    referral_id bigint references referral (referral_id),
    instrument text not null,
    version text not null,
    -- None when too many items were missing, or the instrument has no total.
    total double precision,
    band text,
    -- 1 at or above the instrument's caseness threshold, 0 below, null without one.
    caseness bigint,
    risk bigint not null,
    time_point text not null
        check (time_point in ('intake', 'course_session', 'individual_session',
                              'end_of_treatment', 'follow_up')),
    -- For a course session's measure: which session, and its number in the course.
    cohort_session_id bigint references cohort_session (cohort_session_id),
    session_number bigint,
    answered_at bigint not null
);
create index measurement_referral on measurement (referral_id, instrument, answered_at);
create index measurement_answered on measurement (answered_at);

create table measurement_subscale (
    measurement_id bigint not null references measurement (measurement_id) on delete cascade,
    subscale text not null,
    score double precision,
    caseness bigint,
    primary key (measurement_id, subscale)
);
