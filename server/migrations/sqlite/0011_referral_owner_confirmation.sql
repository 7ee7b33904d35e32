-- A referral that names the email of an existing account is only that account's once
-- its holder confirms it, by a single-use link sent to the address: until then it is
-- not on their My page, its answers are not offered to them, and nothing else of it
-- is shown to them. Referrals sent before this change count as confirmed.
alter table referral add column owner_confirmed_at bigint;
alter table referral add column owner_claim_hash text;
update referral set owner_confirmed_at = submitted_at;
create unique index referral_owner_claim on referral (owner_claim_hash);
