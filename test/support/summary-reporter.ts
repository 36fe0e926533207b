import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with the failing tests' names, then one plain line, "Tests: N passed, N failed,
 * N skipped", that CI can read: a red run says why in its last lines.
 */
export class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failures.push(`${m.moduleId.replace(`${process.cwd()}/`, '')} > ${t.fullName}`);
        else skipped++;
      }
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failures.push(`${m.moduleId.replace(`${process.cwd()}/`, '')} (the file failed to load)`);
    }
    const list = failures.length > 0 ? `\nFailed tests:\n${failures.map((f) => `  FAILED ${f}`).join('\n')}\n` : '';
    process.stdout.write(`${list}\nTests: ${passed} passed, ${failures.length} failed, ${skipped} skipped\n`);
  }
}
