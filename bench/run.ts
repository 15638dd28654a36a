/**
 * `npm run bench` (full) or `npm run bench -- --quick` (`--only fanout` for one section): starts the local AWS stack, measures, prints
 * tables and writes bench/results.json. BENCHMARKS.md says what each number means.
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism, totalmem } from 'node:os';
import { startLocalStack } from '#dev/local-aws/stack.ts';
import { deployedAccountWorkers } from './deployment.ts';
import { benchFanout, type FanoutResult } from './fanout/fanout.ts';
import { type FanoutModelResult, MODELLED_ACCOUNTS, modelFromMeasured } from './fanout/model.ts';
import { benchFootprint } from './footprint.ts';
import { MINIMAL_CHANGE } from './lower-bound.ts';
import { benchPerEvent, perEventLatencyMs } from './per-event.ts';
import { type BenchProfile, type BenchSection, isPartialRun, profileFromArgs } from './profile.ts';
import {
  fanoutTable,
  footprintTable,
  headline,
  headlineRow,
  modelTable,
  perEventTable,
  spillChangeTable,
  spillEventTable,
} from './report.ts';
import { benchSpill } from './spill.ts';

async function main(): Promise<void> {
  const profile = profileOrUsage(process.argv.slice(2));
  const startedAt = new Date();
  const machine = {
    cpus: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
  console.error(
    `bench (${profile.name}) on ${JSON.stringify(machine)}, latencies ${profile.latenciesMs.join(', ')} ms`,
  );
  const runs = (section: BenchSection) => profile.sections.includes(section);
  const footprint = runs('footprint') ? await benchFootprint(profile.coldStartRuns) : undefined;
  const stack = await startLocalStack();
  try {
    const perEvent = runs('per-event') ? await benchPerEvent(stack, profile) : undefined;
    const fanout = runs('fanout') ? await benchFanout(stack, profile) : undefined;
    const spill = runs('spill') ? await benchSpill(stack, profile) : undefined;
    const durationS = Math.round((Date.now() - startedAt.getTime()) / 1000);
    const modelled = fanout ? await modelRows(fanout) : undefined;
    const results = { profile, machine, startedAt, durationS, perEvent, fanout, modelled, spill, footprint };
    const file = isPartialRun(profile) ? `./results.${profile.sections.join('+')}.json` : './results.json';
    await writeFile(new URL(file, import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
    if (perEvent) {
      const title = `Per event (median of ${profile.eventsPerCase} warm events, ${perEventLatencyMs(profile)} ms per call)`;
      console.log(`\n${title}\n${perEventTable(perEvent)}`);
    }
    if (fanout) printFanout(fanout, modelled ?? []);
    if (spill) {
      console.log(
        `\nA chain that spills into additional policies: per event (median of ${spill.events.events} warm events, ${spill.events.latencyMs} ms per call)\n${spillEventTable(spill)}`,
      );
      console.log(`\nA chain that spills: one policy change across the fleet\n${spillChangeTable(spill)}`);
    }
    if (footprint)
      console.log(
        `\nFootprint (median of ${profile.coldStartRuns} fresh processes)\n${footprintTable(footprint)}`,
      );
    const summary = fanout ? `${headline(fanout)}\n` : '';
    console.log(`\n${summary}(${durationS} s; details in bench/${file.slice(2)})`);
  } finally {
    await stack.stop();
  }
}

function printFanout(fanout: FanoutResult[], modelled: FanoutModelResult[]): void {
  console.log(`\nFan-out of one policy change (time / AWS calls)\n${fanoutTable(fanout)}`);
  const row = headlineRow(fanout);
  if (row)
    console.log(
      `\nModelled from the ${row.accounts}-account row at ${row.latencyMs} ms (bench/fanout/model.ts)\n${modelTable(modelled, row.latencyMs)}`,
    );
}

/** The run's profile, or the argument's problem on stderr and exit status 2. */
function profileOrUsage(args: string[]): BenchProfile {
  try {
    return profileFromArgs(args);
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}

/** The 10,000- and 50,000-account rows, fed by the headline row's measured calls and times. */
async function modelRows(fanout: FanoutResult[]) {
  const row = headlineRow(fanout);
  if (!row) return [];
  const calls = row.oursChanged.calls;
  const queueCalls = Object.entries(calls.byOperation)
    .filter(([operation]) => operation.startsWith('sqs:'))
    .reduce((sum, [, count]) => sum + count, 0);
  const measured = {
    latencyMs: row.latencyMs,
    accounts: row.accounts,
    nonQueueCalls: calls.total - queueCalls,
    baselineMs: row.baseline.wallMs,
  };
  const settings = {
    workers: await deployedAccountWorkers(),
    batchSize: 10,
    chainCalls: MINIMAL_CHANGE.chainCalls,
  };
  return MODELLED_ACCOUNTS.map((accounts) => modelFromMeasured(measured, accounts, settings));
}

await main();
