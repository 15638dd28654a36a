/**
 * How the local environment runs a function: from the zips `make package` built, one plain `node`
 * process per invocation (dev/local-lambda, what ships), or in this process from the TypeScript
 * sources (dev/local-deployment/handlers.ts, for fast iteration). Both answer the same way.
 */
import type { FunctionName } from '#functions/permissions.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import type { LocalStackClient } from '../local-aws/stack.ts';
import { type Deployment, functionRoleSession } from '../local-deployment/deployment.ts';
import { type AnyHandler, buildHandler, lambdaContext } from '../local-deployment/handlers.ts';
import {
  LocalLambda,
  removeArtifacts,
  type UnpackedArtifacts,
  unpackArtifacts,
} from '../local-lambda/local-lambda.ts';

export type FunctionSource = 'zip' | 'source';

/** One invocation as the trigger that made it sees it. */
export interface Invocation {
  functionName: FunctionName;
  ok: boolean;
  /** The handler's answer (ok) */
  payload?: unknown;
  /** Lambda's error type and message (not ok). */
  error?: { type: string; message: string };
  /** What the function wrote (zips only; in-process functions log through this process). */
  log: string;
  durationMs: number;
}

export interface FunctionRunner {
  readonly source: FunctionSource;
  invoke(functionName: FunctionName, event: unknown): Promise<Invocation>;
  /** Starts `count` containers ahead of the invocations (their init outside what is measured). */
  prepare?(functionName: FunctionName, count: number): Promise<void>;
  close(): Promise<void>;
}

/** Timeouts of serverless.yml (test/unit/local-env holds them to the packaged template). */
export const FUNCTION_TIMEOUT_SECONDS: Record<FunctionName, number> = {
  'account-register': 600,
  's3-event-dispatcher': 900,
  'iam-event-dispatcher': 60,
  'organization-event-dispatcher': 600,
  reconciler: 900,
  'account-worker': 900,
};

/** The deployment's stack parameters, as `osls deploy --param` would give them. */
function stackParameters(deployment: Deployment): Record<string, string> {
  return {
    ManagementAccountID: deployment.organization.managementAccountId,
    OrganizationID: deployment.organization.organizationId,
    SCPCatalogAdministrator: 'role/OrganizationAccountAccessRole',
  };
}

/**
 * The packaged functions, unzipped once (or as a test run already unpacked them); every
 * invocation a fresh `node` process.
 */
export async function zipRunner(
  stack: LocalStackClient,
  deployment: Deployment,
  unpacked?: UnpackedArtifacts,
): Promise<FunctionRunner> {
  const artifacts: UnpackedArtifacts = unpacked ?? (await unpackArtifacts());
  const release = () => (unpacked ? Promise.resolve() : removeArtifacts(artifacts));
  try {
    const lambda = await LocalLambda.connect(artifacts, {
      accountId: deployment.securityAccountId,
      region: stack.region,
      partition: partitionOfRegion(stack.region),
      stackName: 'scp-alt-prod',
      queueUrls: {
        AccountWorkQueue: deployment.accountWorkQueue.url,
        AccountWorkDeadLetterQueue: deployment.accountWorkDeadLetterQueue.url,
      },
      parameters: stackParameters(deployment),
      endpointUrl: stack.endpoints.sts,
      roleSession: (roleArn, sessionName) => functionRoleSession(stack, deployment, roleArn, sessionName),
    });
    return {
      source: 'zip',
      async invoke(functionName, event) {
        const result = await lambda.invoke(functionName, event);
        const { outcome } = result;
        return {
          functionName,
          ok: outcome.status === 'success',
          ...(outcome.status === 'success'
            ? { payload: outcome.payload }
            : { error: { type: outcome.error.errorType, message: outcome.error.errorMessage } }),
          log: result.log,
          durationMs: result.durationMs,
        };
      },
      close: release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * The handlers built from source in this process. Like Lambda, a container serves one invocation
 * at a time: a busy function gets another container (own role session, cold caches), and an idle
 * one is reused warm.
 */
export function sourceRunner(
  stack: LocalStackClient,
  deployment: Deployment,
  options: { logLevel?: 'SILENT' | 'INFO' | 'DEBUG' } = {},
): FunctionRunner {
  const idle = new Map<FunctionName, AnyHandler[]>();
  const take = async (functionName: FunctionName) =>
    idle.get(functionName)?.pop() ??
    (await buildHandler(stack, deployment, functionName, { logLevel: options.logLevel ?? 'SILENT' }));
  return {
    source: 'source',
    async invoke(functionName, event) {
      const startedAt = Date.now();
      const handler = await take(functionName);
      const context = lambdaContext(deployment, functionName, FUNCTION_TIMEOUT_SECONDS[functionName] * 1000);
      try {
        const payload = await handler(event, context);
        return { functionName, ok: true, payload, log: '', durationMs: Date.now() - startedAt };
      } catch (error) {
        const type = error instanceof Error ? error.name : typeof error;
        const message = error instanceof Error ? error.message : String(error);
        return {
          functionName,
          ok: false,
          error: { type, message },
          log: '',
          durationMs: Date.now() - startedAt,
        };
      } finally {
        idle.set(functionName, [...(idle.get(functionName) ?? []), handler]);
      }
    },
    async prepare(functionName, count) {
      const built = await Promise.all(
        Array.from({ length: count }, () =>
          buildHandler(stack, deployment, functionName, { logLevel: options.logLevel ?? 'SILENT' }),
        ),
      );
      idle.set(functionName, [...(idle.get(functionName) ?? []), ...built]);
    },
    close: async () => idle.clear(),
  };
}
