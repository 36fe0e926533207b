import type { ServiceBlueprintDefinition } from '../domain/ontology/service-blueprint.events.js';
import type { CandidateWorkflow } from '../domain/planner/offline-planner.js';

export interface ActivePrompt {
  readonly name: string;
  /** 0 = the default shipped with Almanac. */
  readonly version: number;
  readonly content: string;
  readonly model: string | null;
}

export interface CatalogBlueprint {
  readonly blueprintId: string;
  readonly version: number;
  readonly definition: ServiceBlueprintDefinition;
}

/** The planner's own read models, as command handlers need them. */
export interface OntologyCatalog {
  workflows(tenant: string, options?: { limit?: number }): Promise<CandidateWorkflow[]>;
  workflow(tenant: string, workflowId: string): Promise<CandidateWorkflow | undefined>;
  blueprint(tenant: string, blueprintId: string): Promise<CatalogBlueprint | undefined>;
  activePrompt(tenant: string, name: string): Promise<ActivePrompt>;
}
