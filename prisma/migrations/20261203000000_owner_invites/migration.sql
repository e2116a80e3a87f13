-- A new account's first owner joins through an invite made by `npm run account:create` (the API
-- itself still refuses to invite owners: src/services/invites.ts).
ALTER TABLE "invites" DROP CONSTRAINT "invites_role_check";
ALTER TABLE "invites" ADD CONSTRAINT "invites_role_check" CHECK ("role" IN ('owner', 'admin', 'engineer', 'l1_tech', 'viewer'));
