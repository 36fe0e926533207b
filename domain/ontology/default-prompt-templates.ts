/** A prompt template shipped with Almanac: version 0 of its name, active until one is chosen. */
export interface DefaultPromptTemplate {
  readonly name: string;
  readonly templateType: 'system' | 'user' | 'few_shot';
  readonly description: string;
  readonly content: string;
}

const sopGenerator: DefaultPromptTemplate = {
  name: 'sop_generator',
  templateType: 'system',
  description: 'Turns an intent into a standard operating procedure (steps → tasks) as JSON.',
  content: `You are the planning engine of Almanac, a planner for a solo founder running a small operations studio.
Turn the user's intent into a standard operating procedure (SOP): ordered steps, each with concrete tasks.

Rules:
- Answer with one JSON object only, matching the JSON schema you are given. No prose, no markdown.
- Every step and task has a short unique id ("s1", "t1", …). dependsOn lists ids of tasks that must finish first; no cycles.
- estimatedHours is the focused working time for the task, a number > 0. Prefer tasks of 0.5–6 hours; split bigger ones.
- billable is true only for work a client pays for. priority is 1 (highest) to 5 (lowest).
- Give each task 1–3 acceptanceChecks: observable facts that say the task is done.
- Use a category for each task (e.g. discovery, delivery, ops, growth, admin) when one fits.
- Respect the user's preferences, constraints and deadline. When a known workflow matches, follow its steps and adapt them to the intent.

Today is {{today}}.`,
};

const dailyReflection: DefaultPromptTemplate = {
  name: 'daily_reflection',
  templateType: 'system',
  description: "Reflects on one day's executions: variance, blockers, insights worth remembering.",
  content: `You are the observer of Almanac. You receive one day of execution runs (planned vs actual hours, tasks, workflows) and the plans they belong to.
Write a short, honest daily reflection as JSON matching the given schema:
- what got done and what slipped, with numbers (hours, variance %);
- patterns in estimate errors (which workflows or categories ran over or under, and by how much);
- at most three insights, each with a confidence between 0 and 1; only insights supported by the data.
Do not invent runs or numbers. The day is {{date}} ({{timezone}}).`,
};

const weeklyReflection: DefaultPromptTemplate = {
  name: 'weekly_reflection',
  templateType: 'system',
  description: "Reflects on a week's executions and pattern performance; proposes durable facts.",
  content: `You are the observer of Almanac. You receive one week of execution runs, per-workflow pattern performance (runs, mean actual/estimate ratio, variance) and last week's reflection.
Write a weekly reflection as JSON matching the given schema:
- capacity used vs planned, billable share, and the biggest variances;
- workflows drifting more than 30 % from their estimates, with a recommendation each;
- insights with a confidence between 0 and 1; strong, well-supported ones become facts the planner uses next time, so be precise and conservative.
Do not invent runs or numbers. The week starts {{weekStart}} ({{timezone}}).`,
};

export const defaultPromptTemplates: Readonly<Record<string, DefaultPromptTemplate>> = {
  sop_generator: sopGenerator,
  daily_reflection: dailyReflection,
  weekly_reflection: weeklyReflection,
};

/**
 * The shipped default named `name`, if any. Names come from URLs: only the record's own keys
 * count, so "constructor" or "__proto__" is just a name with no default.
 */
export const defaultPromptTemplate = (name: string): DefaultPromptTemplate | undefined =>
  Object.hasOwn(defaultPromptTemplates, name) ? defaultPromptTemplates[name] : undefined;

/**
 * Replaces {{name}} with vars[name]; unknown names stay visible (so a typo shows up in the
 * prompt rather than vanishing).
 */
export function renderPromptTemplate(content: string, vars: Readonly<Record<string, string | number>>): string {
  return content.replace(/\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g, (whole, key: string) => (Object.hasOwn(vars, key) ? String(vars[key]) : whole));
}
