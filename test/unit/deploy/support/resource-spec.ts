import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { type CfnResource, type CfnTemplate, isIntrinsic, isRecord } from './templates.ts';

/**
 * Checks resources against the CloudFormation resource specification (@aws-cdk/aws-service-spec):
 * the type exists, every property name exists for it (nested property types included), required
 * properties are present, and every Fn::GetAtt names an attribute the type has. Values computed by
 * an intrinsic function cannot be checked and are skipped.
 */
type SpecDatabase = Awaited<ReturnType<typeof loadAwsServiceSpec>>;

// The slice of the spec's property model these checks read.
interface SpecProperty {
  required?: boolean;
  type: SpecType;
}
type SpecType =
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'union'; types: SpecType[] }
  | { type: 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' };
type SpecProperties = Record<string, SpecProperty>;
interface SpecResource {
  properties: SpecProperties;
  attributes: Record<string, unknown>;
}

export class ResourceSpec {
  private constructor(private readonly db: SpecDatabase) {}

  static async load(): Promise<ResourceSpec> {
    return new ResourceSpec(await loadAwsServiceSpec());
  }

  resource(type: string): SpecResource | undefined {
    const found = this.db.lookup('resource', 'cloudFormationType', 'equals', type);
    return found[0] as unknown as SpecResource | undefined;
  }

  private typeProperties(reference: { $ref: string }): SpecProperties {
    return (this.db.get('typeDefinition', reference) as unknown as { properties: SpecProperties }).properties;
  }

  /** Problems of one template, each prefixed with the logical id and property path. */
  templateProblems(template: CfnTemplate): string[] {
    return [
      ...Object.entries(template.Resources).flatMap(([id, resource]) => this.resourceProblems(id, resource)),
      ...this.getAttProblems(template),
    ];
  }

  resourceProblems(logicalId: string, resource: CfnResource): string[] {
    if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') {
      return resource.Properties?.ServiceToken === undefined
        ? [`${logicalId}: custom resource without ServiceToken`]
        : [];
    }
    const spec = this.resource(resource.Type);
    if (!spec) return [`${logicalId}: unknown resource type ${resource.Type}`];
    return this.objectProblems(spec.properties, resource.Properties ?? {}, `${logicalId}.Properties`);
  }

  private objectProblems(properties: SpecProperties, value: unknown, path: string): string[] {
    if (isIntrinsic(value)) return [];
    if (!isRecord(value)) return [`${path}: expected an object`];
    const unknown = Object.keys(value)
      .filter((key) => !(key in properties))
      .map((key) => `${path}.${key}: no such property`);
    const missing = Object.entries(properties)
      .filter(([name, property]) => property.required && !(name in value))
      .map(([name]) => `${path}.${name}: required property missing`);
    const nested = Object.entries(value)
      .filter(([key]) => key in properties)
      .flatMap(([key, child]) => this.valueProblems(properties[key]!.type, child, `${path}.${key}`));
    return [...unknown, ...missing, ...nested];
  }

  private valueProblems(type: SpecType, value: unknown, path: string): string[] {
    if (isIntrinsic(value)) return [];
    switch (type.type) {
      case 'ref':
        return this.objectProblems(this.typeProperties(type.reference), value, path);
      case 'array':
        if (!Array.isArray(value)) return [`${path}: expected a list`];
        return value.flatMap((item, index) => this.valueProblems(type.element, item, `${path}[${index}]`));
      case 'map':
        if (!isRecord(value)) return [`${path}: expected a map`];
        return Object.entries(value).flatMap(([key, item]) =>
          this.valueProblems(type.element, item, `${path}.${key}`),
        );
      case 'union':
        return this.unionProblems(type.types, value, path);
      case 'json':
      case 'tag':
        return [];
      default:
        return isRecord(value) || Array.isArray(value) ? [`${path}: expected a ${type.type}`] : [];
    }
  }

  /** A union value is valid if it is valid for one member (report the closest member otherwise). */
  private unionProblems(types: SpecType[], value: unknown, path: string): string[] {
    const attempts = types.map((member) => this.valueProblems(member, value, path));
    if (attempts.some((problems) => problems.length === 0)) return [];
    return attempts.reduce((best, problems) => (problems.length < best.length ? problems : best));
  }

  private getAttProblems(template: CfnTemplate): string[] {
    return findGetAtts(template).flatMap(([target, attribute]) => {
      const resource = template.Resources[target];
      if (!resource) return [`Fn::GetAtt ${target}.${attribute}: no such resource`];
      if (resource.Type.startsWith('Custom::')) return [];
      const spec = this.resource(resource.Type);
      return spec && !(attribute in spec.attributes)
        ? [`Fn::GetAtt ${target}.${attribute}: ${resource.Type} has no such attribute`]
        : [];
    });
  }
}

/** Every `Fn::GetAtt` in the template as [logical id, attribute]. */
export function findGetAtts(value: unknown): [string, string][] {
  if (Array.isArray(value)) return value.flatMap(findGetAtts);
  if (!isRecord(value)) return [];
  const here = value['Fn::GetAtt'];
  const own: [string, string][] = Array.isArray(here) ? [[String(here[0]), String(here[1])]] : [];
  return [...own, ...Object.values(value).flatMap(findGetAtts)];
}
