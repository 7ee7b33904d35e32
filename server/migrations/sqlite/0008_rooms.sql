-- Video rooms and who attended them. Nothing of the media is ever stored: only who
-- was in the room, under which shown name, and from when to when.

create table room (
    room_id integer primary key,
    -- The unguessable part of the room's link.
    code text not null unique,
    service_id bigint not null references service (service_id),
    title text not null,
    created_by bigint not null references account (account_id),
    created_at bigint not null,
    ended_at bigint
);
create index room_service on room (service_id, created_at);

create table room_attendance (
    room_attendance_id integer primary key,
    room_id bigint not null references room (room_id),
    account_id bigint not null references account (account_id),
    -- First name or chosen alias, as the others saw it.
    shown_name text not null,
    host bigint not null default 0,
    joined_at bigint not null,
    left_at bigint
);
create index room_attendance_room on room_attendance (room_id, joined_at);
