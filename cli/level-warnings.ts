/**
 * The habit from native SCPs that scp-alt cannot guess at: a deny-only file. Natively,
 * FullAWSAccess stays attached beside it; here a level's files are all there is, so a level whose
 * files allow nothing denies every request. Files named after their target (as in the bucket) are
 * judged together with the other files of that target; any other file is judged alone.
 */
import { isRecord } from '#policy/parse.ts';
import { targetOfKey } from '#policy/resolve-chain.ts';
import { POLICY_PREFIX, type PolicyFinding, type PolicySource } from '#policy/types.ts';

export const ALLOWS_NOTHING = 'compile.level.allows-nothing';

function statementsOf(body: string): unknown[] | undefined {
  try {
    const document: unknown = JSON.parse(body);
    if (!isRecord(document)) return undefined;
    const statement = document.Statement;
    return Array.isArray(statement) ? statement : [statement];
  } catch {
    return undefined; // validation reports the syntax
  }
}

const allows = (statement: unknown) => isRecord(statement) && statement.Effect === 'Allow';

/** The target a file is named after: `…/<target>.json` or `…/<target>/<name>.json`. */
function targetOfFile(key: string): string | undefined {
  const segments = key.split('/');
  const last = segments.slice(-1).join('/');
  const lastTwo = segments.slice(-2).join('/');
  return (
    targetOfKey(key) ?? targetOfKey(`${POLICY_PREFIX}${last}`) ?? targetOfKey(`${POLICY_PREFIX}${lastTwo}`)
  );
}

/** One warning per level (or lone file) whose parsable files have no Allow statement at all. */
export function levelsAllowingNothing(sources: PolicySource[]): PolicyFinding[] {
  const groups = new Map<string, { target: string | undefined; files: string[]; allows: boolean }>();
  for (const source of sources) {
    const statements = statementsOf(source.body);
    if (statements === undefined) continue;
    const target = targetOfFile(source.key);
    const group = groups.get(target ?? source.key) ?? { target, files: [], allows: false };
    group.files.push(source.key);
    group.allows ||= statements.some(allows);
    groups.set(target ?? source.key, group);
  }
  return [...groups.values()]
    .filter((group) => !group.allows)
    .map((group) => ({
      severity: 'warning' as const,
      code: ALLOWS_NOTHING,
      file: group.files.join(', '),
      path: '',
      message:
        `${group.target ? `no file of ${group.target}` : 'the file'} has an Allow statement, so every request at this level is denied. ` +
        'Native SCPs keep FullAWSAccess attached beside a deny-only policy; scp-alt has only the files: ' +
        'add {"Effect": "Allow", "Action": "*", "Resource": "*"} to keep the denies alone',
    }));
}
