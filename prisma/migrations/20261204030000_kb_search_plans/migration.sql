-- Retrieval's index probes (src/services/kb/search.ts). Under row-level security Postgres will not
-- use an index for an operator that is not LEAKPROOF (it could reveal another tenant's rows before
-- the policy filters them), and the full-text `@@` and trigram `<%` operators are not: every
-- search of kb_chunks would read the whole table. These functions run as l1_system, whose policy
-- lets the index work, and name the current account themselves: each returns only rows of
-- app.current_account_id (none when it is unset), exactly what the caller's own policy would show.
-- Like l1_auth's lookups, they live in a schema of l1_system's so nothing in public needs CREATE
-- for that role.
--
-- Each asks "the first n matching" or "how many, up to cap": a LIMIT with no ORDER BY, for which
-- the planner, estimating a parameter's matches poorly, may choose a sequential scan that stops
-- early; that plan's cost grows with the table, the index's with the matches (which the limit
-- bounds), so the probes turn sequential scans off for themselves.
CREATE SCHEMA "l1_kb" AUTHORIZATION l1_system;
GRANT USAGE ON SCHEMA "l1_kb" TO l1_app;

CREATE FUNCTION "l1_kb"."matching_chunks"(q tsquery, n integer)
  RETURNS TABLE (id uuid, document_id uuid, search_vector tsvector)
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 100
  SET search_path = public, pg_temp
  SET enable_seqscan = off
  AS $$
    SELECT c.id, c.document_id, c.search_vector FROM kb_chunks c
    WHERE c.search_vector @@ q AND c.account_id = nullif(current_setting('app.current_account_id', true), '')::uuid
    LIMIT n
  $$;

CREATE FUNCTION "l1_kb"."term_frequency"(q tsquery, cap integer) RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public, pg_temp
  SET enable_seqscan = off
  AS $$
    SELECT count(*) FROM (
      SELECT 1 FROM kb_chunks c
      WHERE c.search_vector @@ q AND c.account_id = nullif(current_setting('app.current_account_id', true), '')::uuid
      LIMIT cap
    ) x
  $$;

-- Replaces public.l1_kb_title_matches (same contract), for the same reason.
CREATE FUNCTION "l1_kb"."title_matches"(q text, n integer) RETURNS TABLE (document_id uuid, similarity real)
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 20
  SET search_path = public, pg_temp
  SET pg_trgm.word_similarity_threshold = 0.35
  SET enable_seqscan = off
  AS $$
    SELECT d.id, word_similarity(l1_unaccent(lower(q)), l1_unaccent(lower(d.title)))
    FROM kb_documents d
    WHERE d.status = 'active' AND l1_unaccent(lower(q)) <% l1_unaccent(lower(d.title))
      AND d.account_id = nullif(current_setting('app.current_account_id', true), '')::uuid
    ORDER BY 2 DESC, 1
    LIMIT n
  $$;
DROP FUNCTION public.l1_kb_title_matches(text, integer);

ALTER FUNCTION "l1_kb"."matching_chunks"(tsquery, integer) OWNER TO l1_system;
ALTER FUNCTION "l1_kb"."term_frequency"(tsquery, integer) OWNER TO l1_system;
ALTER FUNCTION "l1_kb"."title_matches"(text, integer) OWNER TO l1_system;
REVOKE ALL ON FUNCTION "l1_kb"."matching_chunks"(tsquery, integer), "l1_kb"."term_frequency"(tsquery, integer), "l1_kb"."title_matches"(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "l1_kb"."matching_chunks"(tsquery, integer), "l1_kb"."term_frequency"(tsquery, integer), "l1_kb"."title_matches"(text, integer) TO l1_app;

-- Searches read these indexes far more often than imports write them: entries go straight into
-- the index instead of a pending list that every search would scan until vacuum merges it.
ALTER INDEX "kb_chunks_search_vector_idx" SET (fastupdate = off);
ALTER INDEX "kb_documents_title_trgm_idx" SET (fastupdate = off);
SELECT gin_clean_pending_list('kb_chunks_search_vector_idx'::regclass), gin_clean_pending_list('kb_documents_title_trgm_idx'::regclass);
