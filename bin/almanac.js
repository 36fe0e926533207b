#!/usr/bin/env node
// Runs the compiled CLI; `npm ci` compiles it (the prepare script).
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
