-- Knowledge base (DESIGN §12): the account's own articles, normalised to Markdown, and the chunks
-- retrieval ranks (src/services/kb/). Search runs inside Postgres: a weighted tsvector per chunk
-- (title A, headings B, body C) through unaccent, and trigrams on document titles for typos.
--
-- pg_trgm and unaccent are trusted extensions (Postgres 13+): the migration owner needs CREATE on
-- the database, not superuser, so this runs on embedded Postgres (contrib ships in its binaries)
-- and on an external server alike. An extension already installed in another schema is reused.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent(text) is STABLE (it looks its dictionary up through search_path), so it cannot appear in
-- a generated column or an index. The two-argument form names the dictionary, which makes it safe
-- to declare IMMUTABLE; the wrapper is written with the schema the extension actually lives in.
DO $$
DECLARE
  s text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent');
BEGIN
  EXECUTE format(
    'CREATE OR REPLACE FUNCTION public.l1_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
     RETURN %1$I.unaccent(%2$L::regdictionary, $1)', s, s || '.unaccent');
END
$$;

-- Heading paths as one string for the vector (array_to_string is only STABLE in general; for
-- text[] it is immutable).
CREATE FUNCTION public.l1_join_text(text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN array_to_string($1, ' ');

-- Snippets (ts_headline) parse the original text, accents included; this configuration folds
-- accents while it stems, so "café" in an article is marked for a search of "cafe". Vectors and
-- queries use 'english' over l1_unaccent, which yields the same lexemes.
DO $$
DECLARE
  s text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent');
BEGIN
  CREATE TEXT SEARCH CONFIGURATION public.l1_english (COPY = pg_catalog.english);
  EXECUTE format('ALTER TEXT SEARCH CONFIGURATION public.l1_english
    ALTER MAPPING FOR hword, hword_part, word WITH %I.unaccent, pg_catalog.english_stem', s);
END
$$;

CREATE TABLE "kb_documents" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "title" VARCHAR(300) NOT NULL,
  -- Normalised Markdown, whatever the original was (HTML is sanitised, then converted).
  "body" TEXT NOT NULL,
  "format" TEXT NOT NULL CHECK ("format" IN ('markdown', 'html', 'text')),
  "source" TEXT NOT NULL CHECK ("source" IN ('upload', 'paste', 'it_glue', 'hudu', 'ms_graph')),
  -- Connector documents only (DESIGN §16): the upstream id, link and last change.
  "external_id" VARCHAR(300),
  "external_url" VARCHAR(2000),
  "upstream_updated_at" TIMESTAMPTZ(6),
  -- An L1 category key (src/services/categories/catalogue.ts), or none.
  "category" VARCHAR(100),
  -- sha256 (hex) of the normalised body: the same article twice is a duplicate.
  "content_hash" CHAR(64) NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'archived')),
  "created_by" UUID,
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "kb_documents_pkey" PRIMARY KEY ("id")
);
-- An archived article may be imported again; two active copies may not.
CREATE UNIQUE INDEX "kb_documents_account_id_content_hash_key" ON "kb_documents"("account_id", "content_hash") WHERE "status" = 'active';
CREATE UNIQUE INDEX "kb_documents_account_id_source_external_id_key" ON "kb_documents"("account_id", "source", "external_id") WHERE "external_id" IS NOT NULL;
-- The library list: newest first, per account and status.
CREATE INDEX "kb_documents_account_id_status_created_at_id_idx" ON "kb_documents"("account_id", "status", "created_at" DESC, "id" DESC);
-- Typos in titles (similarity, word_similarity) use this index.
CREATE INDEX "kb_documents_title_trgm_idx" ON "kb_documents" USING gin ((l1_unaccent(lower("title"))) gin_trgm_ops);
ALTER TABLE "kb_documents" ADD CONSTRAINT "kb_documents_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "kb_documents" ADD CONSTRAINT "kb_documents_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "kb_chunks" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "document_id" UUID NOT NULL,
  "ordinal" INTEGER NOT NULL,
  -- The document's title, copied so the generated vector can weigh it (a generated column sees
  -- its own row only); rewritten with the chunks whenever the document changes.
  "document_title" VARCHAR(300) NOT NULL,
  -- Headings above the chunk, outermost first.
  "heading_path" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  "text" TEXT NOT NULL,
  "search_vector" TSVECTOR GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, l1_unaccent("document_title")), 'A')
    || setweight(to_tsvector('english'::regconfig, l1_unaccent(l1_join_text("heading_path"))), 'B')
    || setweight(to_tsvector('english'::regconfig, l1_unaccent("text")), 'C')
  ) STORED,
  CONSTRAINT "kb_chunks_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "kb_chunks_document_id_ordinal_key" ON "kb_chunks"("document_id", "ordinal");
CREATE INDEX "kb_chunks_search_vector_idx" ON "kb_chunks" USING gin ("search_vector");
ALTER TABLE "kb_chunks" ADD CONSTRAINT "kb_chunks_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "kb_chunks" ADD CONSTRAINT "kb_chunks_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "kb_documents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE, DELETE ON "kb_documents", "kb_chunks" TO l1_app, l1_system;
GRANT EXECUTE ON FUNCTION public.l1_unaccent(text), public.l1_join_text(text[]) TO l1_app, l1_system;

ALTER TABLE "kb_documents" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "kb_documents" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "kb_documents" TO l1_app
  USING ("account_id" = (SELECT nullif(current_setting('app.current_account_id', true), '')::uuid))
  WITH CHECK ("account_id" = (SELECT nullif(current_setting('app.current_account_id', true), '')::uuid));
CREATE POLICY "system_all" ON "kb_documents" TO l1_system USING (true) WITH CHECK (true);

ALTER TABLE "kb_chunks" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "kb_chunks" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "kb_chunks" TO l1_app
  USING ("account_id" = (SELECT nullif(current_setting('app.current_account_id', true), '')::uuid))
  WITH CHECK ("account_id" = (SELECT nullif(current_setting('app.current_account_id', true), '')::uuid));
CREATE POLICY "system_all" ON "kb_chunks" TO l1_system USING (true) WITH CHECK (true);

-- Titles close to a search, typos included (the trigram index serves `<%`). A function so the
-- threshold can be set for this search alone: pg_trgm's default (0.6) misses two swapped letters
-- ("pritner" for "printer" scores 0.375; a dropped letter, "printr", 0.71). Search weighs each
-- title match by its similarity, so a loose one ranks below a real text match. Runs as the
-- caller, under the caller's row-level security.
CREATE FUNCTION public.l1_kb_title_matches(q text, n integer) RETURNS TABLE (document_id uuid, similarity real)
  LANGUAGE sql STABLE PARALLEL SAFE
  SET pg_trgm.word_similarity_threshold = 0.35
  AS $$
    SELECT d.id, word_similarity(l1_unaccent(lower(q)), l1_unaccent(lower(d.title)))
    FROM kb_documents d
    WHERE d.status = 'active' AND l1_unaccent(lower(q)) <% l1_unaccent(lower(d.title))
    ORDER BY 2 DESC, 1
    LIMIT n
  $$;
GRANT EXECUTE ON FUNCTION public.l1_kb_title_matches(text, integer) TO l1_app, l1_system;
