/**
 * `npx tsx bench/compile-large-allow.ts`: how long compileBoundary takes for one account whose
 * root file is an allow-list of 1,949 statements, in the shapes published allow-lists take
 * (one action per statement; restricted by resource; by one shared condition; by per-statement
 * conditions). A benchmark, not a test: the unit test bounds the work by operation count.
 */
import { defaultActionCatalog } from '../shared/policy/action-catalog.ts';
import { compileBoundary } from '../shared/policy/compile.ts';
import { defaultBoundaryParameters } from '../shared/policy/parameters.ts';
import type { PolicyStatement } from '../shared/policy/types.ts';

const STATEMENTS = 1949;
const ACCOUNT_ID = '111122223333';

function catalogActions(count: number): string[] {
  const catalog = defaultActionCatalog();
  const services = ['ec2', 's3', 'iam', 'rds', 'lambda', 'dynamodb', 'sqs', 'sns', 'kms', 'logs', 'glue'];
  return services
    .flatMap((service) => catalog.actionsOf(service).map((name) => `${service}:${name}`))
    .slice(0, count);
}

const shapes: Record<string, (action: string, index: number) => PolicyStatement> = {
  'one action each': (action) => ({ Effect: 'Allow', Action: action, Resource: '*' }),
  'distinct resources': (action, index) => ({
    Effect: 'Allow',
    Action: action,
    Resource: `arn:aws-cn:s3:::bucket-${index}/*`,
  }),
  'one shared condition': (action) => ({
    Effect: 'Allow',
    Action: action,
    Resource: '*',
    Condition: { StringEquals: { 'aws:RequestedRegion': 'cn-north-1' } },
  }),
  'per-statement conditions': (action, index) => ({
    Effect: 'Allow',
    Action: action,
    Resource: '*',
    Condition: { StringEquals: { 'aws:PrincipalTag/team': `team-${index}` } },
  }),
};

const actions = catalogActions(STATEMENTS);
const params = defaultBoundaryParameters({ partition: 'aws-cn', accountId: ACCOUNT_ID });
// Warm the catalog so the first shape does not pay for reading it.
defaultActionCatalog().actionsOf('ec2');
for (const [name, shape] of Object.entries(shapes)) {
  const body = JSON.stringify({ Version: '2012-10-17', Statement: actions.map(shape) }, null, 2);
  const started = performance.now();
  const outcome = compileBoundary({
    params,
    chain: [{ target: 'r-ab12', sources: [{ key: 'permission-boundary-policy/r-ab12.json', body }] }],
  });
  const elapsed = performance.now() - started;
  const result = outcome.ok
    ? `compiled, ${outcome.size} characters`
    : `refused: ${outcome.errors[0]?.code} (${outcome.errors.length} findings)`;
  console.log(
    `${name.padEnd(26)} ${actions.length} statements, ${Math.round(body.length / 1024)} KiB: ${elapsed.toFixed(0)} ms, ${result}`,
  );
}
