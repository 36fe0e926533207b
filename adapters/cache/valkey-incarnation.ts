import type { Valkey } from 'iovalkey';

/**
 * The `run_id` of the Valkey server the client is connected to. It changes when the server
 * restarts, and a restart can bring back an older snapshot (compose saves every 60 s) in which
 * values that were overwritten since look current again; a value stamped with the run_id it
 * was written under can be told apart. Undefined while the client is not connected, at once:
 * callers fall back rather than wait, except for the very first connection (up to
 * `firstConnectMs`), so a process that just started does not report a healthy Valkey as down.
 */
export function valkeyIncarnation(client: Valkey, options: { firstConnectMs?: number } = {}): () => Promise<string | undefined> {
  let runId: Promise<string | undefined> | undefined;
  let firstConnect: Promise<boolean> | undefined;
  let everReady = client.status === 'ready';
  const fetch = (): Promise<string | undefined> => {
    const p = client.info('server').then(
      (info) => /^run_id:(\S+)/m.exec(info)?.[1],
      () => undefined,
    );
    // A failed lookup is not remembered: the next caller asks again.
    void p.then((id) => {
      if (id === undefined && runId === p) runId = undefined;
    });
    return p;
  };
  const reset = () => {
    runId = undefined;
  };
  client.on('close', reset);
  client.on('reconnecting', reset);
  client.on('end', reset);
  client.on('ready', () => {
    everReady = true;
    runId = fetch();
  });
  const awaitFirstConnect = () =>
    (firstConnect ??= new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), options.firstConnectMs ?? 1_000);
      client.once('ready', onReady);
    }));
  const ready = () => client.status === 'ready';
  return async () => {
    if (!ready()) {
      if (everReady || !['wait', 'connecting', 'connect'].includes(client.status)) return undefined;
      if (!(await awaitFirstConnect()) || !ready()) return undefined;
    }
    runId ??= fetch();
    return runId;
  };
}
