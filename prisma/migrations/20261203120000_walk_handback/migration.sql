-- Who may take a walk from whom (issue 18, item 8). A coverer's takeover remembers whose call it
-- was, so that technician can ask for it back and the coverer can hand it back; a handler may put
-- a walk back on the desk for a peer to pick up; the request to get a call back is part of the
-- walk's live state.
ALTER TABLE "walk_sessions"
  ADD COLUMN "taken_from_user_id" UUID,
  ADD COLUMN "handback_requested_at" TIMESTAMPTZ(6),
  ADD COLUMN "released_at" TIMESTAMPTZ(6);
ALTER TABLE "walk_sessions" ADD CONSTRAINT "walk_sessions_taken_from_user_id_fkey"
  FOREIGN KEY ("taken_from_user_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
