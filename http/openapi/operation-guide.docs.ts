/** What an operation is called in a list, and when to use it: what comes before and after. */
export interface OperationGuide {
  readonly summary: string;
  readonly when: string;
}

/**
 * One table for the whole API, keyed by operationId, so the flows (remember → recall;
 * create → approve → schedule → execute → reflect) read in one place. Each route keeps its own
 * one-sentence `description` of what it does; this adds where it sits. The OpenAPI contract
 * test fails on an operation missing here.
 */
export const operationGuide: Readonly<Record<string, OperationGuide>> = {
  // operations
  getHealth: { summary: 'Check health', when: 'Use for liveness and readiness probes and to see projection lag or quarantined streams. Public: no API key needed.' },
  getMetrics: { summary: 'Prometheus metrics', when: 'Scrape with an admin key. Plain text in the Prometheus exposition format, not JSON.' },
  getOpenApi: { summary: 'This OpenAPI document', when: 'Read by tool servers (Open WebUI), client generators and Swagger UI at /docs. Public: no API key needed.' },
  listEvents: {
    summary: 'Read the event log',
    when: 'Use to audit what happened or to follow the log: page with `after` = the previous page\'s `nextAfter` until `hasMore` is false. Read-only; commands write events.',
  },

  // memory
  rememberMemory: {
    summary: 'Remember something',
    when: 'Use whenever the user says something worth keeping (a note, preference, decision, conversation turn). Afterwards, recall finds it; with salience ≥ 0.7 or assert_fact it is also a fact that planning uses.',
  },
  recallMemories: {
    summary: 'Recall memories',
    when: 'Use before answering or planning to fetch what Almanac knows about a question. Read-only. To read a memory you just recorded, pass its `position` as min_position.',
  },
  hotMemories: { summary: 'Hot memories', when: 'Use at the start of a conversation for the most salient recent memories per scope, without a question. Read-only.' },
  listFacts: {
    summary: 'List facts',
    when: 'Use to read beliefs about a subject: current by default, `as_of` for what was true at a time, `known_at` for what Almanac knew then. Facts come from assertFact or salient memories.',
  },
  assertFact: {
    summary: 'Assert a fact',
    when: 'Use to record a belief directly (e.g. a preference the planner must respect). A later assertion with the same subject, fact type and key supersedes it; retractFact ends it.',
  },
  retractFact: { summary: 'Retract a fact', when: 'Use when a fact is no longer believed at all (not replaced: to replace it, assert the new value). The history stays visible with known_at.' },
  forgetMemory: { summary: 'Forget a memory', when: 'Use when the user asks Almanac to forget something; with erase=true its text is also blanked in the log (right to erasure).' },
  graphNeighbors: { summary: 'Explore the graph', when: 'Use to find what is connected to a person, organisation, plan or memory (multi-hop). Nodes come from memory tags, plans, workflows and facts.' },

  // planner
  createPlan: {
    summary: 'Create a plan',
    when: 'Step 1 of planning: turn an intent into a draft plan (an SOP of tasks with estimates). Next: read it with getPlan, revise it with reviseSop if needed, then approvePlan and schedulePlan.',
  },
  listPlans: { summary: 'List plans', when: 'Use to find plans by status, engagement or workflow; then getPlan for one plan\'s tasks and history.' },
  getPlan: { summary: 'Get a plan', when: 'Use after createPlan or reviseSop to read the SOP, tasks (raw and calibrated hours) and versions. `version` is what If-Match / expectedVersion expect.' },
  reviseSop: { summary: 'Revise a plan\'s SOP', when: 'Use between createPlan and approvePlan (or later) to change tasks; send the version you read so a concurrent change is a 409, not a lost update.' },
  approvePlan: { summary: 'Approve a plan', when: 'Step 2 of planning: after createPlan (and any reviseSop), approve the draft. Next: schedulePlan places its tasks in the calendar.' },
  changePlanStatus: { summary: 'Change a plan\'s status', when: 'Use as work proceeds after scheduling: active when work starts, completed when done, archived to hide it.' },
  diffPlanVersions: { summary: 'Compare plan versions', when: 'Use to see what a reviseSop changed: pass two versions from getPlan\'s history.' },
  listPromptTemplates: { summary: 'List prompt templates', when: 'Use to see which prompt versions the planner and observer use; the shipped defaults appear as version 0.' },
  getPromptTemplate: { summary: 'Get a prompt template', when: 'Use before adding or activating a version, to see the active one and its history.' },
  addPromptTemplateVersion: { summary: 'Add a prompt template version', when: 'Use to change how the LLM is prompted; the next createPlan or reflect uses it (unless activate is false). Revert with revertPromptTemplate.' },
  activatePromptTemplate: { summary: 'Activate a prompt template version', when: 'Use to switch to a specific earlier or later version, or back to the shipped default (0).' },
  revertPromptTemplate: { summary: 'Revert a prompt template', when: 'Use when the newest version made plans worse: re-activates the previously active version.' },
  defineWorkflow: { summary: 'Define a workflow', when: 'Use to capture a repeatable way of working; createPlan reuses matching workflows (offline without an LLM) and reflection tracks their variance.' },
  listWorkflows: { summary: 'List workflows', when: 'Use to find workflows by capability or parent before createPlan, defineServiceBlueprint or createProcessTemplate.' },
  reviseWorkflow: { summary: 'Revise a workflow', when: 'Use after getWorkflow, with its version, to change steps or estimates (e.g. after reflection flags drift).' },
  getWorkflow: { summary: 'Get a workflow', when: 'Use to read a workflow\'s steps and version before revising or instantiating it.' },
  defineServiceBlueprint: { summary: 'Define a service blueprint', when: 'Use to describe an offer as an ordered sequence of workflows; createPlan can start from it (service_blueprint_id).' },
  listServiceBlueprints: { summary: 'List service blueprints', when: 'Use to find blueprints by offer.' },
  reviseServiceBlueprint: { summary: 'Revise a service blueprint', when: 'Use after getServiceBlueprint, with its version, to change the sequence or estimate.' },
  getServiceBlueprint: { summary: 'Get a service blueprint', when: 'Use to read one blueprint and its version before revising it or planning from it.' },
  createProcessTemplate: { summary: 'Create a process template', when: 'Use to instantiate a workflow for one engagement or project (createPlan can do it for you); executions can then be logged against it.' },
  listProcessTemplates: { summary: 'List process templates', when: 'Use to find the process templates of an engagement, workflow or status.' },
  updateProcessTemplate: { summary: 'Update a process template', when: 'Use as the engagement proceeds: tick the checklist, pause, complete.' },
  getProcessTemplate: { summary: 'Get a process template', when: 'Use to read one process template and its version before updating it.' },

  // scheduler
  schedulePlan: {
    summary: 'Schedule a plan',
    when: 'Step 3 of planning: after approvePlan, place the tasks into free time; dry_run previews without writing. Unplaced tasks say which constraint stopped them. Next: getSchedulerCalendar, logExecution.',
  },
  getSchedulerCalendar: { summary: 'Read the calendar', when: 'Use after schedulePlan to see the placed blocks beside busy time for a date range.' },
  moveCalendarBlock: { summary: 'Move a block', when: 'Use when the user moves a scheduled block by hand; later scheduling runs keep it where it was put.' },
  listSchedulerRuns: { summary: 'List scheduling runs', when: 'Use to see why blocks are where they are: every schedulePlan run with its inputs, blocks and score.' },
  createSprint: { summary: 'Create a sprint', when: 'Use before scheduling to set capacity (and the billable rule when runway is short) for a date range.' },
  updateSprint: { summary: 'Update a sprint', when: 'Use when capacity, dates or runway change; send the sprint\'s version to avoid lost updates.' },
  getSprint: { summary: 'Analyse a sprint', when: 'Use after scheduling to check utilisation and whether the billable share rule holds.' },
  importBusyTime: { summary: 'Import busy time (.ics)', when: 'Use without Google Calendar to tell the scheduler when you are busy; blocks that now overlap are rescheduled.' },
  getCalendarFeed: { summary: 'Calendar feed (.ics)', when: 'Use to download the tenant\'s blocks as iCalendar with an API key; for calendar apps use getCalendarFeedUrl instead.' },
  getCalendarFeedUrl: { summary: 'Get the feed subscription URL', when: 'Use once to subscribe a calendar app (which cannot send an API key) to the blocks; the path is the secret.' },
  rotateCalendarFeedUrl: { summary: 'Rotate the feed subscription URL', when: 'Use when a feed URL leaked or a subscriber should lose access: every URL issued before stops working; fetch the new one with getCalendarFeedUrl (admin key).' },
  getCalendarFeedByToken: { summary: 'Calendar feed by secret path', when: 'Used by calendar apps subscribed through getCalendarFeedUrl. Public: the secret path is the credential.' },
  syncCalendar: { summary: 'Sync Google Calendar', when: 'Use after connecting Google Calendar (authorizeGoogleCalendar) to pull changes; blocks that new events hit are rescheduled.' },
  authorizeGoogleCalendar: { summary: 'Connect Google Calendar', when: 'Step 1 of connecting Google Calendar: open the consent URL; Google then calls googleCalendarCallback. Afterwards use syncCalendar.' },
  googleCalendarCallback: { summary: 'Google OAuth callback', when: 'Called by Google after consent (not by clients). Afterwards the calendar is connected and syncCalendar works.' },

  // observer
  logExecution: {
    summary: 'Log an execution',
    when: 'Use after doing a task (or instead of start/stop) to record actual hours; variance against the estimate feeds reflection and future estimates.',
  },
  startExecution: { summary: 'Start an execution', when: 'Use when work on a task begins; stopExecution with the same run identifier ends it.' },
  stopExecution: { summary: 'Stop an execution', when: 'Use when work that startExecution began ends; actual hours default to the elapsed time.' },
  listExecutions: { summary: 'List executions', when: 'Use to review runs and their variance by plan, task, workflow or time.' },
  reflect: { summary: 'Reflect on a period', when: 'Use daily or weekly after executions were logged: finds drifting workflows and turns strong insights into facts the planner uses next.' },
  listReflections: { summary: 'List reflections', when: 'Use to read past reflections, newest period first.' },
  listPatterns: { summary: 'Estimate patterns', when: 'Use to see which workflows and task categories run over or under their estimates (drifting first).' },
};
