/**
 * Checks of the elements inside one statement: actions against the catalog, resource ARNs,
 * condition operators and values. Each returns findings as data.
 */
import { matchesGlob } from './action-pattern.ts';
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

/** One Action/NotAction entry: well formed, known service, and at least one catalog action matches. */
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
  const [, service = '', name = ''] = shape;
  if (!context.catalog.hasService(service)) {
    return [
      {
        severity: 'error',
        code: 'policy.statement.action.service-unknown',
        path,
        message: `'${pattern}': no AWS service has the prefix '${service}'`,
      },
    ];
  }
  if (context.catalog.actionsOf(service).some((action) => matchesGlob(name, action))) return [];
  return [
    {
      severity: context.allowUnknownActions ? 'warning' : 'error',
      code: 'policy.statement.action.unknown',
      path,
      message: `'${pattern}' matches no action of service '${service}' in the IAM action catalog`,
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
