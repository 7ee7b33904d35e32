-- An urgent referral's alert to its service's intake: when it is due, or while a pass
-- is sending it, until when that pass holds it. Null when there is nothing to send.
alter table referral add column alert_due_at bigint;
create index referral_alert_due on referral (alert_due_at) where alert_due_at is not null;
