-- How people reach the service by phone, and when it answers on weekdays ("08:00",
-- "15:30"). Shown to a person with the next steps of their referral.
alter table service add column phone text;
alter table service add column phone_opens text;
alter table service add column phone_closes text;
