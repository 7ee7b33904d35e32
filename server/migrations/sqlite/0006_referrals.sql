-- Self-referrals: drafts saved step by step, sent referrals, and questionnaire
-- answers that belong to the person (not only to one referral).

-- How many days an earlier answer to an instrument may be reused instead of asking again.
alter table service add column answer_reuse_days bigint not null default 14;

create table referral (
    referral_id integer primary key,
    -- What the person is told and quotes, e.g. RPH-7K3M-Q9TX.
    reference text not null unique,
    service_id bigint not null references service (service_id),
    -- The person's account (created from the email when they had none).
    account_id bigint not null references account (account_id),
    national_id text not null,
    name text not null,
    -- JSON: contact details, what help is wanted, preferences.
    details text not null,
    source text not null check (source in ('self', 'phone', 'paper', 'gp_letter')),
    registered_by bigint references account (account_id),
    status text not null default 'received',
    urgent bigint not null default 0,
    urgent_reason text,
    -- An earlier open referral from the same person to the same service.
    duplicate_of bigint references referral (referral_id),
    submitted_at bigint not null
);
create index referral_person on referral (national_id, service_id);
create index referral_service on referral (service_id, submitted_at);
create index referral_account on referral (account_id);

create table referral_draft (
    referral_draft_id integer primary key,
    service_id bigint not null references service (service_id) on delete cascade,
    -- Hash of the token in the browser's cookie.
    token_hash text not null unique,
    -- Hash of the single-use token in an emailed "continue later" link.
    resume_hash text unique,
    resume_expires_at bigint,
    -- JSON of the draft.
    data text not null,
    -- A member of staff registering on someone's behalf.
    created_by bigint references account (account_id),
    referral_id bigint references referral (referral_id),
    created_at bigint not null,
    updated_at bigint not null
);

create table questionnaire_response (
    questionnaire_response_id integer primary key,
    account_id bigint not null references account (account_id),
    national_id text not null,
    referral_id bigint references referral (referral_id),
    instrument text not null,
    version text not null,
    -- JSON: answers by item id.
    answers text not null,
    -- JSON: the score as computed when answered.
    score text not null,
    risk bigint not null default 0,
    source text not null,
    answered_at bigint not null
);
create index questionnaire_response_person on questionnaire_response (account_id, instrument, answered_at);
