/** An estate as `status --json --estate` captures it: one ACTIVE, one FAILED, one account not enrolled. */
import type { EstateCapture } from '#cli/operator/estate-types.ts';

export const ROOT = 'r-ab12';
export const WORKLOADS = 'ou-ab12-11111111';
export const PROD = 'ou-ab12-22222222';
export const SANDBOX = 'ou-ab12-33333333';
export const ACTIVE_ACCOUNT = '111111111111';
export const FAILED_ACCOUNT = '222222222222';
export const UNENROLLED_ACCOUNT = '333333333333';

const record = (
  accountId: string,
  ouPath: string[],
  overrides: Partial<EstateCapture['accounts'][number]>,
) => ({
  accountId,
  status: 'ACTIVE',
  ouId: ouPath.at(-1) ?? ROOT,
  ouPath,
  policyFileKeys: [] as string[],
  compiledHash: null,
  boundaryVersionId: null,
  additionalPolicies: [] as { name: string; versionId: string }[],
  updatedAt: '2026-11-20T08:00:00.000Z',
  lastError: null,
  customerBoundaryArns: [] as string[],
  createCloudTrail: false,
  ...overrides,
});

export function estateFixture(): EstateCapture {
  return {
    generatedAt: '2026-11-23T10:00:00.000Z',
    deployment: {
      securityAccountId: '999999999999',
      region: 'cn-north-1',
      partition: 'aws-cn',
      bucket: 'scp-alt-999999999999',
      table: 'scp-alt-prod-accounts',
    },
    accounts: [
      record(ACTIVE_ACCOUNT, [ROOT, WORKLOADS], {
        policyFileKeys: [
          `permission-boundary-policy/${ROOT}.json`,
          `permission-boundary-policy/${WORKLOADS}.json`,
        ],
        compiledHash: 'a'.repeat(64),
        boundaryVersionId: 'v3',
      }),
      record(FAILED_ACCOUNT, [ROOT, SANDBOX], {
        status: 'FAILED',
        updatedAt: '2026-11-23T09:15:00.000Z',
        lastError:
          'POLICY_INVALID: permission-boundary-policy/ou-ab12-33333333.json Statement[0]: <script>alert(1)</script> [policy.statement.action.unknown]',
      }),
    ],
    policyFiles: [
      `permission-boundary-policy/${ROOT}.json`,
      `permission-boundary-policy/${WORKLOADS}.json`,
      `permission-boundary-policy/${SANDBOX}.json`,
    ],
    organization: {
      error: null,
      roots: [
        {
          id: ROOT,
          name: 'Root',
          kind: 'root',
          accounts: [{ id: '999999999999', name: 'security' }],
          children: [
            {
              id: WORKLOADS,
              name: 'Workloads',
              kind: 'ou',
              accounts: [{ id: ACTIVE_ACCOUNT, name: 'app-dev' }],
              children: [
                {
                  id: PROD,
                  name: 'Prod',
                  kind: 'ou',
                  accounts: [{ id: UNENROLLED_ACCOUNT, name: 'app-prod' }],
                  children: [],
                },
              ],
            },
            {
              id: SANDBOX,
              name: 'Sandbox',
              kind: 'ou',
              accounts: [{ id: FAILED_ACCOUNT, name: 'sandbox-1' }],
              children: [],
            },
          ],
        },
      ],
    },
    principals: [
      {
        accountId: ACTIVE_ACCOUNT,
        bounded: 5,
        error: null,
        unbounded: [
          {
            arn: `arn:aws-cn:iam::${ACTIVE_ACCOUNT}:role/OrganizationAccountAccessRole`,
            reason: 'exempt: organization access role OrganizationAccountAccessRole',
            exempt: true,
          },
          {
            arn: `arn:aws-cn:iam::${ACTIVE_ACCOUNT}:role/batch-runner`,
            reason:
              'missing: no boundary (drift); `scp-alt replay --account` or the next reconcile attaches it',
            exempt: false,
          },
        ],
      },
      { accountId: FAILED_ACCOUNT, bounded: 0, unbounded: [], error: 'AccessDenied: not authorized' },
    ],
  };
}
