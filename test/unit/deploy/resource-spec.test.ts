import { beforeAll, describe, expect, it } from 'vitest';
import { loadPackagedTemplate, PACKAGING_TIMEOUT_MS } from './support/packaged-template.ts';
import {
  declaredNames,
  dependencyCycle,
  referencedConditions,
  referencedNames,
} from './support/references.ts';
import { ResourceSpec } from './support/resource-spec.ts';
import { type CfnTemplate, loadStandaloneTemplates, type NamedTemplate } from './support/templates.ts';

// Given every template an operator deploys: the packaged security stack and templates/*.yaml.
let spec: ResourceSpec;
let templates: NamedTemplate[];

beforeAll(async () => {
  spec = await ResourceSpec.load();
  const packaged = await loadPackagedTemplate();
  templates = [
    { file: '.serverless/cloudformation-template-update-stack.json', template: packaged },
    ...loadStandaloneTemplates(),
  ];
}, PACKAGING_TIMEOUT_MS);

describe('templates match the CloudFormation resource specification', () => {
  it('covers the packaged stack and the six companion templates', () => {
    expect(templates.map((t) => t.file)).toEqual([
      '.serverless/cloudformation-template-update-stack.json',
      'templates/management-role.yaml',
      'templates/member-forwarding.yaml',
      'templates/organization-events.yaml',
      'templates/scp-account-register-product.yaml',
      'templates/service-catalog.yaml',
      'templates/standalone-account-role.yaml',
    ]);
  });

  it('uses only existing resource types and property names, with required properties present', () => {
    const problems = templates.flatMap(({ file, template }) =>
      spec.templateProblems(template).map((problem) => `${file}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it('refers only to declared parameters, resources and conditions', () => {
    const problems = templates.flatMap(({ file, template }) => {
      const declared = declaredNames(template);
      const conditions = new Set(Object.keys(template.Conditions ?? {}));
      const refs = referencedNames({ Resources: template.Resources, Outputs: template.Outputs ?? {} })
        .filter((name) => !declared.has(name))
        .map((name) => `${file}: reference to undeclared ${name}`);
      const conds = referencedConditions(template)
        .filter((name) => !conditions.has(name))
        .map((name) => `${file}: undeclared condition ${name}`);
      return [...refs, ...conds];
    });
    expect(problems).toEqual([]);
  });
});

describe('CloudFormation can order every stack', () => {
  it('has no dependency cycle (the policy bucket notification included)', () => {
    for (const { file, template } of templates) expect(dependencyCycle(template), file).toBeUndefined();
  });

  it('would report the cycle a bucket-referencing invoke permission creates', () => {
    // Given the naive wiring: the permission names the bucket resource instead of its name
    const cyclic: CfnTemplate = {
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: { Environment: { Variables: { B: { Ref: 'Bucket' } } } },
        },
        Permission: {
          Type: 'AWS::Lambda::Permission',
          Properties: { FunctionName: { Ref: 'Fn' }, SourceArn: { 'Fn::GetAtt': ['Bucket', 'Arn'] } },
        },
        Bucket: {
          Type: 'AWS::S3::Bucket',
          DependsOn: 'Permission',
          Properties: {
            NotificationConfiguration: {
              LambdaConfigurations: [{ Function: { 'Fn::GetAtt': ['Fn', 'Arn'] } }],
            },
          },
        },
      },
    };
    // Then the check names a closed loop through the bucket
    const cycle = dependencyCycle(cyclic);
    expect(cycle?.[0]).toBe(cycle?.at(-1));
    expect(cycle).toContain('Bucket');
  });
});

describe('the specification check itself', () => {
  const bucketTemplate = (properties: Record<string, unknown>): CfnTemplate => ({
    Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: properties } },
  });

  it('flags a misspelt nested property and a missing required one', () => {
    // When a notification filter rule is misspelt and a versioning block lacks its Status
    const problems = spec.templateProblems(
      bucketTemplate({
        VersioningConfiguration: {},
        NotificationConfiguration: {
          LambdaConfigurations: [{ Event: 's3:ObjectCreated:*', Function: 'x', Filtre: {} }],
        },
      }),
    );
    // Then both are reported with their path
    expect(problems).toEqual([
      'Bucket.Properties.VersioningConfiguration.Status: required property missing',
      'Bucket.Properties.NotificationConfiguration.LambdaConfigurations[0].Filtre: no such property',
    ]);
  });

  it('flags an unknown resource type and an attribute the type does not have', () => {
    const problems = spec.templateProblems({
      Resources: {
        Topic: { Type: 'AWS::SNS::Topik' },
        Table: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: [] } },
      },
      Outputs: { Bad: { Value: { 'Fn::GetAtt': ['Table', 'Url'] } } },
    });
    expect(problems).toContain('Topic: unknown resource type AWS::SNS::Topik');
    expect(problems).toContain('Fn::GetAtt Table.Url: AWS::DynamoDB::Table has no such attribute');
  });
});
