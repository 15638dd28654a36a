/** Plain-text tables of one benchmark run, and the headline ratio. */
import type { FanoutResult } from './fanout/fanout.ts';
import type { FanoutModelResult } from './fanout/model.ts';
import type { FootprintResult } from './footprint.ts';
import type { PerEventResult } from './per-event.ts';
import { HEADLINE_LATENCY_MS } from './profile.ts';
import type { SpillResult } from './spill.ts';

const ms = (value: number) =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

export function perEventTable(results: PerEventResult[]): string {
  const cases = ['without-boundary', 'with-boundary'] as const;
  const rows = cases.flatMap((principalCase) => {
    const ours = results.find((r) => r.implementation === 'scp-alt' && r.principalCase === principalCase);
    const theirs = results.find((r) => r.implementation === 'baseline' && r.principalCase === principalCase);
    if (!ours || !theirs) return [];
    return [
      [
        `CreateRole, principal ${principalCase}`,
        String(ours.callsPerEvent),
        String(theirs.callsPerEvent),
        ratio(theirs.callsPerEvent, ours.callsPerEvent),
        ms(ours.wallMsPerEvent),
        ms(theirs.wallMsPerEvent),
        ratio(theirs.wallMsPerEvent, ours.wallMsPerEvent),
      ],
    ];
  });
  return table(
    ['warm event', 'calls ours', 'calls baseline', 'fewer', 'time ours', 'time baseline', 'faster'],
    rows,
  );
}

export function fanoutTable(results: FanoutResult[]): string {
  const rows = results.map((r) => {
    const bound = Math.max(r.lowerBoundMs, r.stackBoundMs);
    const sampled = r.baseline.measuredAccounts < r.accounts ? ` (${r.baseline.measuredAccounts} run)` : '';
    const load = Math.round((100 * r.oursCallsPerSecond) / r.stackCallsPerSecond);
    return [
      `${r.accounts} × ${r.principalsPerAccount}`,
      `${r.latencyMs} ms`,
      `${ms(r.oursChanged.wallMs)} / ${r.oursChanged.calls.total}`,
      `${ms(r.baseline.wallMs)} / ${Math.round(r.baseline.totalCalls)}${sampled}`,
      ratio(r.baseline.wallMs, r.oursChanged.wallMs),
      `${ms(r.lowerBoundMs)} / ${ms(r.stackBoundMs)}`,
      `${ratio(r.oursChanged.wallMs, r.lowerBoundMs)} / ${ratio(r.oursChanged.wallMs, bound)}`,
      `${Math.round(r.oursCallsPerSecond)} / ${Math.round(r.stackCallsPerSecond)} (${load} %)`,
      `${r.oursChanged.calls.iamWrites} / ${Math.round(r.baseline.iamWrites)}`,
      `${ms(r.oursUnchanged.wallMs)} / ${r.oursUnchanged.calls.total} / ${r.oursUnchanged.calls.iamWrites}`,
    ];
  });
  return table(
    [
      'accounts × principals',
      'latency',
      'ours: time / calls',
      'baseline: time / calls',
      'speedup',
      'bound: AWS / stack',
      'ours ÷ AWS / ÷ max',
      'stack calls/s: ours / capacity',
      'IAM writes ours / baseline',
      'unchanged: time / calls / IAM writes',
    ],
    rows,
  );
}

export function footprintTable(results: FootprintResult[]): string {
  const rows = results.map((r) => [
    r.functionName,
    kib(r.zipBytes),
    kib(r.bundleBytes),
    `${ms(r.coldInitBundledMs)} / ${ms(r.coldInitBundledCpuMs)}`,
    r.coldInitBundledMs <= COLD_INIT_GOAL_MS ? 'yes' : 'NO',
    ms(r.coldInitSourceMs),
    ratio(r.coldInitSourceMs, r.coldInitBundledMs),
  ]);
  return table(
    [
      'function',
      'zip',
      'bundle in zip',
      'cold init from zip: wall / CPU',
      `≤ ${COLD_INIT_GOAL_MS} ms`,
      'cold init source',
      'zip faster',
    ],
    rows,
  );
}

/** Cold module initialisation the packaged functions must stay within. */
export const COLD_INIT_GOAL_MS = 250;

/**
 * The row the headline speaks for: the largest fleet, at HEADLINE_LATENCY_MS when that latency was
 * swept, otherwise at the highest latency swept (the closest to it).
 */
export function headlineRow<R extends { accounts: number; latencyMs: number }>(
  results: readonly R[],
): R | undefined {
  const largest = Math.max(...results.map((r) => r.accounts));
  const candidates = results.filter((r) => r.accounts === largest);
  return (
    candidates.find((r) => r.latencyMs === HEADLINE_LATENCY_MS) ??
    [...candidates].sort((a, b) => b.latencyMs - a.latencyMs)[0]
  );
}

export function headline(results: FanoutResult[]): string {
  const row = headlineRow(results);
  if (!row) return 'fan-out speedup vs sequential: n/a';
  const speedup = (row.baseline.wallMs / row.oursChanged.wallMs).toFixed(1);
  return `fan-out speedup vs sequential: ${speedup}x (${row.accounts} accounts, ${row.latencyMs} ms per call)`;
}

/** Calls of one event or change by operation, most frequent first: `iam:AttachRolePolicy 2, …`. */
function operations(calls: { byOperation: Record<string, number> }, perUnit = 1): string {
  return Object.entries(calls.byOperation)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([name, count]) => `${name} ${Number((count / perUnit).toFixed(1))}`)
    .join(', ');
}

export function spillEventTable(result: SpillResult): string {
  const { events } = result;
  return table(
    ['warm event', 'calls', 'time', 'calls of a typical event'],
    [
      [
        `CreateRole with our boundary, ${events.additionalPolicies} additional policies`,
        String(events.callsPerEvent),
        ms(events.wallMsPerEvent),
        operations(events.typicalEvent),
      ],
    ],
  );
}

export function spillChangeTable(result: SpillResult): string {
  const rows = result.changes.map((r) => [
    r.change,
    `${r.additionalBefore} → ${r.additionalAfter}`,
    `${r.accounts} × ${r.principalsPerAccount}`,
    `${r.latencyMs} ms`,
    `${ms(r.wallMs)} / ${r.calls.total}`,
    `${r.calls.iamWrites} / ${r.calls.iamReads}`,
    String(r.calls.throttled),
    operations(r.calls, r.accounts),
  ]);
  return table(
    [
      'policy change',
      'additional',
      'accounts × principals',
      'latency',
      'time / calls',
      'IAM writes / reads',
      'throttled',
      'calls per account',
    ],
    rows,
  );
}

/** The modelled rows: 10,000 and 50,000 accounts, from the headline row's measurements. */
export function modelTable(rows: FanoutModelResult[], latencyMs: number): string {
  return table(
    [
      'accounts (model)',
      'latency',
      'time to apply',
      'sequential original',
      'AWS calls / SQS requests',
      'peak in flight',
      'Lambda GB-s',
      'cost per change',
      'limited by',
    ],
    rows.map((r) => [
      String(r.accounts),
      `${latencyMs} ms`,
      ms(r.applySeconds * 1000),
      `${(r.sequentialSeconds / 3600).toFixed(1)} h`,
      `${r.awsCalls} / ${r.sqsRequests}`,
      String(r.peakInFlight),
      r.gbSeconds.toFixed(0),
      `$${r.costUsd.toFixed(3)}`,
      r.binding,
    ]),
  );
}
