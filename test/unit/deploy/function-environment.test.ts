import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLE_NAMES, loadConfig } from '#shared/config.ts';
import { type DeployedFunction, deployedFunctions } from './support/deployed-functions.ts';
import { loadPackagedTemplate, PACKAGING_TIMEOUT_MS } from './support/packaged-template.ts';
import { declaredNames, referencedNames } from './support/references.ts';
import { type SampleDeployment, SampleResolver } from './support/sample-deployment.ts';
import { type CfnTemplate, onlyResourceOfType } from './support/templates.ts';

let template: CfnTemplate;
let functions: DeployedFunction[];

beforeAll(async () => {
  template = await loadPackagedTemplate();
  functions = deployedFunctions(template);
}, PACKAGING_TIMEOUT_MS);

/**
 * Set by Lambda itself (AWS_REGION is reserved), a rarely needed override derived from it, or set
 * only by local stacks (AWS_ENDPOINT_URL: a deployment that set it would answer custom resources on
 * loopback addresses; the test below holds the stack to never setting it).
 */
const NOT_SET_BY_THE_STACK = new Set(['AWS_REGION', 'SCP_PARTITION', 'AWS_ENDPOINT_URL']);

const SAMPLE: SampleDeployment = {
  partition: 'aws-cn',
  region: 'cn-north-1',
  accountId: '111122223333',
  stackName: 'scp-alt-prod',
  parameters: {
    ManagementAccountID: '444455556666',
    SCPCatalogAdministrator: 'role/Operation',
    OrganizationID: 'o-abcdef1234',
  },
};

function environmentOf(fn: DeployedFunction, deployment: SampleDeployment): Record<string, string> {
  const resolver = new SampleResolver(template, deployment);
  const env: Record<string, string> = { AWS_REGION: deployment.region };
  for (const [name, value] of Object.entries(fn.environment)) {
    const resolved = resolver.resolve(value);
    if (resolved !== undefined) env[name] = String(resolved);
  }
  return env;
}

describe('function environment = shared/config.ts', () => {
  it('deploys all six functions', () => {
    expect(functions.map((fn) => fn.name).sort()).toEqual([
      'account-register',
      'account-worker',
      'iam-event-dispatcher',
      'organization-event-dispatcher',
      'reconciler',
      's3-event-dispatcher',
    ]);
  });

  it('sets exactly the variables loadConfig reads, in every function', () => {
    const expected = CONFIG_VARIABLE_NAMES.filter((name) => !NOT_SET_BY_THE_STACK.has(name)).sort();
    for (const fn of functions) expect(Object.keys(fn.environment).sort(), fn.name).toEqual(expected);
  });

  it('never points a function at a local endpoint', () => {
    for (const fn of functions) expect(fn.environment, fn.name).not.toHaveProperty('AWS_ENDPOINT_URL');
  });

  it('refers only to parameters and resources of the stack', () => {
    const declared = declaredNames(template);
    for (const fn of functions) {
      const undeclared = referencedNames(fn.environment).filter((name) => !declared.has(name));
      expect(undeclared, fn.name).toEqual([]);
    }
  });

  it('gives a configuration that passes the cold-start check, pointing at the stack resources', () => {
    const resolver = new SampleResolver(template, SAMPLE);
    const [bucketId, bucket] = onlyResourceOfType(
      template,
      'AWS::S3::Bucket',
      (id) => id !== 'ServerlessDeploymentBucket',
    );
    for (const fn of functions) {
      const config = loadConfig(environmentOf(fn, SAMPLE));
      expect(config.partition).toBe('aws-cn');
      expect(config.securityAccountId).toBe(SAMPLE.accountId);
      expect(config.managementAccountId).toBe('444455556666');
      expect(config.managementRoleExternalId).toBeUndefined();
      // The bucket name is spelled out (circular dependency), so it must match the bucket's own.
      expect(config.policyBucket, bucketId).toBe(resolver.resolve(bucket.Properties?.BucketName));
      expect(config.accountsTable).toBe('scp-alt-prod-accounts');
      expect(config.failureTopicArn).toMatch(/^arn:aws-cn:sns:cn-north-1:111122223333:/);
      expect(config.eventBusArn).toBe('arn:aws-cn:events:cn-north-1:111122223333:event-bus/scp-alt-bus');
      expect(config.organizationId).toBe('o-abcdef1234');
      expect(config.requireBoundaryOnCreate).toBe(true);
      expect(config.whitelistRoleNames).toEqual(['stacksets-exec-*']);
      expect(config.whitelistTrustCheck).toBe('report');
      expect(config.whitelistTrustAllowedArns).toEqual([
        'arn:aws-cn:iam::444455556666:role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin',
        'arn:aws-cn:iam::444455556666:role/AWSCloudFormationStackSetAdministrationRole',
      ]);
      expect(config.protectedTrails).toEqual([]);
      expect(config.computeAuditRegions).toEqual(['cn-north-1']);
      expect(config.localEndpoint).toBeUndefined();
    }
  });

  it('passes the whitelist trust check, customer trails and audit regions through', () => {
    const deployment = {
      ...SAMPLE,
      parameters: {
        ...SAMPLE.parameters,
        WhitelistTrustCheck: 'refuse',
        WhitelistTrustAllowedArns: 'arn:aws-cn:iam::444455556666:role/Deployer',
        ProtectedTrails: 'org-audit, security-trail',
        ComputeAuditRegions: 'cn-north-1,cn-northwest-1',
      },
    };
    const config = loadConfig(environmentOf(functions[0]!, deployment));
    expect(config.whitelistTrustCheck).toBe('refuse');
    expect(config.whitelistTrustAllowedArns).toEqual(['arn:aws-cn:iam::444455556666:role/Deployer']);
    expect(config.protectedTrails).toEqual(['org-audit', 'security-trail']);
    expect(config.computeAuditRegions).toEqual(['cn-north-1', 'cn-northwest-1']);
  });

  it('passes the ExternalId and RequireBoundaryOnCreate=false through only when set', () => {
    const deployment = {
      ...SAMPLE,
      parameters: {
        ...SAMPLE.parameters,
        ManagementRoleExternalId: 'shared-secret',
        RequireBoundaryOnCreate: 'false',
      },
    };
    const config = loadConfig(environmentOf(functions[0]!, deployment));
    expect(config.managementRoleExternalId).toBe('shared-secret');
    expect(config.requireBoundaryOnCreate).toBe(false);
  });
});
