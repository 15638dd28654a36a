/**
 * Splitting the compiled Deny statements between the boundary and additional managed policies of
 * at most 6,144 characters each. The boundary always holds its fixed statements (Allow * and the
 * protective denies); the restriction statements fill it, then `<policyName>-2`, `-3`, …
 *
 * First fit in the statements' own order (root → account, as compiled): a statement goes into the
 * first policy with room for it. The same statements always give the same split, and an edit only
 * moves statements that come after the edited one, by at most a few places, so the policies before
 * it keep their content (and cost no write). When first fit needs more policies than allowed,
 * first fit by decreasing size is tried, since it packs tighter. A statement larger than a whole
 * policy is first split into exact parts (split-statement.ts).
 */
import type { SourcedStatement } from './complement-statements.ts';
import { splitToFit } from './split-statement.ts';
import { IAM_MANAGED_POLICY_SIZE_LIMIT, type PolicyDocument, type PolicyStatement } from './types.ts';

export const EMPTY_POLICY_SIZE = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;
/** What the statements of an additional policy may cost in all (see statementCost). */
const ADDITIONAL_ROOM = IAM_MANAGED_POLICY_SIZE_LIMIT - (EMPTY_POLICY_SIZE - 1);

export function documentOf(statements: readonly SourcedStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements.map(({ statement }) => statement) };
}

/** Characters a statement adds to a policy: its JSON and the comma that separates it. */
export const statementCost = (statement: PolicyStatement): number => JSON.stringify(statement).length + 1;

/** Characters of a policy holding these statements (IAM counts JSON without whitespace). */
export function documentSize(statements: readonly SourcedStatement[]): number {
  return EMPTY_POLICY_SIZE - 1 + statements.reduce((sum, { statement }) => sum + statementCost(statement), 0);
}

export interface Packing {
  boundary: SourcedStatement[];
  additional: SourcedStatement[][];
}

interface Item {
  entry: SourcedStatement;
  cost: number;
  order: number;
}

/** First fit of the items in the order given; undefined when more than `maxAdditional` are needed. */
function firstFit(items: readonly Item[], boundaryRoom: number, maxAdditional: number): Item[][] | undefined {
  const room = [boundaryRoom];
  const bins: Item[][] = [[]];
  for (const item of items) {
    let bin = room.findIndex((left) => left >= item.cost);
    if (bin === -1) {
      if (bins.length > maxAdditional || item.cost > ADDITIONAL_ROOM) return undefined;
      room.push(ADDITIONAL_ROOM);
      bins.push([]);
      bin = bins.length - 1;
    }
    bins[bin]?.push(item);
    room[bin] = (room[bin] ?? 0) - item.cost;
  }
  return bins.map((bin) => [...bin].sort((a, b) => a.order - b.order));
}

/**
 * The restriction statements split between the boundary (beside its fixed statements) and at
 * most `maxAdditional` additional policies; undefined when they do not fit.
 */
export function packStatements(
  fixed: readonly SourcedStatement[],
  restrictions: readonly SourcedStatement[],
  maxAdditional: number,
): Packing | undefined {
  const boundaryRoom = IAM_MANAGED_POLICY_SIZE_LIMIT - documentSize(fixed);
  if (boundaryRoom < 0) return undefined;
  // A statement no policy could hold is split into parts that deny exactly the same requests.
  const fitting = restrictions.flatMap((entry) =>
    maxAdditional > 0 && statementCost(entry.statement) > ADDITIONAL_ROOM
      ? (splitToFit(entry, ADDITIONAL_ROOM) ?? [entry])
      : [entry],
  );
  const items = fitting.map((entry, order) => ({ entry, cost: statementCost(entry.statement), order }));
  const bySizeDown = [...items].sort((a, b) => b.cost - a.cost || a.order - b.order);
  const bins =
    firstFit(items, boundaryRoom, maxAdditional) ?? firstFit(bySizeDown, boundaryRoom, maxAdditional);
  if (!bins) return undefined;
  const [boundary = [], ...additional] = bins.map((bin) => bin.map((item) => item.entry));
  return { boundary, additional };
}
