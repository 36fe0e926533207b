import { deterministicId } from '../shared/event-ids.js';

export const memoryStreamId = (memoryId: string): string => `memory-${memoryId}`;

/** One memory per command: a retried RecordMemory lands on the same stream. */
export const memoryIdForCommand = (tenant: string, commandId: string): string =>
  deterministicId(`${tenant}:memory:${commandId}`);

export interface FactKey {
  readonly subjectType: string;
  readonly subjectId: string;
  readonly factType: string;
  readonly key: string;
}

export const factIdFor = (tenant: string, k: FactKey): string =>
  deterministicId(`${tenant}:fact:${k.subjectType}:${k.subjectId}:${k.factType}:${k.key}`);

export const factStreamId = (factId: string): string => `fact-${factId}`;

export const factIdFromStream = (streamId: string): string => streamId.slice('fact-'.length);
export const memoryIdFromStream = (streamId: string): string => streamId.slice('memory-'.length);
