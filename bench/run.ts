/**
 * `npm run bench` (full) or `npm run bench -- --quick`: starts the local AWS stack, measures, prints
 * tables and writes bench/results.json. BENCHMARKS.md says what each number means.
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism, totalmem } from 'node:os';
import { startLocalStack } from '#dev/local-aws/stack.ts';
import { deployedAccountWorkers } from './deployment.ts';
import { benchFanout, type FanoutResult } from './fanout/fanout.ts';
import { MODELLED_ACCOUNTS, modelFromMeasured } from './fanout/model.ts';
import { benchFootprint } from './footprint.ts';
import { MINIMAL_CHANGE } from './lower-bound.ts';
import { benchPerEvent, perEventLatencyMs } from './per-event.ts';
import { profileFromArgs } from './profile.ts';
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
  const profile = profileFromArgs(process.argv.slice(2));
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
  const footprint = await benchFootprint(profile.coldStartRuns);
  const stack = await startLocalStack();
  try {
    const perEvent = await benchPerEvent(stack, profile);
    const fanout = await benchFanout(stack, profile);
    const spill = await benchSpill(stack, profile);
    const durationS = Math.round((Date.now() - startedAt.getTime()) / 1000);
    const modelled = await modelRows(fanout);
    const results = { profile, machine, startedAt, durationS, perEvent, fanout, modelled, spill, footprint };
    await writeFile(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
    const perEventTitle = `Per event (median of ${profile.eventsPerCase} warm events, ${perEventLatencyMs(profile)} ms per call)`;
    console.log(`\n${perEventTitle}\n${perEventTable(perEvent)}`);
    console.log(`\nFan-out of one policy change (time / AWS calls)\n${fanoutTable(fanout)}`);
    const row = headlineRow(fanout);
    if (row)
      console.log(
        `\nModelled from the ${row.accounts}-account row at ${row.latencyMs} ms (bench/fanout/model.ts)\n${modelTable(modelled, row.latencyMs)}`,
      );
    console.log(
      `\nA chain that spills into additional policies: per event (median of ${spill.events.events} warm events, ${spill.events.latencyMs} ms per call)\n${spillEventTable(spill)}`,
    );
    console.log(`\nA chain that spills: one policy change across the fleet\n${spillChangeTable(spill)}`);
    console.log(
      `\nFootprint (median of ${profile.coldStartRuns} fresh processes)\n${footprintTable(footprint)}`,
    );
    console.log(`\n${headline(fanout)}\n(${durationS} s; details in bench/results.json)`);
  } finally {
    await stack.stop();
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
