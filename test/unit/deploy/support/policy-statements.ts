import { asArray, type CfnTemplate, isRecord } from './templates.ts';

/** One IAM policy statement found somewhere in a template, with where it was found. */
export interface FoundStatement {
  /** e.g. `Resources.LaunchRole.Properties.Policies[0].PolicyDocument.Statement[2]` */
  path: string;
  /** Logical id of the resource holding the policy. */
  resource: string;
  /** True for a role's trust policy (AssumeRolePolicyDocument). */
  trust: boolean;
  /** True when a CloudFormation condition (`Fn::If`) decides whether the statement exists. */
  conditional: boolean;
  effect: string;
  actions: string[];
  notActions: string[];
  resources: unknown[];
  principal: unknown;
  condition: unknown;
}

function toStatement(raw: Record<string, unknown>, path: string, resource: string): FoundStatement {
  return {
    path,
    resource,
    trust: path.includes('AssumeRolePolicyDocument'),
    conditional: path.includes('Fn::If'),
    effect: String(raw.Effect),
    actions: asArray(raw.Action as string | string[] | undefined),
    notActions: asArray(raw.NotAction as string | string[] | undefined),
    resources: asArray(raw.Resource as unknown),
    principal: raw.Principal,
    condition: raw.Condition,
  };
}

/** Statements in a `Statement` element, also those a condition (`Fn::If`) puts there. */
function collectStatements(value: unknown, path: string, resource: string, found: FoundStatement[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      collectStatements(item, `${path}[${index}]`, resource, found);
    });
  } else if (isRecord(value) && 'Effect' in value) {
    found.push(toStatement(value, path, resource));
  } else if (isRecord(value)) {
    for (const [key, child] of Object.entries(value))
      collectStatements(child, `${path}.${key}`, resource, found);
  }
}

function walk(value: unknown, path: string, resource: string, found: FoundStatement[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      walk(item, `${path}[${index}]`, resource, found);
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}.${key}`;
    // Policy documents hold `Statement: [...]`; AWS::Events::EventBusPolicy holds one statement.
    if (key === 'Statement') {
      collectStatements(child, childPath, resource, found);
    } else {
      walk(child, childPath, resource, found);
    }
  }
}

/** Every IAM statement in the template's resources (identity, trust and resource policies). */
export function policyStatements(template: CfnTemplate): FoundStatement[] {
  const found: FoundStatement[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    walk(resource.Properties, `Resources.${logicalId}.Properties`, logicalId, found);
  }
  return found;
}

/** Statements of the inline policies of one IAM role. */
export function roleStatements(template: CfnTemplate, roleLogicalId: string): FoundStatement[] {
  return policyStatements(template).filter(
    (statement) => statement.resource === roleLogicalId && !statement.trust,
  );
}

/** Allowed actions, deduplicated and sorted (case kept, IAM action names are case-insensitive). */
export function allowedActions(statements: FoundStatement[]): string[] {
  const actions = statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.actions);
  return [...new Set(actions)].sort();
}

const isWildcardAction = (action: string) => action === '*' || /^[a-z0-9-]+:\*$/i.test(action);
const onAnyResource = (statement: FoundStatement) => statement.resources.includes('*');

/** Why an Allow statement is broader than scp-alt may grant, or undefined when it is not. */
export function overlyBroad(statement: FoundStatement): string | undefined {
  if (statement.effect !== 'Allow') return undefined;
  if (statement.notActions.length > 0) return 'Allow with NotAction';
  const wildcard = statement.actions.find(isWildcardAction);
  if (wildcard) return `Allow of ${wildcard}`;
  const pattern = statement.actions.find((action) => action.includes('*'));
  if (pattern && onAnyResource(statement)) return `Allow of ${pattern} on Resource "*"`;
  if (statement.principal === '*' && statement.condition === undefined)
    return 'Allow to Principal "*" without a condition';
  return undefined;
}
