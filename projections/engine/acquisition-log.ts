import type { EngineLogger } from './engine-logger.js';

/**
 * One log line for the projections a process takes at start (not one per projection), then
 * one line per later takeover: names are collected until all are taken or a second passes.
 */
export function acquisitionLog(logger: EngineLogger, total: number, owner: string, quietMs = 1000): (name: string) => void {
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    if (pending.length === 0) return;
    const projections = pending;
    pending = [];
    if (projections.length === 1) logger.info({ projection: projections[0], owner }, 'projection acquired');
    else logger.info({ count: projections.length, of: total, owner, projections }, `acquired ${projections.length} of ${total} projections`);
  };
  return (name) => {
    pending.push(name);
    clearTimeout(timer);
    if (pending.length === total) flush();
    else timer = setTimeout(flush, quietMs).unref();
  };
}
