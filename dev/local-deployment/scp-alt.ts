/**
 * scp-alt running on a local stack, driven the way AWS drives it: Service Catalog custom-resource
 * requests to account-register (answers captured from the response URL), the policy bucket's own
 * S3 notifications to s3-event-dispatcher, CloudTrail events through the security bus and its queue
 * to iam-event-dispatcher. Used by the handler integration tests and by `make demo`.
 */
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { CfnOutcome } from '#functions/commons/cfn-response.ts';
import type { OrganizationDispatchOutcome } from '#functions/organization-event-dispatcher.ts';
import { partitionOfArn } from '#policy/partition.ts';
import type { IamEventOutcome } from '#usecases/iam-event.ts';
import type { PolicyChangeResult } from '#usecases/policy-change.ts';
import type { SeededOrganization } from '../local-aws/seed.ts';
import type { LocalStackClient } from '../local-aws/stack.ts';
import type { CloudTrailRecord } from '../local-aws/types.ts';
import { type CfnResponse, type CfnResponseServer, startCfnResponseServer } from './cfn-responses.ts';
import { type Deployment, type DeployOptions, deployScpAlt } from './deployment.ts';
import {
  type CfnRequestType,
  deleteMarkerNotification,
  forwardCloudTrailRecords,
  forwardIamCalls,
  forwardOrganizationsEvents,
  type IamCallDetail,
  type S3Notification,
  serviceCatalogRequest,
  takeS3Notifications,
} from './events.ts';
import { type BuildHandlersOptions, buildHandlers, lambdaContext, type ScpAltHandlers } from './handlers.ts';
import type { OrganizationsEvent } from './organization-events.ts';
import { deletePolicy, uploadPolicy } from './policy-files.ts';

export interface RegistrationAnswer {
  /** What the handler returned. */
  outcome: CfnOutcome;
  /** What CloudFormation received on the response URL (undefined if nothing was sent). */
  response: CfnResponse | undefined;
  /** How many answers were sent for the request (exactly one is right). */
  answers: number;
}

export interface RegistrationTarget {
  accountId: string;
  ouId: string;
  /** Set on Update/Delete: the physical id the Create answered. Defaults to the account id. */
  physicalResourceId?: string;
  createCloudTrail?: 'yes' | 'no';
  /** The product's ProtectedTrails parameter (comma-separated names or ARNs). */
  protectedTrails?: string;
  /** The product's StandaloneExternalId parameter: an account outside the organization. */
  standaloneExternalId?: string;
}

export class LocalScpAlt {
  /** Which provisioned product's resource holds each physical id (account id). */
  private readonly products = new Map<string, string>();
  private launches = 0;

  private constructor(
    readonly stack: LocalStackClient,
    readonly deployment: Deployment,
    private handlersNow: ScpAltHandlers,
    private readonly responses: CfnResponseServer,
    private readonly handlerOptions: BuildHandlersOptions,
  ) {}

  /** Deploys scp-alt into the seeded organization and starts one container per function. */
  static async start(
    stack: LocalStackClient,
    organization: SeededOrganization,
    options: BuildHandlersOptions = {},
    deployOptions: DeployOptions = {},
  ): Promise<LocalScpAlt> {
    const deployment = await deployScpAlt(stack, organization, deployOptions);
    const handlers = await buildHandlers(stack, deployment, options);
    return new LocalScpAlt(stack, deployment, handlers, await startCfnResponseServer(), options);
  }

  get handlers(): ScpAltHandlers {
    return this.handlersNow;
  }

  /** New containers for every function: empty credential, record and event-id caches. */
  async coldStart(): Promise<void> {
    this.handlersNow = await buildHandlers(this.stack, this.deployment, this.handlerOptions);
  }

  /**
   * One custom-resource request from a provisioned product's stack. A Create launches a new
   * product; an Update or Delete comes from the product whose resource holds the physical id, as
   * CloudFormation sends it (a product updated to another account keeps its stack).
   */
  async register(
    requestType: CfnRequestType,
    target: RegistrationTarget,
    /** Changes the request before it is sent, as someone invoking the function directly could. */
    alter: (request: Record<string, unknown>) => Record<string, unknown> = (request) => request,
  ): Promise<RegistrationAnswer> {
    const requestId = randomUUID();
    const physicalResourceId =
      requestType === 'Create' ? undefined : (target.physicalResourceId ?? target.accountId);
    const product =
      requestType === 'Create'
        ? `${target.accountId}-${++this.launches}`
        : (this.products.get(physicalResourceId ?? '') ?? physicalResourceId ?? target.accountId);
    const event = serviceCatalogRequest(this.deployment, {
      requestType,
      responseUrl: this.responses.urlFor(requestId),
      requestId,
      memberAccountId: target.accountId,
      ouId: target.ouId,
      ...(physicalResourceId ? { physicalResourceId } : {}),
      ...(target.createCloudTrail ? { createCloudTrail: target.createCloudTrail } : {}),
      ...(target.protectedTrails !== undefined ? { protectedTrails: target.protectedTrails } : {}),
      ...(target.standaloneExternalId !== undefined
        ? { standaloneExternalId: target.standaloneExternalId }
        : {}),
      product,
    });
    const outcome = await this.handlers.accountRegister(
      alter(event),
      lambdaContext(this.deployment, 'account-register'),
    );
    if (outcome.status === 'SUCCESS') this.products.set(outcome.physicalResourceId, product);
    const answers = this.responses.responsesFor(requestId);
    return { outcome, response: answers[0]?.body, answers: answers.length };
  }

  enroll(accountId: string, ouId: string): Promise<RegistrationAnswer> {
    return this.register('Create', { accountId, ouId });
  }

  deregister(accountId: string, ouId: string): Promise<RegistrationAnswer> {
    return this.register('Delete', { accountId, ouId });
  }

  /** Runs s3-event-dispatcher once per notification, as S3 invokes it. */
  async dispatchS3(notifications: S3Notification[]): Promise<PolicyChangeResult[]> {
    const results: PolicyChangeResult[] = [];
    for (const notification of notifications) {
      const answer = await this.handlers.s3EventDispatcher(
        notification,
        lambdaContext(this.deployment, 's3-event-dispatcher', 900_000),
      );
      if (Array.isArray(answer)) results.push(...answer);
    }
    return results;
  }

  /** Uploads a policy file and delivers the notification S3 emitted for it. */
  async uploadPolicy(key: string, body: string): Promise<PolicyChangeResult[]> {
    await uploadPolicy(this.deployment, key, body);
    return this.dispatchS3(await takeS3Notifications(this.deployment));
  }

  /** Deletes a policy file and delivers the notification S3 sends for the delete marker. */
  async deletePolicy(key: string): Promise<PolicyChangeResult[]> {
    const markerVersionId = await deletePolicy(this.deployment, key);
    return this.dispatchS3([deleteMarkerNotification(this.deployment, key, markerVersionId)]);
  }

  /** Forwards the calls through the security bus; the SQS batch iam-event-dispatcher would get. */
  forwardIamCalls(calls: IamCallDetail[]): Promise<SQSEvent> {
    return forwardIamCalls(this.deployment, calls);
  }

  /** Forwards what CloudTrail recorded of real calls (ProxyControl.cloudTrailRecords). */
  forwardCloudTrailRecords(records: readonly CloudTrailRecord[]): Promise<SQSEvent> {
    return forwardCloudTrailRecords(this.deployment, records);
  }

  async dispatchIamEvents(batch: SQSEvent): Promise<SQSBatchResponse> {
    const answer = await this.handlers.iamEventDispatcher(
      batch,
      lambdaContext(this.deployment, 'iam-event-dispatcher', 60_000),
    );
    return answer as SQSBatchResponse;
  }

  /** Outcome per call of one EventBridge event each (direct invocation, one event per call). */
  async reportIamCall(call: IamCallDetail): Promise<IamEventOutcome> {
    return this.deliverOne(await this.forwardIamCalls([call]), call.eventName);
  }

  /** The outcome of one recorded call, forwarded and delivered as one EventBridge event. */
  async reportRecordedIamCall(record: CloudTrailRecord): Promise<IamEventOutcome> {
    return this.deliverOne(await this.forwardCloudTrailRecords([record]), record.eventName);
  }

  private async deliverOne(batch: SQSEvent, eventName: string): Promise<IamEventOutcome> {
    const record = batch.Records[0];
    if (!record) throw new Error(`the security bus did not route ${eventName} to its queue`);
    const answer = await this.handlers.iamEventDispatcher(
      JSON.parse(record.body) as unknown,
      lambdaContext(this.deployment, 'iam-event-dispatcher', 60_000),
    );
    return answer as IamEventOutcome;
  }

  /** What every Organizations event of this deployment's management account shares. */
  get organizationsEventBase(): { managementAccountId: string; partition: string } {
    return {
      managementAccountId: this.deployment.organization.managementAccountId,
      partition: partitionOfArn(this.deployment.topicArn),
    };
  }

  /**
   * Changes the functions' settings (as a stack update of their parameters does) and starts new
   * containers with them, e.g. `{ AUTO_ENROLL_TARGETS: ouId }`.
   */
  async configure(environment: Record<string, string>): Promise<void> {
    Object.assign(this.deployment.environment, environment);
    await this.coldStart();
  }

  /** Organizations events through the security bus and its queue: the SQS batch the dispatcher answers. */
  async dispatchOrganizationsEvents(events: OrganizationsEvent[]): Promise<SQSBatchResponse> {
    const batch = await forwardOrganizationsEvents(this.deployment, events);
    const answer = await this.handlers.organizationEventDispatcher(
      batch,
      lambdaContext(this.deployment, 'organization-event-dispatcher', 600_000),
    );
    return answer as SQSBatchResponse;
  }

  /** One Organizations event routed by the bus and handed to the dispatcher directly: its outcome. */
  async reportOrganizationsEvent(event: OrganizationsEvent): Promise<OrganizationDispatchOutcome> {
    const batch = await forwardOrganizationsEvents(this.deployment, [event]);
    const record = batch.Records[0];
    if (!record) throw new Error(`the security bus did not route ${event.detail.eventName} to its queue`);
    const answer = await this.handlers.organizationEventDispatcher(
      JSON.parse(record.body) as unknown,
      lambdaContext(this.deployment, 'organization-event-dispatcher', 600_000),
    );
    return answer as OrganizationDispatchOutcome;
  }

  async stop(): Promise<void> {
    await this.responses.close();
  }
}
