import type { Kysely } from 'kysely';
import { defaultPromptTemplates } from '../../domain/ontology/default-prompt-templates.js';
import { serviceBlueprintDefinitionSchema } from '../../domain/ontology/service-blueprint.events.js';
import { workflowDefinitionSchema } from '../../domain/ontology/workflow.events.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { CandidateWorkflow } from '../../domain/planner/offline-planner.js';
import type { Database } from '../../ports/database.schema.js';
import type { ActivePrompt, CatalogBlueprint, OntologyCatalog } from '../../ports/ontology-catalog.port.js';
import { activePromptTemplate } from '../../queries/planner/prompt-templates.query.js';
import { getServiceBlueprint } from '../../queries/planner/service-blueprints.query.js';
import { getWorkflow, listWorkflows, type WorkflowView } from '../../queries/planner/workflows.query.js';

const toCandidate = (w: WorkflowView): CandidateWorkflow => ({
  workflowId: w.id,
  version: w.version,
  definition: workflowDefinitionSchema.parse({
    name: w.name,
    description: w.description,
    ...(w.capability ? { capability: w.capability } : {}),
    keywords: w.keywords,
    steps: w.steps,
    ...(w.parentWorkflowId ? { parentWorkflowId: w.parentWorkflowId } : {}),
    metadata: w.metadata,
  }),
});

/** The ontology and prompt templates as the planner's handlers see them (read models). */
export class ReadModelOntologyCatalog implements OntologyCatalog {
  constructor(private readonly db: Kysely<Database>) {}

  async workflows(tenant: string, options: { limit?: number } = {}): Promise<CandidateWorkflow[]> {
    return (await listWorkflows(this.db, tenant, { limit: options.limit ?? 200 })).map(toCandidate);
  }

  async workflow(tenant: string, workflowId: string): Promise<CandidateWorkflow | undefined> {
    const w = await getWorkflow(this.db, tenant, workflowId);
    return w ? toCandidate(w) : undefined;
  }

  async blueprint(tenant: string, blueprintId: string): Promise<CatalogBlueprint | undefined> {
    const b = await getServiceBlueprint(this.db, tenant, blueprintId);
    if (!b) return undefined;
    return {
      blueprintId: b.id,
      version: b.version,
      definition: serviceBlueprintDefinitionSchema.parse({
        name: b.name,
        description: b.description,
        ...(b.offerId ? { offerId: b.offerId } : {}),
        workflowSequence: b.workflowSequence,
        ...(b.estimatedDurationHours !== null ? { estimatedDurationHours: b.estimatedDurationHours } : {}),
        metadata: b.metadata,
      }),
    };
  }

  async activePrompt(tenant: string, name: string): Promise<ActivePrompt> {
    const t = await activePromptTemplate(this.db, tenant, name);
    if (!t) {
      throw new AppError('PROMPT_TEMPLATE.NOT_FOUND', `no prompt template named ${name}`, { name, shipped: Object.keys(defaultPromptTemplates) });
    }
    return { name: t.name, version: t.version, content: t.content, model: t.model };
  }
}
