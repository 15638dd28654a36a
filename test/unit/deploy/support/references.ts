import { type CfnTemplate, isRecord } from './templates.ts';

/** Names CloudFormation defines itself; `Ref` may name them without a declaration. */
export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** Names a template may refer to: parameters, resources and pseudo parameters. */
export function declaredNames(template: CfnTemplate): Set<string> {
  return new Set([
    ...Object.keys(template.Parameters ?? {}),
    ...Object.keys(template.Resources),
    ...PSEUDO_PARAMETERS,
  ]);
}

/** The `${Name}` / `${Resource.Attribute}` variables of a Fn::Sub string (`${!…}` is a literal). */
export function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map((match) => match[1]!.split('.')[0]!);
}

/**
 * Every name referenced by Ref, Fn::Sub variables and Fn::GetAtt in a value, except Fn::Sub's own
 * local variables (the map in its second element).
 */
export function referencedNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedNames);
  if (!isRecord(value)) return [];
  if (typeof value.Ref === 'string') return [value.Ref];
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return [String(getAtt[0])];
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') return subVariables(sub);
  if (Array.isArray(sub) && typeof sub[0] === 'string') {
    const locals = isRecord(sub[1]) ? sub[1] : {};
    const own = subVariables(sub[0]).filter((name) => !(name in locals));
    return [...own, ...referencedNames(Object.values(locals))];
  }
  return Object.values(value).flatMap(referencedNames);
}

/** Names used in `Condition:` of resources and in Fn::If, for checking they are declared. */
export function referencedConditions(template: CfnTemplate): string[] {
  const inIfs = (value: unknown): string[] => {
    if (Array.isArray(value)) return value.flatMap(inIfs);
    if (!isRecord(value)) return [];
    const fnIf = value['Fn::If'];
    const own = Array.isArray(fnIf) ? [String(fnIf[0])] : [];
    return [...own, ...Object.values(value).flatMap(inIfs)];
  };
  const onResources = Object.values(template.Resources).flatMap((resource) =>
    resource.Condition ? [resource.Condition] : [],
  );
  return [...onResources, ...inIfs(template.Resources), ...inIfs(template.Outputs ?? {})];
}

/** Resources each resource depends on: its references plus DependsOn. */
export function resourceDependencies(template: CfnTemplate): Map<string, Set<string>> {
  const resources = new Set(Object.keys(template.Resources));
  const graph = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const explicit = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    const referenced = referencedNames(resource.Properties ?? {});
    graph.set(id, new Set([...explicit, ...referenced].filter((name) => resources.has(name))));
  }
  return graph;
}

/** One dependency cycle as [a, b, …, a], or undefined when CloudFormation can order the stack. */
export function dependencyCycle(template: CfnTemplate): string[] | undefined {
  const graph = resourceDependencies(template);
  const done = new Set<string>();
  const visit = (id: string, trail: string[]): string[] | undefined => {
    const seen = trail.indexOf(id);
    if (seen >= 0) return [...trail.slice(seen), id];
    if (done.has(id)) return undefined;
    for (const next of graph.get(id) ?? []) {
      const cycle = visit(next, [...trail, id]);
      if (cycle) return cycle;
    }
    done.add(id);
    return undefined;
  };
  for (const id of graph.keys()) {
    const cycle = visit(id, []);
    if (cycle) return cycle;
  }
  return undefined;
}
