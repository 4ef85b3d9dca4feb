-- A rep's private sea as the claim limits and the event assignment count it (by kind; `counts: notBought`
-- reads last_deal_at), answered from the index alone (docs/pools.md "Claims", "Reactivation"). Written by
-- hand: drizzle cannot declare INCLUDE columns.
CREATE INDEX IF NOT EXISTS "customers_private_owner_idx" ON "customers" USING btree ("org_id", "owner_id", "kind")
  INCLUDE ("last_deal_at") WHERE "pool_state" = 'private' AND "deleted_at" IS NULL;
