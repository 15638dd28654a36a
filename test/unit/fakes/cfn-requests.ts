/**
 * Custom-resource requests as CloudFormation sends them for the Service Catalog product's stack in
 * the security account (lambdaContext's function and region): the only requests account-register
 * acts on (functions/commons/cfn-origin.ts).
 */
import { lambdaContext } from './world.ts';

export const FUNCTION_ARN = lambdaContext().invokedFunctionArn;
export const RESPONSE_URL =
  'https://cloudformation-custom-resource-response-cnnorthwest1.s3.cn-northwest-1.amazonaws.com.cn/arn%3Aaws-cn%3Acloudformation/presigned?X-Amz-Signature=abc';
export const STACK_ID =
  'arn:aws-cn:cloudformation:cn-northwest-1:999999999999:stack/SC-999999999999-pp-abcdefghijklm/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

export function cloudFormationRequest(
  type: string,
  props: Record<string, string>,
  extra: Record<string, unknown> = {},
) {
  return {
    RequestType: type,
    ServiceToken: FUNCTION_ARN,
    ResponseURL: RESPONSE_URL,
    StackId: STACK_ID,
    RequestId: 'req-1',
    LogicalResourceId: 'Registration',
    ResourceType: 'Custom::ScpAccountRegister',
    ResourceProperties: { ServiceToken: FUNCTION_ARN, ...props },
    ...extra,
  };
}
