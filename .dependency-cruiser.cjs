/** Import rules: see the folder table in docs/architecture.md. */
const io = '^(node:)?(fs|net|http|https|child_process|dgram|dns|tls|worker_threads|cluster)$|^(pg|@electric-sql/pglite|kysely|iovalkey|openai|googleapis|@getzep/zep-cloud|fastify|pino|prom-client)';
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds pure logic: no I/O modules, nothing outside domain/.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { pathNot: '^domain/|^node_modules/(zod|ts-pattern|uuid|luxon)/|^(node:)?crypto$' },
    },
    { name: 'domain-no-io', severity: 'error', from: { path: '^domain/' }, to: { path: io } },
    {
      name: 'ports-are-interfaces',
      severity: 'error',
      from: { path: '^ports/' },
      to: { pathNot: '^(ports|domain)/|^node_modules/(zod|kysely)/' },
    },
    {
      name: 'commands-through-ports',
      severity: 'error',
      from: { path: '^(commands|queries)/' },
      to: { path: '^(adapters|http|cli|runtime|projections)/' },
    },
    {
      name: 'projections-through-ports',
      severity: 'error',
      from: { path: '^projections/' },
      to: { path: '^(adapters|http|cli|runtime|commands)/' },
    },
    {
      name: 'event-store-knows-no-projections',
      severity: 'error',
      from: { path: '^adapters/event-store' },
      to: { path: '^projections/' },
    },
    {
      name: 'adapters-below-the-edges',
      comment: 'Adapters implement ports; the HTTP layer and the CLI use them, never the reverse.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^(http|cli)/' },
    },
    {
      name: 'http-is-an-edge',
      severity: 'error',
      from: { path: '^http/' },
      to: { path: '^(adapters|cli)/' },
    },
    {
      name: 'migrations-frozen',
      comment: 'Migrations never import app code, so they stay frozen in time.',
      severity: 'error',
      from: { path: '^migrations/' },
      to: { pathNot: '^migrations/|^node_modules/kysely/' },
    },
    {
      name: 'nothing-imports-edges',
      severity: 'error',
      from: { pathNot: '^(cli|runtime|test|bench)/|\\.test\\.ts$' },
      to: { path: '^(cli|runtime)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
