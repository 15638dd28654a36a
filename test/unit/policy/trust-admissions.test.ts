import { describe, expect, it } from 'vitest';
import {
  stackSetsAdministrationArns,
  trustAdmissions,
  unexpectedAdmissions,
} from '#policy/trust-admissions.ts';

const ADMIN = stackSetsAdministrationArns('aws-cn', '123456789012');
const trust = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });

describe('who a trust policy lets assume the role', () => {
  it('Given the StackSets administration role only, Then nothing is unexpected', () => {
    const document = trust({ Effect: 'Allow', Principal: { AWS: ADMIN[0] }, Action: 'sts:AssumeRole' });
    expect(unexpectedAdmissions(document, 'aws-cn', ADMIN)).toEqual([]);
  });

  it('Given an account root (also as a bare id), a service, a provider and everyone, Then each is named with its statement', () => {
    const document = trust(
      {
        Sid: 'Planted',
        Effect: 'Allow',
        Principal: { AWS: ['111122223333', ADMIN[1]] },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      },
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws-cn:iam::111122223333:saml-provider/idp' },
        Action: 'sts:AssumeRoleWithSAML',
      },
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 'sts:*',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-x' } },
      },
    );
    expect(unexpectedAdmissions(document, 'aws-cn', ADMIN)).toEqual([
      { principal: 'arn:aws-cn:iam::111122223333:root', statement: 'Planted' },
      { principal: 'lambda.amazonaws.com', statement: 'Statement[1]' },
      { principal: 'arn:aws-cn:iam::111122223333:saml-provider/idp', statement: 'Statement[2]' },
      { principal: '*', statement: 'Statement[3]' },
    ]);
  });

  it('Given statements that grant no session (Deny, tags only, NotAction excluding every assume action), Then they admit no one', () => {
    const document = trust(
      { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:TagSession' },
      { Effect: 'Allow', Principal: { AWS: '111122223333' }, NotAction: 'sts:AssumeRole*' },
    );
    expect(trustAdmissions(document, 'aws-cn')).toEqual([]);
  });

  it('Given NotPrincipal or a NotAction that leaves an assume action, Then the door is reported', () => {
    const document = trust(
      { Effect: 'Allow', NotPrincipal: { AWS: ADMIN[0] }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { AWS: '111122223333' }, NotAction: 'sts:AssumeRoleWithSAML' },
    );
    expect(trustAdmissions(document, 'aws-cn').map((admission) => admission.principal)).toEqual([
      `everyone but ${ADMIN[0]}`,
      'arn:aws-cn:iam::111122223333:root',
    ]);
  });

  it('Given something that is not a policy, Then it admits no one (nothing to report, nothing thrown)', () => {
    expect(trustAdmissions(undefined, 'aws-cn')).toEqual([]);
    expect(trustAdmissions({ Statement: 'x' }, 'aws-cn')).toEqual([]);
  });
});
