// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${…} are CloudFormation Fn::Sub variables.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '#scripts/package.ts';
import { loadPackagedTemplate, PACKAGING_TIMEOUT_MS } from './support/packaged-template.ts';
import { type FoundStatement, overlyBroad, policyStatements } from './support/policy-statements.ts';
import { loadStandaloneTemplates, type NamedTemplate, TEMPLATES_DIR } from './support/templates.ts';

let templates: NamedTemplate[];
let packagedText: string;

beforeAll(async () => {
  const packaged = await loadPackagedTemplate();
  packagedText = JSON.stringify(packaged);
  templates = [{ file: 'packaged stack', template: packaged }, ...loadStandaloneTemplates()];
}, PACKAGING_TIMEOUT_MS);

describe('no IAM statement grants more than its job', () => {
  it('has no Allow of "*" or service:*, no wildcard action on Resource "*", no unconditioned public principal', () => {
    const findings = templates.flatMap(({ file, template }) =>
      policyStatements(template).flatMap((statement) => {
        const why = overlyBroad(statement);
        return why ? [`${file} ${statement.path}: ${why}`] : [];
      }),
    );
    expect(findings).toEqual([]);
  });

  it('recognises the grants it must reject', () => {
    const statement = (fields: Partial<FoundStatement>): FoundStatement => ({
      path: 'p',
      resource: 'R',
      trust: false,
      conditional: false,
      effect: 'Allow',
      actions: [],
      notActions: [],
      resources: ['*'],
      principal: undefined,
      condition: undefined,
      ...fields,
    });
    expect(overlyBroad(statement({ actions: ['iam:*'] }))).toBe('Allow of iam:*');
    expect(overlyBroad(statement({ actions: ['sts:*'], resources: ['arn:x'] }))).toBe('Allow of sts:*');
    expect(overlyBroad(statement({ actions: ['s3:Get*'] }))).toBe('Allow of s3:Get* on Resource "*"');
    expect(overlyBroad(statement({ notActions: ['iam:PassRole'] }))).toBe('Allow with NotAction');
    expect(overlyBroad(statement({ actions: ['events:PutEvents'], principal: '*' }))).toContain('Principal');
    expect(overlyBroad(statement({ effect: 'Deny', actions: ['*'] }))).toBeUndefined();
    expect(overlyBroad(statement({ actions: ['cloudformation:ValidateTemplate'] }))).toBeUndefined();
  });
});

describe('nothing names a partition', () => {
  const LITERAL_PARTITION = /arn:aws(-[a-z]+)*:/g;

  function deploymentSources(): string[] {
    const fragments = join(TEMPLATES_DIR, 'security');
    return [
      join(PROJECT_ROOT, 'serverless.yml'),
      ...readdirSync(TEMPLATES_DIR)
        .filter((name) => name.endsWith('.yaml'))
        .map((name) => join(TEMPLATES_DIR, name)),
      ...readdirSync(fragments).map((name) => join(fragments, name)),
    ];
  }

  it('builds every ARN from AWS::Partition in serverless.yml and templates/', () => {
    const literals = deploymentSources().flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(LITERAL_PARTITION)].map(
        (match) => `${relative(PROJECT_ROOT, file)}: ${match[0]}`,
      ),
    );
    expect(literals).toEqual([]);
  });

  it('keeps it that way after osls and its plugins have generated the stack', () => {
    expect(packagedText.match(LITERAL_PARTITION) ?? []).toEqual([]);
    expect(packagedText).toContain('arn:${AWS::Partition}:');
  });
});
