// Prints one closing line for the whole test run ("N passed, N failed, N skipped") from the JSON
// reports vitest wrote, so CI and people see a single total across the test projects, then names
// every failed test (file and title) so nobody has to scroll back through the log to find them.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

const reports = process.argv.slice(2).filter((file) => existsSync(file));
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const file of reports) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const suite of report.testResults ?? []) {
    const where = relative(process.cwd(), suite.name ?? '');
    const failedTests = (suite.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failedTests) failures.push(`  ✗ ${where} › ${test.fullName ?? test.title}`);
    // A file that failed to load, or whose setup hook failed, has no failed test of its own.
    if (failedTests.length === 0 && suite.status === 'failed') {
      const cause = (suite.message ?? '').split('\n')[0] || 'a setup hook failed, see the log above';
      failures.push(`  ✗ ${where} (could not run: ${cause})`);
      failed += 1;
    }
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failures.length > 0) console.log(`failed:\n${failures.join('\n')}`);
const missing = process.argv.length - 2 - reports.length;
if (missing > 0) console.log(`${missing} report file(s) missing: a test project did not run to the end`);
if (reports.length === 0 || missing > 0 || failed > 0 || passed === 0) process.exitCode = 1;
