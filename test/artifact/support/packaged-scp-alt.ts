/**
 * For artifact test files: the default organization seeded on the local stack, scp-alt's
 * resources deployed into it (dev/local-deployment, as the integration tests do), and the packaged
 * functions run by the local Lambda runtime with the environment of the packaged template.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { type LocalStackForTests, useLocalStack } from '#dev/local-aws/for-tests.ts';
import {
  type CapturedPut,
  type CfnResponseServer,
  startCfnResponseServer,
} from '#dev/local-deployment/cfn-responses.ts';
import { type Deployment, deployScpAlt, functionRoleSession } from '#dev/local-deployment/deployment.ts';
import { type CfnRequestType, serviceCatalogRequest } from '#dev/local-deployment/events.ts';
import type { InvocationResult } from '#dev/local-lambda/invoke.ts';
import { LocalLambda } from '#dev/local-lambda/local-lambda.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import type {} from './vitest-context.ts';

export type PackagedFunctionName =
  | 'account-register'
  | 's3-event-dispatcher'
  | 'iam-event-dispatcher'
  | 'organization-event-dispatcher'
  | 'reconciler'
  | 'account-worker';

export interface RegistrationAnswer {
  invocation: InvocationResult;
  /** Every PUT CloudFormation's response URL received for the request (exactly one is right). */
  puts: CapturedPut[];
}

export interface RegistrationTarget {
  accountId: string;
  ouId: string;
  /** Update and Delete: what the Create answered; defaults to the account id. */
  physicalResourceId?: string;
  oldResourceProperties?: Record<string, string>;
}

export interface PackagedScpAlt {
  readonly stack: LocalStackForTests;
  readonly deployment: Deployment;
  readonly lambda: LocalLambda;
  invoke(name: PackagedFunctionName, event: unknown): Promise<InvocationResult>;
  /** Invokes and returns the payload; a function error fails the test with the function's log. */
  succeed(name: PackagedFunctionName, event: unknown): Promise<unknown>;
  /** A custom-resource request as the Service Catalog product's stack sends it to account-register. */
  register(requestType: CfnRequestType, target: RegistrationTarget): Promise<RegistrationAnswer>;
  /** Create through the packaged account-register; anything but SUCCESS fails the test. */
  enroll(accountId: string, ouId: string): Promise<void>;
}

export function usePackagedScpAlt(): PackagedScpAlt {
  const stack = useLocalStack({ reset: 'file', seed: true });
  let deployment: Deployment | undefined;
  let lambda: LocalLambda | undefined;
  let responses: CfnResponseServer | undefined;
  beforeAll(async () => {
    const organization = stack.organization;
    const deployed = await deployScpAlt(stack, organization);
    deployment = deployed;
    responses = await startCfnResponseServer();
    lambda = await LocalLambda.connect(inject('artifacts'), {
      accountId: organization.securityAccountId,
      region: stack.region,
      partition: partitionOfRegion(stack.region),
      stackName: 'scp-alt-prod',
      queueUrls: {
        AccountWorkQueue: deployed.accountWorkQueue.url,
        AccountWorkDeadLetterQueue: deployed.accountWorkDeadLetterQueue.url,
      },
      parameters: {
        ManagementAccountID: organization.managementAccountId,
        OrganizationID: organization.organizationId,
        SCPCatalogAdministrator: 'role/OrganizationAccountAccessRole',
      },
      endpointUrl: stack.endpoints.sts,
      roleSession: (roleArn, sessionName) => functionRoleSession(stack, deployed, roleArn, sessionName),
    });
  });
  afterAll(async () => {
    await responses?.close();
  });
  const ready = () => {
    if (!deployment || !lambda || !responses) throw new Error('usePackagedScpAlt: deployed in beforeAll');
    return { deployment, lambda, responses };
  };
  const invoke = (name: PackagedFunctionName, event: unknown) => ready().lambda.invoke(name, event);
  return {
    stack,
    get deployment() {
      return ready().deployment;
    },
    get lambda() {
      return ready().lambda;
    },
    invoke,
    async succeed(name, event) {
      const result = await invoke(name, event);
      if (result.outcome.status === 'error') throw new Error(describeFailure(name, result));
      return result.outcome.payload;
    },
    async register(requestType, target) {
      const { deployment, responses } = ready();
      const requestId = randomUUID();
      const request = serviceCatalogRequest(deployment, {
        requestType,
        responseUrl: responses.urlFor(requestId),
        requestId,
        memberAccountId: target.accountId,
        ouId: target.ouId,
        ...(requestType === 'Create'
          ? {}
          : { physicalResourceId: target.physicalResourceId ?? target.accountId }),
        // The stack of the product that enrolled the account sends its Update and Delete.
        product:
          requestType === 'Create' ? target.accountId : (target.physicalResourceId ?? target.accountId),
      });
      const event = target.oldResourceProperties
        ? {
            ...request,
            OldResourceProperties: { ...request.ResourceProperties, ...target.oldResourceProperties },
          }
        : request;
      const invocation = await invoke('account-register', event);
      return { invocation, puts: responses.responsesFor(requestId) };
    },
    async enroll(accountId, ouId) {
      const { invocation, puts } = await this.register('Create', { accountId, ouId });
      const answer = puts[0]?.body;
      if (answer?.Status !== 'SUCCESS')
        throw new Error(
          `enroll ${accountId}: ${answer?.Reason ?? describeFailure('account-register', invocation)}`,
        );
    },
  };
}

/** The function's error and its log, for a failed assertion to show. */
export function describeFailure(name: string, result: InvocationResult): string {
  const error = result.outcome.status === 'error' ? result.outcome.error : undefined;
  const summary = error ? `${error.errorType}: ${error.errorMessage}` : 'succeeded';
  return `${name} ${summary}\n--- function log ---\n${result.log}`;
}
