-- Whether a chunk's document is active, on the chunk: retrieval filters its candidates without a
-- join to kb_documents, which the planner, under row-level security, ran as a scan of the
-- account's documents per candidate (1.7 s for one search at 10 000 articles). Kept by a trigger.
ALTER TABLE "kb_chunks" ADD COLUMN "active" BOOLEAN NOT NULL DEFAULT true;
UPDATE "kb_chunks" c SET "active" = false FROM "kb_documents" d WHERE d.id = c.document_id AND d.status <> 'active';
CREATE FUNCTION public.l1_kb_chunks_active() RETURNS trigger LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE kb_chunks SET active = (NEW.status = 'active') WHERE document_id = NEW.id AND active <> (NEW.status = 'active');
  RETURN NEW;
END
$$;
CREATE TRIGGER "kb_documents_chunks_active" AFTER UPDATE OF "status" ON "kb_documents"
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION public.l1_kb_chunks_active();

CREATE OR REPLACE FUNCTION "l1_kb"."matching_chunks"(q tsquery, n integer)
  RETURNS TABLE (id uuid, document_id uuid, search_vector tsvector)
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 100
  SET search_path = public, pg_temp
  SET enable_seqscan = off
  AS $$
    SELECT c.id, c.document_id, c.search_vector FROM kb_chunks c
    WHERE c.search_vector @@ q AND c.active AND c.account_id = nullif(current_setting('app.current_account_id', true), '')::uuid
    LIMIT n
  $$;

-- Typos ("pritner", "certficate"): a trigram probe of every title grows with the knowledge base (a
-- short word shares trigrams with most titles: 300 ms at 10 000 articles), so a misspelt word is
-- matched against the account's title words instead, a vocabulary of a few thousand words however
-- many articles there are, kept by a trigger; search then runs again with the corrected words.
CREATE TABLE "kb_title_words" (
  "account_id" UUID NOT NULL,
  "word" VARCHAR(40) NOT NULL,
  CONSTRAINT "kb_title_words_pkey" PRIMARY KEY ("account_id", "word")
);
CREATE INDEX "kb_title_words_word_trgm_idx" ON "kb_title_words" USING gin ("word" gin_trgm_ops) WITH (fastupdate = off);
ALTER TABLE "kb_title_words" ADD CONSTRAINT "kb_title_words_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
GRANT SELECT, INSERT, UPDATE, DELETE ON "kb_title_words" TO l1_app, l1_system;
ALTER TABLE "kb_title_words" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "kb_title_words" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "kb_title_words" TO l1_app
  USING ("account_id" = (SELECT nullif(current_setting('app.current_account_id', true), '')::uuid))
  WITH CHECK ("account_id" = (SELECT nullif(current_setting('app.current_account_id', true), '')::uuid));
CREATE POLICY "system_all" ON "kb_title_words" TO l1_system USING (true) WITH CHECK (true);

-- Words as a search splits them: unaccented, lower case, letters and digits; numbers alone and
-- words under three letters give a typo nothing to be corrected to.
CREATE FUNCTION public.l1_title_words(title text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT DISTINCT w FROM regexp_split_to_table(l1_unaccent(lower(title)), '[^[:alnum:]]+') AS w
  WHERE length(w) BETWEEN 3 AND 40 AND w !~ '^[0-9]+$'
$$;
GRANT EXECUTE ON FUNCTION public.l1_title_words(text) TO l1_app, l1_system;

-- Runs as the writer, under its row-level security: a document's words go to its own account.
CREATE FUNCTION public.l1_kb_title_words() RETURNS trigger LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO kb_title_words (account_id, word) SELECT NEW.account_id, w FROM l1_title_words(NEW.title) AS w
  ON CONFLICT DO NOTHING;
  RETURN NEW;
END
$$;
CREATE TRIGGER "kb_documents_title_words" AFTER INSERT OR UPDATE OF "title" ON "kb_documents"
  FOR EACH ROW EXECUTE FUNCTION public.l1_kb_title_words();
INSERT INTO kb_title_words (account_id, word)
  SELECT DISTINCT d.account_id, w FROM kb_documents d, l1_title_words(d.title) AS w ON CONFLICT DO NOTHING;

-- The title word closest to `w` (trigram similarity at least 0.3), or null; an index probe, so a
-- l1_system function like the others in l1_kb, naming the current account itself.
CREATE FUNCTION "l1_kb"."closest_title_word"(w text) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public, pg_temp
  SET pg_trgm.similarity_threshold = 0.3
  SET enable_seqscan = off
  AS $$
    SELECT t.word FROM kb_title_words t
    WHERE t.word % w AND t.account_id = nullif(current_setting('app.current_account_id', true), '')::uuid
    ORDER BY similarity(t.word, w) DESC, t.word LIMIT 1
  $$;
ALTER FUNCTION "l1_kb"."closest_title_word"(text) OWNER TO l1_system;
REVOKE ALL ON FUNCTION "l1_kb"."closest_title_word"(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "l1_kb"."closest_title_word"(text) TO l1_app;
