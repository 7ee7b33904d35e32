-- Reminders before course sessions: one row per session and seat holder, put on the
-- table when the session comes within the service's reminder window and marked sent
-- once the message is handed over. A pass claims rows with a lease, so of several
-- servers one sends each, and a pass that died is taken up again when its lease ends.

-- Hours before a session its reminder goes out.
alter table service add column reminder_hours bigint not null default 24;

create table course_reminder (
    course_reminder_id integer primary key,
    cohort_session_id bigint not null references cohort_session (cohort_session_id),
    enrolment_id bigint not null references enrolment (enrolment_id),
    due_at bigint not null,
    lease_until bigint,
    sent_at bigint,
    created_at bigint not null,
    unique (cohort_session_id, enrolment_id)
);
create index course_reminder_due on course_reminder (due_at) where sent_at is null;
