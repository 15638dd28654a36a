import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { FlowContext, FlowSettings } from '#usecases/flow-context.ts';
import type { Log } from '#usecases/ports.ts';
import { FakeIam } from './fake-iam.ts';
import { FakeInventory } from './fake-inventory.ts';
import {
  FakeAccountStore,
  FakeForwarding,
  FakeNotifier,
  FakeOrganization,
  FakeOrganizationView,
  FakePolicyStore,
} from './fake-stores.ts';

export const SECURITY_ACCOUNT = '999999999999';
export const MANAGEMENT_ACCOUNT = '888888888888';
export const ROOT = 'r-ab12';
export const OU_A = 'ou-ab12-aaaaaaaa';
export const OU_B = 'ou-ab12-bbbbbbbb';

export const ALLOW_ALL_DENY = (...actions: string[]) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Effect: 'Deny', Action: actions, Resource: '*' },
  ],
});

export interface LoggedLine {
  level: string;
  message: string;
  attributes?: Record<string, unknown>;
}

/** Every port faked in memory, a FlowContext over them, and the aws-cn settings of a test deployment. */
export function makeWorld(overrides: Partial<FlowSettings> = {}) {
  const iam = new FakeIam();
  const policyStore = new FakePolicyStore();
  const accounts = new FakeAccountStore();
  const notifier = new FakeNotifier();
  const forwarding = new FakeForwarding();
  const organization = new FakeOrganization();
  const inventory = new FakeInventory();
  const organizationView = new FakeOrganizationView();
  const lines: LoggedLine[] = [];
  const log: Log = Object.fromEntries(
    ['debug', 'info', 'warn', 'error'].map((level) => [
      level,
      (message: string, attributes?: Record<string, unknown>) =>
        lines.push({ level, message, ...(attributes ? { attributes } : {}) }),
    ]),
  ) as unknown as Log;
  const settings: FlowSettings = {
    partition: 'aws-cn',
    securityAccountId: SECURITY_ACCOUNT,
    managementAccountId: MANAGEMENT_ACCOUNT,
    organizationAccessRoleName: 'OrganizationAccountAccessRole',
    whitelistRoleNames: ['stacksets-exec-*'],
    automationRoleArns: [],
    requireBoundaryOnCreate: true,
    fanoutConcurrency: 4,
    maxAdditionalPolicies: 4,
    ...overrides,
  };
  const ctx: FlowContext = {
    ports: { iam, policyStore, accounts, notifier, forwarding, organization, inventory, organizationView },
    settings,
    log,
    now: () => new Date('2026-03-01T12:00:00Z'),
    // Transient failures are retried at once: unit tests assert outcomes, not waits.
    retry: { sleep: async () => {} },
  };
  return {
    iam,
    policyStore,
    accounts,
    notifier,
    forwarding,
    organization,
    inventory,
    organizationView,
    ctx,
    settings,
    lines,
  };
}

export type World = ReturnType<typeof makeWorld>;

/** A member account with the org access role, a service-linked role, a whitelisted role and two principals. */
export function addMemberAccount(world: World, accountId: string, ouPath: string[]): void {
  world.organization.paths.set(accountId, ouPath);
  world.iam.addPrincipal(accountId, 'role', 'OrganizationAccountAccessRole');
  world.iam.addPrincipal(accountId, 'role', 'AWSServiceRoleForSupport', {
    path: '/aws-service-role/support.amazonaws.com/',
  });
  world.iam.addPrincipal(accountId, 'role', 'stacksets-exec-1234');
  world.iam.addPrincipal(accountId, 'role', 'app-role');
  world.iam.addPrincipal(accountId, 'user', 'alice');
}

export function silentLogger(): Logger {
  return new Logger({ serviceName: 'scp-alt-test', logLevel: 'SILENT' });
}

export function lambdaContext(remainingMs = 900_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'scp-alt-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws-cn:lambda:cn-northwest-1:999999999999:function:scp-alt-test',
    memoryLimitInMB: '256',
    awsRequestId: 'request-1',
    logGroupName: '/aws/lambda/scp-alt-test',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
