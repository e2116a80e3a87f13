-- Intake needs only the problem statement (DESIGN §14, as in the seed plan): an L1 with a caller on
-- the line starts at once, and who is calling may be unknown or come later. A ticket opened without
-- a customer name or contact stores null, never an empty string: the API turns blanks into null,
-- and these checks hold any other writer to the same rule.
ALTER TABLE "internal_tickets"
  ALTER COLUMN "customer_name" DROP NOT NULL,
  ALTER COLUMN "customer_contact" DROP NOT NULL;
-- Blanks written before the API refused them become null first. The owner lifts FORCE for this
-- rewrite only: under it, a non-superuser owner sees no rows.
ALTER TABLE "internal_tickets" NO FORCE ROW LEVEL SECURITY;
UPDATE "internal_tickets" SET "customer_name" = NULL WHERE length(btrim("customer_name")) = 0;
UPDATE "internal_tickets" SET "customer_contact" = NULL WHERE length(btrim("customer_contact")) = 0;
ALTER TABLE "internal_tickets" FORCE ROW LEVEL SECURITY;
ALTER TABLE "internal_tickets"
  ADD CONSTRAINT "internal_tickets_customer_name_check" CHECK ("customer_name" IS NULL OR length(btrim("customer_name")) > 0),
  ADD CONSTRAINT "internal_tickets_customer_contact_check" CHECK ("customer_contact" IS NULL OR length(btrim("customer_contact")) > 0);
