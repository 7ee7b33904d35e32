-- Enrolment in the second factor: a secret and recovery codes wait here until the
-- person proves their app works by typing a code.
alter table account add column totp_pending_secret text;
alter table recovery_code add column pending bigint not null default 0;
