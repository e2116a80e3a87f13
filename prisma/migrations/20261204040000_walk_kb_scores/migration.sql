-- The relevance each chunk of a BUILD walk had at intake, beside kb_chunk_ids (same order), so the
-- walk lists its knowledge as it was found (WalkSession.knowledge) without searching again.
ALTER TABLE "walk_sessions" ADD COLUMN "kb_chunk_scores" DOUBLE PRECISION[] NOT NULL DEFAULT '{}';
