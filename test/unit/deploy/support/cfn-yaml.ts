import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * CloudFormation YAML → the JSON form CloudFormation itself sees (`!Ref X` → `{ Ref: X }`,
 * `!GetAtt A.B` → `{ 'Fn::GetAtt': ['A', 'B'] }`), so tests treat YAML and packaged JSON alike.
 */
const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Contains',
  'Equals',
  'FindInMap',
  'GetAZs',
  'GetAtt',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
] as const;

function intrinsicTags(name: string, key: string): Tags {
  const fromScalar = (value: string): unknown =>
    name === 'GetAtt' ? { [key]: splitGetAtt(value) } : { [key]: value };
  const fromCollection = (node: YAMLSeq.Parsed | YAMLMap.Parsed): unknown => ({ [key]: node.toJSON() });
  return [
    { tag: `!${name}`, resolve: fromScalar },
    { tag: `!${name}`, collection: 'seq', resolve: fromCollection },
    { tag: `!${name}`, collection: 'map', resolve: fromCollection },
  ];
}

function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

const CLOUDFORMATION_TAGS: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  ...FUNCTIONS.flatMap((name) => intrinsicTags(name, `Fn::${name}`)),
];

export function parseCloudFormationYaml(text: string): unknown {
  return parse(text, { customTags: CLOUDFORMATION_TAGS });
}
