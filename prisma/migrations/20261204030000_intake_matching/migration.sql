-- Intake matching (DESIGN §14). Each flow carries a weighted text vector of what it is about — its
-- title (A), description (B) and the node texts and answer labels of the version intake pins (C) —
-- rebuilt whenever one of those changes (a publish moves latest_version_id), so intake ranks the
-- account's published flows through a GIN index instead of reading their trees. The same
-- normalisation (l1_search_text) is applied to problem statements at intake, so "Wi-Fi" and
-- "wifi", "won't" and "will not" meet.
CREATE FUNCTION l1_search_text(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    lower(coalesce(t, '')),
    '[’'']', '''', 'g'),
    '\m(won|can|don|doesn|didn|isn|aren|wasn|weren|couldn|wouldn|shouldn|haven|hasn)''t\M', ' not ', 'g'),
    '\mwi[- ]?fi\M', 'wifi', 'g'),
    '\me[- ]mail', 'email', 'g'),
    '\m(log|sign)[- ](in|on)\M', '\1in', 'g'),
    '\mset[- ]up\M', 'setup', 'g')
$$;

CREATE FUNCTION l1_flow_search_vector(title text, description text, version_id uuid) RETURNS tsvector
  LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT setweight(to_tsvector('english'::regconfig, l1_search_text(title)), 'A')
      || setweight(to_tsvector('english'::regconfig, l1_search_text(description)), 'B')
      || setweight(to_tsvector('english'::regconfig, l1_search_text(coalesce((
           SELECT string_agg(concat_ws(' ', n->>'text', n->>'yesLabel', n->>'noLabel'), ' ')
           FROM flow_versions v
           CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(v.nodes) = 'array' THEN v.nodes ELSE '[]'::jsonb END) n
           WHERE v.id = version_id), ''))), 'C')
$$;

ALTER TABLE "flows" ADD COLUMN "search" tsvector NOT NULL DEFAULT ''::tsvector;

CREATE FUNCTION l1_flows_search() RETURNS trigger
  LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.title IS DISTINCT FROM OLD.title OR NEW.description IS DISTINCT FROM OLD.description
     OR NEW.latest_version_id IS DISTINCT FROM OLD.latest_version_id THEN
    NEW.search := l1_flow_search_vector(NEW.title, NEW.description, NEW.latest_version_id);
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER "flows_search" BEFORE INSERT OR UPDATE OF "title", "description", "latest_version_id" ON "flows"
  FOR EACH ROW EXECUTE FUNCTION l1_flows_search();

UPDATE "flows" SET "search" = l1_flow_search_vector("title", "description", "latest_version_id");
CREATE INDEX "flows_search_idx" ON "flows" USING GIN ("search");

-- How often a flow's walks resolve is part of its rank (services/flows/outcomes.ts): counted per
-- flow and status from this index alone.
CREATE INDEX "walk_sessions_flow_status_idx" ON "walk_sessions"("flow_id", "status") WHERE "flow_id" IS NOT NULL;

-- A BUILD intake lists the KB chunks it retrieved on its walk (WalkSession.knowledge). Ids only:
-- an archived or edited document leaves the walk's list as it was at intake, and reads skip what
-- is gone.
ALTER TABLE "walk_sessions" ADD COLUMN "kb_chunk_ids" UUID[] NOT NULL DEFAULT '{}';
