import { FUNCTION_NAMES, type FunctionName } from '#functions/permissions.ts';
import { type CfnResource, type CfnTemplate, isRecord, resourcesOfType } from './templates.ts';

/** A Lambda function of the packaged stack, tied to its entry in functions/permissions.ts. */
export interface DeployedFunction {
  name: FunctionName;
  logicalId: string;
  resource: CfnResource;
  /** Logical id of the role the function runs with. */
  roleLogicalId: string;
  environment: Record<string, unknown>;
}

function functionNameOf(handler: unknown): FunctionName | undefined {
  const match = /^functions\/([a-z0-9-]+)\.handler$/.exec(String(handler));
  return FUNCTION_NAMES.find((name) => name === match?.[1]);
}

function roleOf(resource: CfnResource): string {
  const role = resource.Properties?.Role;
  const getAtt = isRecord(role) ? role['Fn::GetAtt'] : undefined;
  if (!Array.isArray(getAtt))
    throw new Error(`function role is not a role of the stack: ${JSON.stringify(role)}`);
  return String(getAtt[0]);
}

export function deployedFunctions(template: CfnTemplate): DeployedFunction[] {
  return resourcesOfType(template, 'AWS::Lambda::Function').map(([logicalId, resource]) => {
    const name = functionNameOf(resource.Properties?.Handler);
    if (!name)
      throw new Error(
        `${logicalId}: handler ${String(resource.Properties?.Handler)} is not a known function`,
      );
    const environment = resource.Properties?.Environment;
    const variables = isRecord(environment) && isRecord(environment.Variables) ? environment.Variables : {};
    return { name, logicalId, resource, roleLogicalId: roleOf(resource), environment: variables };
  });
}

export function deployedFunction(template: CfnTemplate, name: FunctionName): DeployedFunction {
  const found = deployedFunctions(template).find((fn) => fn.name === name);
  if (!found) throw new Error(`no function ${name} in the stack`);
  return found;
}
