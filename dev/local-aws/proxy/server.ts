import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { partitionOfRegion } from '#policy/partition.ts';
import { ATTACHMENT_RULES } from './attachment-rules.ts';
import { awsErrorResponse, type ProxyResponse, throttlingError } from './aws-errors.ts';
import { CONTROL_PREFIX, handleControl } from './control-api.ts';
import { EventEmulation } from './event-emulation.ts';
import type { AwsCall, FidelityContext, FidelityRules } from './fidelity.ts';
import { IAM_RULES } from './iam-rules.ts';
import { IamTrail } from './iam-trail.ts';
import { CallerDirectory } from './identity.ts';
import { IdentityCenterOverlay } from './identity-center.ts';
import { IDENTITY_CENTER_RULES } from './identity-center-rules.ts';
import { MEMBERSHIP_RULES, MembershipOverlay } from './organizations-membership.ts';
import { ORGANIZATIONS_RULES } from './organizations-rules.ts';
import { describeRequest, headerValue, type RequestInfo } from './request-info.ts';
import { SessionAudit } from './session-audit.ts';
import { STS_RULES } from './sts-rules.ts';
import { CallCounter, type CallKey, TrafficRules } from './traffic-rules.ts';
import { USER_BOUNDARY_RULES } from './user-boundaries.ts';

export interface FidelityProxy {
  url: string;
  close(): Promise<void>;
}

const RULES: FidelityRules = {
  ...IAM_RULES,
  ...ATTACHMENT_RULES,
  ...USER_BOUNDARY_RULES,
  ...STS_RULES,
  ...ORGANIZATIONS_RULES,
  ...MEMBERSHIP_RULES,
  ...IDENTITY_CENTER_RULES,
};

/** Start the proxy in front of moto; every AWS call of the local stack goes through it. */
export async function startFidelityProxy(options: {
  motoUrl: string;
  region: string;
  port?: number;
}): Promise<FidelityProxy> {
  const context: FidelityContext = {
    motoUrl: options.motoUrl,
    callers: new CallerDirectory(options.motoUrl),
    userBoundaries: new Map(),
    membership: new MembershipOverlay(),
    identityCenter: new IdentityCenterOverlay(),
  };
  const rules = new TrafficRules();
  const counter = new CallCounter();
  const audit = new SessionAudit();
  const trail = new IamTrail();
  const emulation = new EventEmulation(options.motoUrl);
  const forgetMotoState = () => {
    context.callers.clear();
    context.userBoundaries.clear();
    trail.clear();
    context.membership.clear();
    context.identityCenter.clear();
  };
  const resetAll = async () => {
    await fetch(`${options.motoUrl}/moto-api/reset`, { method: 'POST' });
    forgetMotoState();
    rules.clear();
    counter.clear();
    audit.clear();
    emulation.reset();
  };
  const server = createServer((request, response) => {
    const state = {
      context,
      rules,
      counter,
      audit,
      trail,
      emulation,
      resetAll,
      forgetMotoState,
      region: options.region,
    };
    serve(request, state)
      .then((answer) => send(response, answer, request.method === 'HEAD'))
      .catch((error: unknown) => {
        process.stderr.write(`local-aws proxy: ${error instanceof Error ? error.stack : String(error)}\n`);
        send(
          response,
          awsErrorResponse('query', { code: 'InternalFailure', message: String(error), status: 500 }),
          false,
        );
      });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

interface ProxyState {
  context: FidelityContext;
  rules: TrafficRules;
  counter: CallCounter;
  audit: SessionAudit;
  trail: IamTrail;
  emulation: EventEmulation;
  resetAll(): Promise<void>;
  forgetMotoState(): void;
  region: string;
}

async function serve(request: IncomingMessage, state: ProxyState): Promise<ProxyResponse> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const body = await readBody(request);
  if (url.pathname.startsWith(CONTROL_PREFIX)) return handleControl(request, url, body, state);
  if (url.pathname.startsWith('/moto-api/')) {
    if (url.pathname.startsWith('/moto-api/reset')) state.forgetMotoState();
    return forward(request, body, state.context.motoUrl);
  }
  const info = describeRequest(request.method ?? 'GET', url, request.headers, body, state.region);
  const caller = await state.context.callers.resolve(
    info.accessKeyId,
    info.region,
    headerValue(request.headers, 'x-moto-account-id'),
  );
  const call: AwsCall = { info, caller, partition: partitionOfRegion(info.region), body };
  const key: CallKey = {
    service: info.service,
    operation: info.operation,
    account: caller.account,
    targetAccount: targetAccountOf(info, caller.account),
  };
  const refusal = await applyTrafficRules(call, key, state, headerValue(request.headers, 'content-type'));
  if (refusal) return refusal;
  state.audit.record(caller, info.service, info.operation);
  const answer = state.emulation.senders.restore(
    call,
    await answerWithRules(request, body, call, state.context),
  );
  state.trail.record(call, answer);
  state.emulation.observe({
    call,
    answer,
    method: request.method ?? 'GET',
    url,
    userAgent: headerValue(request.headers, 'user-agent'),
  });
  return answer;
}

async function answerWithRules(
  request: IncomingMessage,
  body: Buffer,
  call: AwsCall,
  context: FidelityContext,
): Promise<ProxyResponse> {
  const rule = RULES[`${call.info.service}:${call.info.operation}`];
  const early = await rule?.before?.(call, context);
  if (early) return early;
  const answer = await forward(request, body, context.motoUrl);
  return rule?.after ? rule.after(call, answer, context) : answer;
}

/** The account a call acts in: the role's for AssumeRole (made from another account), else the caller's. */
function targetAccountOf(info: RequestInfo, callerAccount: string): string {
  if (info.service !== 'sts' || info.operation !== 'AssumeRole') return callerAccount;
  const roleAccount = /^arn:[^:]+:iam::(\d{12}):/.exec(info.params.get('RoleArn') ?? '')?.[1];
  return roleAccount ?? callerAccount;
}

/** Latency, then injected faults, then throttling; counts the call whatever happens to it. */
async function applyTrafficRules(
  call: AwsCall,
  key: CallKey,
  state: ProxyState,
  contentType: string | undefined,
): Promise<ProxyResponse | undefined> {
  state.counter.arrive(key);
  const delay = state.rules.latencyFor(key);
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  const fault = state.rules.takeFault(key);
  if (fault) {
    state.counter.record(key, 'faulted');
    const error = {
      code: fault.code,
      message: fault.message ?? `Injected fault ${fault.code}`,
      status: fault.status ?? 400,
    };
    return awsErrorResponse(call.info.protocol, error, contentType);
  }
  if (state.rules.isThrottled(key, Date.now())) {
    state.counter.record(key, 'throttled');
    return awsErrorResponse(call.info.protocol, throttlingError(call.info.protocol), contentType);
  }
  state.counter.record(key, 'passed');
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// Hop-by-hop headers, and lengths recomputed because bodies are buffered.
const DROPPED_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function forward(request: IncomingMessage, body: Buffer, motoUrl: string): Promise<ProxyResponse> {
  const keepLength = request.method === 'HEAD';
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !DROPPED_HEADERS.has(name)) headers[name] = value;
  }
  headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      `${motoUrl}${request.url ?? '/'}`,
      { method: request.method, headers },
      (answer) => {
        readBody(answer).then((answerBody) => {
          const answerHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            const dropped = DROPPED_HEADERS.has(name) && !(keepLength && name === 'content-length');
            if (value !== undefined && !dropped) answerHeaders[name] = String(value);
          }
          resolve({ status: answer.statusCode ?? 500, headers: answerHeaders, body: answerBody });
        }, reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/** A HEAD answer keeps moto's content-length: it describes the object, not the (empty) body. */
function send(response: ServerResponse, answer: ProxyResponse, isHead: boolean): void {
  const length = isHead ? {} : { 'content-length': String(answer.body.length) };
  response.writeHead(answer.status, { ...answer.headers, ...length });
  response.end(answer.body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
