/**
 * A Deny statement too large for any one policy, as several Deny statements that together deny
 * exactly the same requests:
 *  - an Action or Resource list splits into parts (a request matches the whole list iff it matches
 *    a part);
 *  - a NotAction list L splits by service: the part for services G excepts L's entries of G and
 *    every other service of L as a whole (`s3:*`). An action of a service in G is denied by that
 *    part alone, iff L does not except it; an action of a service L never names is excepted by no
 *    part and denied, as by L. Every entry of L has a literal service prefix (validation), so this
 *    holds for actions added later too.
 */
import { splitAction } from './catalog-index.ts';
import type { SourcedStatement } from './complement-statements.ts';
import type { PolicyStatement, StringOrList } from './types.ts';

const asList = (value: StringOrList | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
const oneOrList = (values: string[]): string | string[] => (values.length === 1 ? (values[0] ?? '') : values);
const cost = (statement: PolicyStatement) => JSON.stringify(statement).length + 1;

/** Greedy runs of `groups` (kept whole) whose statement stays within `room`; undefined if a group alone is too big. */
function runsWithin<T>(
  groups: T[][],
  build: (run: T[]) => PolicyStatement,
  room: number,
): PolicyStatement[] | undefined {
  const statements: PolicyStatement[] = [];
  let run: T[] = [];
  for (const group of groups) {
    const grown = [...run, ...group];
    if (run.length > 0 && cost(build(grown)) > room) {
      statements.push(build(run));
      run = [...group];
    } else run = grown;
    if (cost(build(run)) > room) return undefined;
  }
  if (run.length > 0) statements.push(build(run));
  return statements;
}

function splitList(statement: PolicyStatement, element: 'Action' | 'Resource', room: number) {
  const values = asList(statement[element]);
  if (values.length < 2) return undefined;
  return runsWithin(
    values.map((value) => [value]),
    (run) => ({ ...statement, [element]: oneOrList(run) }),
    room,
  );
}

function splitNotAction(statement: PolicyStatement, room: number): PolicyStatement[] | undefined {
  const entries = asList(statement.NotAction);
  const byService = new Map<string, string[]>();
  for (const entry of entries) {
    const service = splitAction(entry)?.service.toLowerCase();
    if (service === undefined) return undefined;
    byService.set(service, [...(byService.get(service) ?? []), entry]);
  }
  if (byService.size < 2) return undefined;
  const services = [...byService.keys()].sort();
  const build = (run: string[]): PolicyStatement => {
    const inRun = new Set(run.map((entry) => splitAction(entry)?.service.toLowerCase()));
    const others = services.filter((service) => !inRun.has(service)).map((service) => `${service}:*`);
    return { ...statement, NotAction: oneOrList([...run, ...others]) };
  };
  return runsWithin(
    services.map((service) => byService.get(service) ?? []),
    build,
    room,
  );
}

/** The statement as parts that each cost at most `room`; undefined when it cannot be split so. */
export function splitToFit(entry: SourcedStatement, room: number): SourcedStatement[] | undefined {
  const { statement } = entry;
  if (statement.Effect !== 'Deny') return undefined;
  const parts =
    (statement.Action !== undefined
      ? splitList(statement, 'Action', room)
      : splitNotAction(statement, room)) ??
    (statement.Resource !== undefined ? splitList(statement, 'Resource', room) : undefined);
  // Parts would repeat the Sid, which IAM refuses within one policy.
  return parts?.map(({ Sid: _sid, ...part }) => ({ statement: part, origins: entry.origins }));
}
