-- Services, the municipalities they serve, accounts and their roles.
-- Timestamps are unix seconds; ids are 64-bit integers (same as PostgreSQL).

create table service (
    service_id integer primary key,
    slug text not null unique,
    name text not null,
    created_at bigint not null,
    updated_at bigint not null
);

create table municipality (
    municipality_id integer primary key,
    -- The four-digit kommunenummer.
    number text not null unique,
    name text not null
);

create table service_municipality (
    service_id bigint not null references service (service_id) on delete cascade,
    municipality_id bigint not null references municipality (municipality_id),
    primary key (service_id, municipality_id)
);

create table account (
    account_id integer primary key,
    email text not null unique,
    display_name text not null,
    password_hash text,
    -- 'citizen' or 'staff'
    kind text not null check (kind in ('citizen', 'staff')),
    email_verified_at bigint,
    deactivated_at bigint,
    created_at bigint not null,
    updated_at bigint not null
);

create table membership (
    account_id bigint not null references account (account_id) on delete cascade,
    service_id bigint not null references service (service_id) on delete cascade,
    role text not null check (role in ('intake', 'therapist', 'lead', 'specialist_guest')),
    created_at bigint not null,
    primary key (account_id, service_id)
);
