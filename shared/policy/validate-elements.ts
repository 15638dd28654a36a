/**
 * Checks of the elements inside one statement: actions against the catalog, resource ARNs,
 * condition operators and values. Each returns findings as data.
 */
import { catalogMatch } from './catalog-index.ts';
import { parseConditionOperator } from './condition-operators.ts';
import { conditionValues, isRecord } from './parse.ts';
import type { ActionCatalog, PolicyFinding } from './types.ts';

export interface ElementContext {
  file: string;
  catalog: ActionCatalog;
  allowUnknownActions: boolean;
}

type FindingDraft = Omit<PolicyFinding, 'file'>;

const ACTION_SHAPE = /^([A-Za-z0-9-]+):([A-Za-z0-9*?]+)$/;

/**
 * One Action/NotAction entry: well formed, and known to the catalog. An entry that can match no
 * action of the catalog decides nothing today, so it is only a warning (the compiler handles it
 * exactly): an unknown service prefix (retired services such as `macie` still appear in
 * published SCPs) or a wildcard that matches nothing. A literal name unknown in a known service is
 * an error: that is almost surely a typo (`s3:GetObjekt`) that would silently protect nothing.
 */
export function checkActionPattern(pattern: string, path: string, context: ElementContext): FindingDraft[] {
  if (pattern === '*') return [];
  const shape = ACTION_SHAPE.exec(pattern);
  if (!shape) {
    return [
      {
        severity: 'error',
        code: 'policy.statement.action.malformed',
        path,
        message: `'${pattern}' is not an action: expected 'service:Action' (wildcards * and ? only in the action name)`,
      },
    ];
  }
  const match = catalogMatch(context.catalog, pattern);
  if (match.kind === 'matches') return [];
  if (match.kind === 'unknown-service') {
    return [
      {
        severity: 'warning',
        code: 'policy.statement.action.service-unknown',
        path,
        message: `'${pattern}': no service of the IAM action catalog has the prefix '${match.service}' (retired, or newer than the catalog); it matches no action today`,
      },
    ];
  }
  if (!match.literal) {
    return [
      {
        severity: 'warning',
        code: 'policy.statement.action.matches-nothing',
        path,
        message: `'${pattern}' matches no action of service '${match.service}' in the IAM action catalog`,
      },
    ];
  }
  return [
    {
      severity: context.allowUnknownActions ? 'warning' : 'error',
      code: 'policy.statement.action.unknown',
      path,
      message: `'${pattern}' is not an action of service '${match.service}' in the IAM action catalog (a typo?)`,
    },
  ];
}

/** A Resource entry: '*' or an ARN with partition, service and a resource part. */
export function checkResourcePattern(pattern: string, path: string): FindingDraft[] {
  if (pattern === '*') return [];
  const parts = pattern.split(':');
  const [prefix, partition, service] = parts;
  const resource = parts.slice(5).join(':');
  if (parts.length >= 6 && prefix === 'arn' && partition && service && resource) return [];
  return [
    {
      severity: 'error',
      code: 'policy.statement.resource.arn-malformed',
      path,
      message: `'${pattern}' is not an ARN: expected arn:partition:service:region:account:resource or '*'`,
    },
  ];
}

/** The Condition element: known operators, each mapping keys to non-empty scalar values. */
export function checkCondition(condition: unknown, path: string): FindingDraft[] {
  if (!isRecord(condition)) {
    return [
      {
        severity: 'error',
        code: 'policy.statement.condition.invalid',
        path,
        message: 'Condition must be an object of operator → { key: value(s) }',
      },
    ];
  }
  return Object.entries(condition).flatMap(([operator, block]) => {
    const operatorPath = `${path}.${operator}`;
    if (!parseConditionOperator(operator)) {
      return [
        {
          severity: 'error' as const,
          code: 'policy.statement.condition.operator-unknown',
          path: operatorPath,
          message: `'${operator}' is not an IAM condition operator`,
        },
      ];
    }
    if (!isRecord(block) || Object.keys(block).length === 0) {
      return [
        {
          severity: 'error' as const,
          code: 'policy.statement.condition.invalid',
          path: operatorPath,
          message: `${operator} must map at least one condition key to its value(s)`,
        },
      ];
    }
    return Object.entries(block)
      .filter(([, value]) => conditionValues(value) === undefined)
      .map(([key]) => ({
        severity: 'error' as const,
        code: 'policy.statement.condition.value-invalid',
        path: `${operatorPath}.${key}`,
        message: `value of ${key} must be a string, number or boolean, or a non-empty list of them`,
      }));
  });
}
