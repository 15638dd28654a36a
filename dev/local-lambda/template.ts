/**
 * The functions of the packaged security stack as Lambda would create them: handler, runtime,
 * timeout, memory, role, environment (still with its intrinsic functions) and the zip that holds
 * the code. Read from the template `make package` wrote, never from serverless.yml.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { LocalLambdaError } from './errors.ts';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface CfnParameter {
  Type: string;
  Default?: string;
  AllowedPattern?: string;
  AllowedValues?: string[];
}

export interface PackagedTemplate {
  Parameters?: Record<string, CfnParameter>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
}

/** One AWS::Lambda::Function of the template. */
export interface PackagedFunction {
  logicalId: string;
  /** Deployed name, e.g. `scp-alt-prod-account-register`. */
  functionName: string;
  /** `<file without extension>.<export>`, as Lambda reads it. */
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** File name of the code zip (the last part of Code.S3Key). */
  zipName: string;
  /** Logical id of the execution role (Role: Fn::GetAtt <id>.Arn). */
  roleLogicalId: string;
  /** Environment.Variables as written in the template (intrinsics unresolved). */
  environment: Record<string, unknown>;
}

export async function readPackagedTemplate(file: string): Promise<PackagedTemplate> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new LocalLambdaError('local-lambda.template', `cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!isRecord(parsed) || !isRecord(parsed.Resources))
    throw new LocalLambdaError('local-lambda.template', `${file} is not a CloudFormation template`);
  return parsed as unknown as PackagedTemplate;
}

export function packagedFunctions(template: PackagedTemplate): PackagedFunction[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, resource]) => describeFunction(logicalId, resource.Properties ?? {}));
}

function describeFunction(logicalId: string, properties: Record<string, unknown>): PackagedFunction {
  const fail = (what: string) =>
    new LocalLambdaError('local-lambda.template', `function ${logicalId}: ${what} is not as Lambda needs it`);
  const code = isRecord(properties.Code) ? properties.Code : {};
  const role = isRecord(properties.Role) ? properties.Role['Fn::GetAtt'] : undefined;
  const variables = isRecord(properties.Environment) ? properties.Environment.Variables : undefined;
  if (typeof properties.FunctionName !== 'string') throw fail('FunctionName');
  if (typeof properties.Handler !== 'string') throw fail('Handler');
  if (typeof properties.Runtime !== 'string') throw fail('Runtime');
  if (typeof code.S3Key !== 'string') throw fail('Code.S3Key');
  if (!Array.isArray(role) || typeof role[0] !== 'string' || role[1] !== 'Arn') throw fail('Role');
  return {
    logicalId,
    functionName: properties.FunctionName,
    handler: properties.Handler,
    runtime: properties.Runtime,
    // Lambda's defaults when the template says nothing.
    timeoutSeconds: typeof properties.Timeout === 'number' ? properties.Timeout : 3,
    memoryMb: typeof properties.MemorySize === 'number' ? properties.MemorySize : 128,
    zipName: basename(code.S3Key),
    roleLogicalId: role[0],
    environment: isRecord(variables) ? variables : {},
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
