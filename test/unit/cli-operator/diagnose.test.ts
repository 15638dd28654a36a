/**
 * What an operator reads when the settings point at the wrong place: the table, region and account
 * in question and the one step that fixes it. Errors are shaped as the SDK throws them.
 */
import { describe, expect, it } from 'vitest';
import { explainFailure, type FailureProbes, isDefect } from '#cli/operator/diagnose.ts';
import { guarded } from '#cli/operator/guarded.ts';
import type { SessionFacts } from '#cli/operator/session-facts.ts';
import { ScpAltError } from '#shared/errors.ts';
import { fakeIo } from './helpers.ts';

function awsError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, ...extra });
}

const FACTS: SessionFacts = {
  region: 'cn-north-1',
  partition: 'aws-cn',
  credentialSource: "profile 'ops' (--profile)",
  securityAccountId: '222222222222',
  stage: 'prod',
  table: 'scp-alt-prod-accounts',
  bucket: 'scp-alt-222222222222',
  managementRoleArn: 'arn:aws-cn:iam::111111111111:role/scp-alt-management-access',
};

function probes(
  caller: { account: string; arn: string } | undefined,
  tables: string[] | undefined,
): FailureProbes {
  return { caller: async () => caller, accountTables: async () => tables };
}
const OPERATOR = { account: '222222222222', arn: 'arn:aws-cn:sts::222222222222:assumed-role/ops/alice' };
const TABLE_MISSING = awsError('ResourceNotFoundException', 'Requested resource not found');

describe('the deployment is not where the settings point', () => {
  it('Given the wrong --stage, when the table is missing, then the message lists the table that exists and says which stage to pass', async () => {
    const explained = await explainFailure(TABLE_MISSING, FACTS, probes(OPERATOR, ['scp-alt-dev-accounts']));
    expect(explained?.code).toBe('DEPLOYMENT_NOT_FOUND');
    expect(explained?.message).toBe(
      `table scp-alt-prod-accounts does not exist in region cn-north-1 of account 222222222222 (credentials: ${OPERATOR.arn}); scp-alt tables there: scp-alt-dev-accounts`,
    );
    expect(explained?.nextAction).toBe('Pass --stage dev (or SCP_ALT_STAGE), the stage of that deployment.');
  });

  it('Given the wrong region, when no scp-alt table is there, then the region is named and the next step lists region, stage and credentials', async () => {
    const explained = await explainFailure(
      TABLE_MISSING,
      { ...FACTS, region: 'cn-northwest-1' },
      probes(OPERATOR, []),
    );
    expect(explained?.message).toContain('does not exist in region cn-northwest-1 of account 222222222222');
    expect(explained?.message).toContain('no scp-alt table is there');
    expect(explained?.nextAction).toContain('Pass the region the security stack was deployed in (--region)');
  });

  it('Given credentials of another account than --security-account, then the message names both accounts', async () => {
    const member = { account: '333333333333', arn: 'arn:aws-cn:sts::333333333333:assumed-role/dev/bob' };
    const explained = await explainFailure(TABLE_MISSING, FACTS, probes(member, []));
    expect(explained?.message).toContain(
      'of account 333333333333 (credentials: arn:aws-cn:sts::333333333333:assumed-role/dev/bob)',
    );
    expect(explained?.nextAction).toBe(
      'Use credentials of the security account 222222222222 (--profile), not of 333333333333.',
    );
  });

  it('Given a missing bucket, then the bucket is named with how its name is derived', async () => {
    const explained = await explainFailure(
      awsError('NoSuchBucket', 'The specified bucket does not exist'),
      FACTS,
      probes(OPERATOR, []),
    );
    expect(explained?.code).toBe('DEPLOYMENT_NOT_FOUND');
    expect(explained?.message).toBe(
      `policy bucket scp-alt-222222222222 does not exist (region cn-north-1, credentials ${OPERATOR.arn})`,
    );
    expect(explained?.nextAction).toContain('scp-alt-<security account>');
  });

  it('Given the failure wrapped in a flow step, then the cause is still found', async () => {
    const wrapped = new ScpAltError('AWS_CALL_FAILED', 'list accounts: ResourceNotFoundException', {
      cause: TABLE_MISSING,
    });
    expect((await explainFailure(wrapped, FACTS, probes(OPERATOR, [])))?.code).toBe('DEPLOYMENT_NOT_FOUND');
  });
});

describe('roles and credentials', () => {
  const assumeError = (roleArn: string) =>
    Object.assign(
      new ScpAltError('ASSUME_ROLE_FAILED', `assume ${roleArn}: AccessDenied`, {
        cause: awsError('AccessDenied', 'not authorized to perform sts:AssumeRole'),
      }),
      { name: 'AssumeRoleError', roleArn },
    );

  it('Given the management role refuses the operator, then OPERATOR_NOT_TRUSTED names the caller and OperatorPrincipalArns', async () => {
    const explained = await explainFailure(
      assumeError(FACTS.managementRoleArn ?? ''),
      FACTS,
      probes(OPERATOR, []),
    );
    expect(explained?.code).toBe('OPERATOR_NOT_TRUSTED');
    expect(explained?.message).toBe(
      `the management role ${FACTS.managementRoleArn} refused ${OPERATOR.arn} (sts:AssumeRole denied)`,
    );
    expect(explained?.nextAction).toContain(
      'Add your role ARN to OperatorPrincipalArns of the management-role stack',
    );
  });

  it('Given a member account without the organization access role, then MEMBER_ROLE_REFUSED names the account and --org-role', async () => {
    const role = 'arn:aws-cn:iam::444444444444:role/OrganizationAccountAccessRole';
    const explained = await explainFailure(assumeError(role), FACTS, probes(OPERATOR, []));
    expect(explained?.code).toBe('MEMBER_ROLE_REFUSED');
    expect(explained?.message).toContain('in account 444444444444');
    expect(explained?.nextAction).toContain(
      'Accounts invited into the organization have no OrganizationAccountAccessRole',
    );
  });

  it('Given a member whose access role does not let the management role set our source identity, then MEMBER_ROLE_REFUSED names the trust statement to add', async () => {
    const role = 'arn:aws-cn:iam::444444444444:role/OrganizationAccountAccessRole';
    const refused = Object.assign(
      new ScpAltError('ASSUME_ROLE_FAILED', `assume ${role}: AccessDenied`, {
        cause: awsError(
          'AccessDenied',
          `not authorized to perform: sts:SetSourceIdentity on resource: ${role}`,
        ),
      }),
      { name: 'AssumeRoleError', roleArn: role },
    );
    const explained = await explainFailure(refused, FACTS, probes(OPERATOR, []));
    expect(explained?.code).toBe('MEMBER_ROLE_REFUSED');
    expect(explained?.message).toContain('(sts:SetSourceIdentity denied)');
    expect(explained?.nextAction).toContain('trust of OrganizationAccountAccessRole');
  });

  it('Given keys AWS does not know, then CREDENTIALS_REJECTED names their source and the partition', async () => {
    const explained = await explainFailure(
      awsError('InvalidClientTokenId', 'The security token included in the request is invalid.'),
      FACTS,
      probes(undefined, undefined),
    );
    expect(explained?.code).toBe('CREDENTIALS_REJECTED');
    expect(explained?.message).toContain(
      "AWS in region cn-north-1 rejected the credentials from profile 'ops' (--profile)",
    );
    expect(explained?.nextAction).toContain('partition aws-cn');
  });
});

describe('defects and AWS failures', () => {
  it('Given an AWS answer nothing here explains, then it is not a defect; a TypeError is', () => {
    expect(isDefect(awsError('ThrottlingException', 'Rate exceeded'))).toBe(false);
    expect(isDefect(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(true);
  });

  it('Given a command that fails on a TypeError, when guarded, then INTERNAL_ERROR says it is a defect to report', async () => {
    const io = fakeIo();
    const code = await guarded(
      io,
      { name: 'status', usage: '' },
      [],
      async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x')");
      },
      { probes: () => probes(undefined, undefined) },
    );
    expect(code).toBe(1);
    expect(io.err()).toContain(
      "scp-alt status: INTERNAL_ERROR: TypeError: Cannot read properties of undefined (reading 'x')",
    );
    expect(io.err()).toContain('This is a defect in scp-alt: report it');
  });

  it('Given a command that fails on throttling, when guarded, then AWS_CALL_FAILED suggests a retry, not a bug report', async () => {
    const io = fakeIo();
    await guarded(
      io,
      { name: 'status', usage: '' },
      ['--json'],
      async () => {
        throw awsError('ThrottlingException', 'Rate exceeded');
      },
      { probes: () => probes(undefined, undefined) },
    );
    const { error } = JSON.parse(io.out()) as { error: { code: string; nextAction: string } };
    expect(error.code).toBe('AWS_CALL_FAILED');
    expect(error.nextAction).toContain('Retry');
    expect(error.nextAction).not.toContain('defect');
  });
});
