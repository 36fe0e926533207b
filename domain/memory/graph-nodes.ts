/** Graph node ids are `<type>:<id>`, so any reader can tell what a node is from its id. */
export const nodeIdFor = (type: string, id: string): string => `${type}:${id}`;

// Tags of these kinds name things worth a node; other tags are just labels.
const entityKinds = new Set(['person', 'speaker', 'org', 'organisation', 'organization', 'company', 'client', 'project', 'workflow', 'place', 'topic', 'engagement', 'venture']);
const kindAlias: Record<string, string> = { speaker: 'person', organisation: 'org', organization: 'org', company: 'org' };

/** Entities named by `kind:value` tags (e.g. `person:Caroline` → node `person:caroline`). */
export function entityNodesFromTags(tags: readonly string[]): Array<{ id: string; type: string; label: string }> {
  const out = new Map<string, { id: string; type: string; label: string }>();
  for (const tag of tags) {
    const at = tag.indexOf(':');
    if (at <= 0 || at === tag.length - 1) continue;
    const rawKind = tag.slice(0, at).toLowerCase();
    if (!entityKinds.has(rawKind)) continue;
    const kind = kindAlias[rawKind] ?? rawKind;
    const value = tag.slice(at + 1).trim();
    const id = nodeIdFor(kind, value.toLowerCase());
    out.set(id, { id, type: kind, label: value });
  }
  return [...out.values()];
}
