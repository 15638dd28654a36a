import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { ProxyResponse } from './aws-errors.ts';
import type { EventEmulation } from './event-emulation.ts';
import type { IamTrail } from './iam-trail.ts';
import type { SessionAudit } from './session-audit.ts';
import type { CallCounter, TrafficRules } from './traffic-rules.ts';

export const CONTROL_PREFIX = '/__local-aws';

const filterFields = {
  service: z.string().optional(),
  operation: z.string().optional(),
  account: z.string().optional(),
  targetAccount: z.string().optional(),
};
const faultSchema = z.object({
  ...filterFields,
  code: z.string().min(1),
  count: z.number().int().positive(),
  status: z.number().int().min(400).max(599).optional(),
  message: z.string().optional(),
});
const throttleSchema = z.object({
  service: z.string().optional(),
  account: z.string().optional(),
  targetAccount: z.string().optional(),
  ratePerSecond: z.number().nonnegative(),
  burst: z.number().positive(),
});
const latencySchema = z.object({ ...filterFields, ms: z.number().nonnegative() });
const emulationSchema = z.strictObject({
  cloudTrail: z.boolean().optional(),
  s3DeleteMarkers: z.boolean().optional(),
});

export interface ControlTargets {
  rules: TrafficRules;
  counter: CallCounter;
  audit: SessionAudit;
  trail: IamTrail;
  emulation: EventEmulation;
  /** Reset moto and everything the proxy remembers. */
  resetAll(): Promise<void>;
}

function json(status: number, value: unknown): ProxyResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(value)),
  };
}

/** The proxy's control API: how tests in other processes steer faults, throttling, latency and counters. */
export async function handleControl(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  targets: ControlTargets,
) {
  const route = `${request.method ?? 'GET'} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
  const payload = (): unknown => JSON.parse(body.toString('utf8') || '{}');
  try {
    switch (route) {
      case 'GET /health':
        return json(200, { ok: true });
      case 'POST /reset':
        await targets.resetAll();
        return json(200, { ok: true });
      case 'POST /faults':
        targets.rules.addFault(faultSchema.parse(payload()));
        return json(200, { ok: true });
      case 'POST /throttle':
        targets.rules.addThrottle(throttleSchema.parse(payload()));
        return json(200, { ok: true });
      case 'POST /latency':
        targets.rules.addLatency(latencySchema.parse(payload()));
        return json(200, { ok: true });
      case 'GET /rules':
        return json(200, targets.rules.describe());
      case 'DELETE /rules':
        targets.rules.clear();
        return json(200, { ok: true });
      case 'GET /calls':
        return json(200, targets.counter.list(Object.fromEntries(url.searchParams)));
      case 'DELETE /calls':
        targets.counter.clear();
        return json(200, { ok: true });
      case 'GET /audit':
        return json(200, targets.audit.list());
      case 'GET /cloudtrail':
        return json(200, targets.trail.list(Object.fromEntries(url.searchParams)));
      case 'POST /emulation':
        targets.emulation.configure(emulationSchema.parse(payload()));
        return json(200, targets.emulation.status());
      case 'GET /emulation':
        return json(200, targets.emulation.status());
      default:
        return json(404, { error: `unknown control route ${route}` });
    }
  } catch (error) {
    return json(400, { error: error instanceof Error ? error.message : String(error) });
  }
}
