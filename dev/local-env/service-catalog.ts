/**
 * A launch (or termination) of the "SCP Account register" product: CloudFormation sends the custom
 * resource request to account-register and reads its answer from the response URL.
 */
import { randomUUID } from 'node:crypto';
import {
  type CfnResponse,
  type CfnResponseServer,
  startCfnResponseServer,
} from '../local-deployment/cfn-responses.ts';
import type { Deployment } from '../local-deployment/deployment.ts';
import { type CfnRequestType, serviceCatalogRequest } from '../local-deployment/events.ts';
import type { FunctionRunner, Invocation } from './functions.ts';

export interface ProductAnswer {
  /** What CloudFormation read from the response URL (undefined: no answer, the stack would hang). */
  response: CfnResponse | undefined;
  /** How many answers were sent (exactly one is right). */
  answers: number;
  invocation: Invocation;
}

export class ServiceCatalogProduct {
  private responses: CfnResponseServer | undefined;

  constructor(
    private readonly deployment: Deployment,
    private readonly runner: FunctionRunner,
    private readonly onInvocation?: (invocation: Invocation, detail: string) => void,
  ) {}

  async request(requestType: CfnRequestType, accountId: string, ouId: string): Promise<ProductAnswer> {
    this.responses ??= await startCfnResponseServer();
    const requestId = randomUUID();
    const event = serviceCatalogRequest(this.deployment, {
      requestType,
      responseUrl: this.responses.urlFor(requestId),
      requestId,
      memberAccountId: accountId,
      ouId,
      ...(requestType === 'Create' ? {} : { physicalResourceId: accountId }),
    });
    const invocation = await this.runner.invoke('account-register', event);
    const answers = this.responses.responsesFor(requestId);
    const answer = answers[0]?.body;
    this.onInvocation?.(
      invocation,
      `custom resource ${requestType} for ${accountId}: ${answer ? `${answer.Status}${answer.Status === 'FAILED' ? ` (${answer.Reason})` : ''}` : 'no answer'}`,
    );
    return { response: answer, answers: answers.length, invocation };
  }

  async close(): Promise<void> {
    await this.responses?.close();
  }
}
