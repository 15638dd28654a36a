/**
 * Regional reads of a member account's compute for the exposure report: Lambda functions and
 * CloudFormation stacks with their roles. Only the reconciler reports compute, so only its entry
 * hands this to the wiring: the other functions' bundles do not carry these two SDK clients.
 */
import { CloudFormationClient, paginateDescribeStacks } from '@aws-sdk/client-cloudformation';
import { LambdaClient, paginateListFunctions } from '@aws-sdk/client-lambda';
import type { RoleUse } from '#usecases/ports.ts';
import type { BuiltClientConfig } from './client-config.ts';

export interface RegionalComputeReader {
  functions(config: BuiltClientConfig): Promise<RoleUse[]>;
  stacks(config: BuiltClientConfig): Promise<RoleUse[]>;
}

export const regionalComputeReader: RegionalComputeReader = {
  async functions(config) {
    const uses: RoleUse[] = [];
    for await (const page of paginateListFunctions({ client: new LambdaClient(config) }, {})) {
      for (const fn of page.Functions ?? []) {
        uses.push({ kind: 'lambda-function', arn: fn.FunctionArn ?? '', roleArn: fn.Role ?? '' });
      }
    }
    return uses;
  },
  async stacks(config) {
    const uses: RoleUse[] = [];
    for await (const page of paginateDescribeStacks({ client: new CloudFormationClient(config) }, {})) {
      for (const stack of page.Stacks ?? []) {
        if (stack.RoleARN)
          uses.push({ kind: 'cloudformation-stack', arn: stack.StackId ?? '', roleArn: stack.RoleARN });
      }
    }
    return uses;
  },
};
