import { sql, type Kysely } from 'kysely';

// The append-only log. Frozen in time: later changes get a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE streams (
      stream_id text PRIMARY KEY,
      tenant text NOT NULL,
      version bigint NOT NULL CHECK (version >= 1),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE events (
      position bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME events_position_seq) PRIMARY KEY,
      stream_id text NOT NULL,
      stream_version bigint NOT NULL CHECK (stream_version >= 1),
      event_id uuid NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      tenant text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      CONSTRAINT events_event_id_key UNIQUE (event_id),
      CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
    )`.execute(db);
  // Readers filter by type or tenant and always go in position order.
  await sql`CREATE INDEX events_type_position_idx ON events (type, position)`.execute(db);
  await sql`CREATE INDEX events_tenant_position_idx ON events (tenant, position)`.execute(db);
  // recorded_at grows with position: a BRIN index finds "as of time T" for almost no write cost.
  await sql`CREATE INDEX events_recorded_at_brin ON events USING brin (recorded_at)`.execute(db);

  // Immutability is enforced by the database, not by convention: row triggers refuse UPDATE
  // and DELETE, a statement trigger refuses TRUNCATE, and ENABLE ALWAYS keeps them firing under
  // session_replication_role = replica. The one exception is the documented erasure path
  // (almanac_erase_event), which may only blank data/metadata of a single event: the trigger
  // checks its own call stack, so setting almanac.erasure by hand does not open the door.
  await sql`
    CREATE FUNCTION almanac_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      v_stack text;
    BEGIN
      IF TG_OP = 'UPDATE' AND current_setting('almanac.erasure', true) = 'on' THEN
        GET DIAGNOSTICS v_stack = PG_CONTEXT;
        IF v_stack LIKE '%PL/pgSQL function almanac_erase_event(uuid,text)%'
           AND NEW.position = OLD.position AND NEW.stream_id = OLD.stream_id
           AND NEW.stream_version = OLD.stream_version AND NEW.event_id = OLD.event_id
           AND NEW.type = OLD.type AND NEW.tenant = OLD.tenant AND NEW.recorded_at = OLD.recorded_at
           AND NEW.transaction_id = OLD.transaction_id
           AND (NEW.data ->> '$erased') = 'true' AND NEW.metadata = '{"$erased": true}'::jsonb THEN
          RETURN NEW;
        END IF;
      END IF;
      RAISE EXCEPTION 'the % table is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'AL001', HINT = 'Erasure has its own path: see docs/event-log.md';
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER events_refuse_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION almanac_events_refuse_change()`.execute(db);
  await sql`
    CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION almanac_events_refuse_change()`.execute(db);
  await sql`ALTER TABLE events ENABLE ALWAYS TRIGGER events_refuse_update_delete`.execute(db);
  await sql`ALTER TABLE events ENABLE ALWAYS TRIGGER events_refuse_truncate`.execute(db);
  // A deleted stream row would let its versions start again at 1: streams only ever grow.
  // (No UPDATE trigger: it would cost every append; the append statement never moves a
  // stream to another tenant.)
  await sql`
    CREATE TRIGGER streams_refuse_delete BEFORE DELETE ON streams
    FOR EACH ROW EXECUTE FUNCTION almanac_events_refuse_change()`.execute(db);
  await sql`
    CREATE TRIGGER streams_refuse_truncate BEFORE TRUNCATE ON streams
    FOR EACH STATEMENT EXECUTE FUNCTION almanac_events_refuse_change()`.execute(db);
  await sql`ALTER TABLE streams ENABLE ALWAYS TRIGGER streams_refuse_delete`.execute(db);
  await sql`ALTER TABLE streams ENABLE ALWAYS TRIGGER streams_refuse_truncate`.execute(db);

  // Every erasure leaves a trace: which event, why, when and by whom (never what it said).
  await sql`
    CREATE TABLE event_erasures (
      event_id uuid PRIMARY KEY,
      reason text NOT NULL,
      erased_at timestamptz NOT NULL DEFAULT now(),
      erased_by text NOT NULL DEFAULT current_user
    )`.execute(db);

  await sql`
    CREATE FUNCTION almanac_erase_event(p_event_id uuid, p_reason text) RETURNS boolean
    LANGUAGE plpgsql AS $$
    DECLARE
      v_found boolean;
    BEGIN
      IF coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION 'an erasure needs a reason' USING ERRCODE = '22023';
      END IF;
      PERFORM set_config('almanac.erasure', 'on', true);
      UPDATE events
         SET data = jsonb_build_object('$erased', true, 'reason', p_reason, 'erased_at', now()),
             metadata = '{"$erased": true}'::jsonb
       WHERE event_id = p_event_id AND NOT (data ? '$erased');
      v_found := FOUND;
      PERFORM set_config('almanac.erasure', 'off', true);
      IF v_found THEN
        INSERT INTO event_erasures (event_id, reason) VALUES (p_event_id, p_reason);
      END IF;
      RETURN v_found;
    END
    $$`.execute(db);
  // Erasure is an operator's act, not an application's.
  await sql`REVOKE EXECUTE ON FUNCTION almanac_erase_event(uuid, text) FROM PUBLIC`.execute(db);

  // Where the log is complete. Positions come from a sequence, so a transaction can commit a
  // higher position before another commits a lower one. Every appender holds RowExclusiveLock
  // on events from before it draws a position until it ends, so: read the sequence first, then
  // the set of transactions holding that lock. Once all of those have ended, no position at or
  // below the sequence value read can still appear. Nothing here depends on transaction ids,
  // so checkpoints (plain positions) stay valid in a restored dump on a fresh cluster.
  await sql`
    CREATE FUNCTION almanac_log_horizon(p_pending text[])
    RETURNS TABLE (last_position bigint, writers text[], still_active text[])
    LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      v_last bigint;
      v_called boolean;
    BEGIN
      SELECT s.last_value, s.is_called INTO v_last, v_called FROM events_position_seq s;
      IF NOT v_called THEN v_last := 0; END IF;
      -- One scan of the lock table: it takes every lock partition's lock, so it is the cost.
      RETURN QUERY
        SELECT v_last,
               coalesce(array_agg(DISTINCT l.virtualtransaction)
                          FILTER (WHERE l.pid IS DISTINCT FROM pg_backend_pid()), '{}'),
               coalesce(array_agg(DISTINCT l.virtualtransaction)
                          FILTER (WHERE l.virtualtransaction = ANY (p_pending)), '{}')
          FROM pg_locks l
         WHERE l.locktype = 'relation' AND l.relation = 'events'::regclass
           AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
           AND l.mode = 'RowExclusiveLock';
    END
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS almanac_log_horizon(text[])`.execute(db);
  await sql`DROP FUNCTION IF EXISTS almanac_erase_event(uuid, text)`.execute(db);
  await sql`DROP TABLE IF EXISTS event_erasures`.execute(db);
  await sql`DROP TABLE IF EXISTS events`.execute(db);
  await sql`DROP TABLE IF EXISTS streams`.execute(db);
  await sql`DROP FUNCTION IF EXISTS almanac_events_refuse_change()`.execute(db);
}
