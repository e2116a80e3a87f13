-- L1 categories (DESIGN §13): the enabled set is stored per account, and a new account starts with
-- every category above the hard floor enabled (src/services/categories/catalogue.ts; a test checks
-- this default against it). Accounts from before get the same.
ALTER TABLE "accounts" ALTER COLUMN "enabled_l1_categories" SET DEFAULT ARRAY[
  'password_reset', 'mfa', 'email', 'printing', 'network', 'vpn', 'software', 'hardware', 'browser',
  'file_access', 'phone', 'meetings', 'onboarding'
]::TEXT[];
UPDATE "accounts" SET "enabled_l1_categories" = DEFAULT
  WHERE "enabled_l1_categories" IS NULL OR cardinality("enabled_l1_categories") = 0;
ALTER TABLE "accounts" ALTER COLUMN "enabled_l1_categories" SET NOT NULL;
