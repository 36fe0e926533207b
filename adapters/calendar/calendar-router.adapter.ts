import type { BusyEvent } from '../../domain/scheduler/scheduler.events.js';
import type { CalendarBlockWrite, CalendarPort, CalendarStatus, CalendarWriter, TimeRange } from '../../ports/calendar.port.js';

/**
 * Per tenant: Google when the tenant connected it, the built-in calendar otherwise. Busy time
 * imported into the built-in calendar (.ics uploads, synced events) always counts.
 */
export function calendarRouter(builtin: CalendarPort & CalendarWriter, google: (CalendarPort & CalendarWriter) | undefined): CalendarPort & CalendarWriter {
  const pick = async (tenant: string): Promise<{ status: CalendarStatus; google: boolean }> => {
    if (!google) return { status: await builtin.calendarFor(tenant), google: false };
    const status = await google.calendarFor(tenant);
    return { status, google: status.provider === 'google' };
  };
  return {
    calendarFor: async (tenant) => (await pick(tenant)).status,
    async busyTime(tenant: string, range: TimeRange): Promise<BusyEvent[]> {
      const local = await builtin.busyTime(tenant, range);
      if (!(await pick(tenant)).google) return local;
      return [...local, ...(await google!.busyTime(tenant, range))];
    },
    async upsertBlock(block: CalendarBlockWrite) {
      return (await pick(block.tenant)).google ? google!.upsertBlock(block) : builtin.upsertBlock(block);
    },
    async removeBlock(block) {
      if ((await pick(block.tenant)).google) await google!.removeBlock(block);
    },
  };
}
