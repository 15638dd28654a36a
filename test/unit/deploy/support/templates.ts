import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '#scripts/package.ts';
import { parseCloudFormationYaml } from './cfn-yaml.ts';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
}

export interface CfnParameter {
  Type: string;
  Default?: string;
  AllowedValues?: string[];
  AllowedPattern?: string;
  NoEcho?: boolean;
}

export interface CfnTemplate {
  Description?: string;
  Parameters?: Record<string, CfnParameter>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface NamedTemplate {
  /** Path relative to the project root, for messages. */
  file: string;
  template: CfnTemplate;
}

export const TEMPLATES_DIR = join(PROJECT_ROOT, 'templates');

/** The standalone CloudFormation templates: templates/*.yaml (templates/security/ holds fragments). */
export function standaloneTemplateFiles(): string[] {
  return readdirSync(TEMPLATES_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
}

export function loadYamlTemplate(name: string): CfnTemplate {
  const parsed = parseCloudFormationYaml(readFileSync(join(TEMPLATES_DIR, name), 'utf8'));
  if (!isTemplate(parsed)) throw new Error(`templates/${name} has no Resources section`);
  return parsed;
}

export function loadStandaloneTemplates(): NamedTemplate[] {
  return standaloneTemplateFiles().map((name) => ({
    file: `templates/${name}`,
    template: loadYamlTemplate(name),
  }));
}

export function isTemplate(value: unknown): value is CfnTemplate {
  return typeof value === 'object' && value !== null && 'Resources' in value;
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function onlyResourceOfType(
  template: CfnTemplate,
  type: string,
  include: (logicalId: string, resource: CfnResource) => boolean = () => true,
): [string, CfnResource] {
  const found = resourcesOfType(template, type).filter(([logicalId, resource]) =>
    include(logicalId, resource),
  );
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ Ref: … }` / `{ 'Fn::…': … }`: a value CloudFormation computes, not a literal. */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::') || keys[0] === 'Condition');
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A nested value of parsed template JSON by path (`at(x, 'Targets', 0, 'Arn')`); undefined if absent. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = isRecord(current) ? current[step] : undefined;
  }
  return current;
}

/** Like `at`, for a value that must be a list (an empty list when it is not). */
export function listAt(value: unknown, ...path: (string | number)[]): unknown[] {
  const found = at(value, ...path);
  return Array.isArray(found) ? found : [];
}
