/**
 * Whether a custom-resource request is what CloudFormation sends for our Service Catalog product.
 * account-register deregisters whatever account a Delete names and PUTs its answer to whatever
 * URL the request gives, so a request from anyone else (a direct invoke) is refused before either:
 *
 * - ResponseURL: the pre-signed S3 URL CloudFormation gives is always in its own response bucket,
 *   `cloudformation-custom-resource-response-<region without dashes>` (AWS CloudFormation User
 *   Guide, "Setting up VPC endpoints for CloudFormation": the buckets a VPC endpoint policy must
 *   allow), addressed virtual-host style under the partition's S3 endpoints of the stack's region:
 *   `<bucket>.s3.<region>.<suffix>` or `<bucket>.s3-<region>.<suffix>` (AWS Lambda Developer Guide,
 *   "Using Lambda with CloudFormation", shows `…-useast1.s3-us-east-1.amazonaws.com` for aws and
 *   `…-cnnorth1.s3.cn-north-1.amazonaws.com.cn` for aws-cn; aws-us-gov uses the same forms under
 *   amazonaws.com), and for the aws partition also the global `<bucket>.s3.amazonaws.com`. A
 *   custom resource's function lives in the stack's region, so that is the function's region.
 * - StackId: a stack Service Catalog provisioned (`SC-<account>-pp-<id>`) in this account and region.
 * - ServiceToken: this function.
 *
 * Local stacks answer on a loopback address, which production never accepts: it is allowed only
 * while the SDK's endpoint itself is a loopback address (AWS_ENDPOINT_URL, set by local stacks
 * and by no deployment; a function with it set could reach no AWS service at all).
 */
import { isIP } from 'node:net';
import { parseArn } from '#policy/arn.ts';
import { partitionInfo } from '#policy/partition.ts';

export interface OriginRequest {
  ResponseURL: string;
  StackId: string;
  ServiceToken: string;
}

export interface OriginOptions {
  /** True only on a local stack (see isLoopbackEndpoint). */
  allowLoopbackResponse: boolean;
}

/** Why the request is not CloudFormation's for our product, or undefined when it is. */
export function requestRefusal(
  request: OriginRequest,
  functionArn: string,
  options: OriginOptions,
): string | undefined {
  const fn = parseArn(functionArn);
  if (!fn) return `the function's own ARN '${functionArn}' is not an ARN`;
  return (
    responseUrlRefusal(request.ResponseURL, fn.partition, fn.region, options) ??
    stackRefusal(request.StackId, fn.partition, fn.region, fn.accountId) ??
    serviceTokenRefusal(request.ServiceToken, functionArn)
  );
}

/** Why the URL is not CloudFormation's response bucket of the region, or undefined when it is. */
export function responseUrlRefusal(
  responseUrl: string,
  partition: string,
  region: string,
  options: OriginOptions,
): string | undefined {
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    return 'ResponseURL is not a URL';
  }
  if (options.allowLoopbackResponse && isLoopbackHost(url.hostname)) return undefined;
  const refused = `ResponseURL host '${url.hostname}' is not CloudFormation's response bucket in ${region}`;
  if (url.protocol !== 'https:') return `ResponseURL is not https (${url.protocol})`;
  if (url.username || url.password || (url.port !== '' && url.port !== '443')) return refused;
  return cloudFormationResponseHosts(partition, region).includes(url.hostname) ? undefined : refused;
}

/** The host names a pre-signed CloudFormation response URL of the region can have. */
export function cloudFormationResponseHosts(partition: string, region: string): string[] {
  const bucket = `cloudformation-custom-resource-response-${region.replaceAll('-', '')}`;
  const { dnsSuffix } = partitionInfo(partition);
  const hosts = [`${bucket}.s3.${region}.${dnsSuffix}`, `${bucket}.s3-${region}.${dnsSuffix}`];
  return partition === 'aws' ? [...hosts, `${bucket}.s3.${dnsSuffix}`] : hosts;
}

function stackRefusal(stackId: string, partition: string, region: string, account: string) {
  const stack = parseArn(stackId);
  const ours =
    stack?.partition === partition &&
    stack.service === 'cloudformation' &&
    stack.region === region &&
    stack.accountId === account &&
    new RegExp(`^stack/SC-${account}-pp-[a-z0-9]+/[0-9a-f-]+$`).test(stack.resource);
  return ours
    ? undefined
    : `StackId '${stackId}' is not a Service Catalog provisioned product of account ${account} in ${region}`;
}

function serviceTokenRefusal(serviceToken: string, functionArn: string): string | undefined {
  return unqualified(serviceToken) === unqualified(functionArn)
    ? undefined
    : `ServiceToken '${serviceToken}' is not this function`;
}

/** A function ARN without its version or alias (`…:function:name:qualifier`). */
function unqualified(functionArn: string): string {
  return functionArn.split(':').slice(0, 7).join(':');
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** True for an SDK endpoint on this machine (a local stack); false when unset, as in every deployment. */
export function isLoopbackEndpoint(endpointUrl: string | undefined): boolean {
  if (!endpointUrl) return false;
  try {
    return isLoopbackHost(new URL(endpointUrl).hostname);
  } catch {
    return false;
  }
}
