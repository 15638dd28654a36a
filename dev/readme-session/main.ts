/**
 * `npx tsx dev/readme-session/main.ts [--write] [--zip]`: plays the README's example session on a
 * fresh local environment and prints the transcript; each line whose output differs from the
 * README is marked. `--write` puts the new output of those lines into README.md (review the diff:
 * re-add `…` where a long output should stay abridged). The integration test
 * (test/integration/readme/) plays the same session and fails on any difference.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../../scripts/package.ts';
import { startLocalEnvironment } from '../local-env/environment.ts';
import { prepareSession } from './prepare.ts';
import { outputLines, outputMatches, type SessionStep, sessionSteps } from './session.ts';
import { runLine } from './shell.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Played {
  step: SessionStep;
  actual: string[];
  exit: number;
  matches: boolean;
}

/** The README with the output of every step that did not match replaced by what the run printed. */
function rewritten(readme: string, played: Played[]): string {
  const lines = readme.split('\n');
  for (const { step, actual, exit, matches } of [...played].reverse()) {
    if (matches) continue;
    const start = step.line; // index of the first output line (the $ line is step.line - 1)
    let end = start;
    while (end < lines.length && !lines[end]?.startsWith('$ ') && !lines[end]?.startsWith('```')) end += 1;
    const shownExit = exit !== 0 || step.expectedExit !== 0 || /^\(exit \d+\)$/.test(lines[end - 1] ?? '');
    lines.splice(start, end - start, ...actual, ...(shownExit ? [`(exit ${exit})`] : []));
  }
  return lines.join('\n');
}

const { values } = parseArgs({ options: { write: { type: 'boolean' }, zip: { type: 'boolean' } } });
const readmeFile = join(PROJECT_ROOT, 'README.md');
const readme = await readFile(readmeFile, 'utf8');
const env = await startLocalEnvironment({ functions: values.zip ? 'zip' : 'source', reconcileEveryMs: 0 });
const folder = await prepareSession(env, PROJECT_ROOT);
const played: Played[] = [];
try {
  for (const step of sessionSteps(readme)) {
    await env.settled();
    const { output, exit } = await runLine(folder.shell, step.command);
    const actual = outputLines(output);
    const matches = exit === step.expectedExit && outputMatches(step.expected, actual);
    played.push({ step, actual, exit, matches });
    process.stdout.write(
      `${matches ? '' : `>>> differs from README line ${step.line}\n`}$ ${step.command}\n`,
    );
    process.stdout.write(`${[...actual, `(exit ${exit})`].join('\n')}\n`);
  }
} finally {
  await folder.remove();
  await env.stop();
}
const differing = played.filter((entry) => !entry.matches).length;
if (values.write && differing > 0) await writeFile(readmeFile, rewritten(readme, played));
process.stderr.write(
  `${played.length} line(s), ${differing} differ${values.write && differing > 0 ? ' (README.md updated)' : ''}\n`,
);
process.exitCode = differing > 0 && !values.write ? 1 : 0;
process.exit();
