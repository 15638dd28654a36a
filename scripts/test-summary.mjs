// Prints one closing line for the whole test run ("N passed, N failed, N skipped") from the JSON
// reports vitest wrote, so CI and people see a single total across the unit and integration projects.
import { existsSync, readFileSync } from 'node:fs';

const reports = process.argv.slice(2).filter((file) => existsSync(file));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of reports) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (reports.length === 0 || failed > 0 || passed === 0) process.exitCode = 1;
