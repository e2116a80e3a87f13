-- Principal caching (src/services/principal-cache.ts): every change to a user, a session or an API
-- token, made by the app, a job or by hand in SQL, notifies channel `l1_auth` when it commits, so
-- each instance forgets what it had cached about that user or token. The payload names only the
-- owner: 'u:<user id>' or 't:<api token id>'.
CREATE FUNCTION "l1_auth"."notify_change"() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF TG_TABLE_NAME = 'api_tokens' THEN
    PERFORM pg_notify('l1_auth', 't:' || OLD.id::text);
  ELSIF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('l1_auth', 'u:' || OLD.id::text);
  ELSE
    PERFORM pg_notify('l1_auth', 'u:' || OLD.user_id::text);
  END IF;
  RETURN NULL;
END
$$;
ALTER FUNCTION "l1_auth"."notify_change"() OWNER TO l1_system;
REVOKE ALL ON FUNCTION "l1_auth"."notify_change"() FROM PUBLIC;

CREATE TRIGGER "users_auth_change" AFTER UPDATE OR DELETE ON "users"
  FOR EACH ROW EXECUTE FUNCTION "l1_auth"."notify_change"();
CREATE TRIGGER "auth_sessions_auth_change" AFTER UPDATE OR DELETE ON "auth_sessions"
  FOR EACH ROW EXECUTE FUNCTION "l1_auth"."notify_change"();
CREATE TRIGGER "api_tokens_auth_change" AFTER UPDATE OR DELETE ON "api_tokens"
  FOR EACH ROW EXECUTE FUNCTION "l1_auth"."notify_change"();
