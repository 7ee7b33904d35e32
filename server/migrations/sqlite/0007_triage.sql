-- The triage board: where each referral is, who is working on it, what happened to
-- it and what was decided.

-- States: new, in_assessment, offered, active, closed (with an outcome).
update referral set status = 'new' where status = 'received';
alter table referral add column outcome text;
-- Who is working on it; the claim lapses after a spell without activity.
alter table referral add column claimed_by bigint references account (account_id);
alter table referral add column claimed_at bigint;
alter table referral add column changed_at bigint not null default 0;
-- The language the person wrote in: emails about the referral use it.
alter table referral add column lang text not null default 'nb';
-- What a card shows and the board filters on, kept in columns so the database sorts
-- and filters (the full details stay in the JSON).
alter table referral add column municipality text not null default '';
alter table referral add column format text not null default 'either';
alter table referral add column mode text not null default 'either';
alter table referral add column phq9_total bigint;
alter table referral add column phq9_band text;
alter table referral add column gad7_total bigint;
alter table referral add column gad7_band text;
create index referral_board on referral (service_id, status, submitted_at);

-- The referral's timeline: opened, claimed, released, moved, note, decision, shared,
-- assessment, message.
create table referral_event (
    referral_event_id integer primary key,
    referral_id bigint not null references referral (referral_id),
    at bigint not null,
    actor_account_id bigint references account (account_id),
    kind text not null,
    from_state text,
    to_state text,
    -- A note, a reason or an assessment, as written.
    body text,
    -- What the event concerns: a decision's key, the guest a referral was shared with.
    detail text
);
create index referral_event_referral on referral_event (referral_id, at);

create table referral_decision (
    referral_decision_id integer primary key,
    referral_id bigint not null references referral (referral_id),
    decision text not null check (decision in ('guided_self_help', 'group_course',
        'individual', 'refer_specialist', 'refer_gp', 'no_offer')),
    reason text not null,
    -- Made after a specialist guest's assessment ("one way in").
    joint bigint not null default 0,
    decided_by bigint not null references account (account_id),
    decided_at bigint not null
);
create index referral_decision_referral on referral_decision (referral_id);

-- What the person is offered; the course capability attaches a course to it.
create table offer (
    offer_id integer primary key,
    referral_id bigint not null references referral (referral_id),
    referral_decision_id bigint not null references referral_decision (referral_decision_id),
    kind text not null check (kind in ('guided_self_help', 'group_course', 'individual')),
    course_id bigint,
    status text not null default 'open',
    created_at bigint not null
);
create index offer_referral on offer (referral_id);

-- Referrals shared with a specialist guest for joint assessment.
create table referral_share (
    referral_id bigint not null references referral (referral_id),
    guest_account_id bigint not null references account (account_id),
    shared_by bigint not null references account (account_id),
    shared_at bigint not null,
    primary key (referral_id, guest_account_id)
);
create index referral_share_guest on referral_share (guest_account_id);
