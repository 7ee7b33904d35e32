-- When the session's person last gave their password and a code again (to replace the
-- second factor, which a session alone must not be able to do).
alter table session add column reauthenticated_at bigint;
