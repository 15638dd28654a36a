/**
 * Shorter action lists with the same meaning.
 *  - withoutCoveredEntries: drops entries another entry of the list already covers
 *    (`s3:GetObject` beside `s3:Get*` or `s3:*`). Same set of strings, so exact for Action and
 *    NotAction alike, today and for actions added later.
 *  - compressedDenyActions: replaces the listed actions of a Deny `Action` list by name prefixes
 *    that match exactly the same catalog actions today. An action added to AWS later may match a
 *    prefix and be denied: a Deny list only ever denies more that way, so this is never applied to
 *    NotAction lists (widening those would exempt actions that do not exist yet) nor to allows.
 */
import { globToRegExp, sortedActions } from './action-pattern.ts';
import { hasWildcard, matchingNames, splitAction } from './catalog-index.ts';
import type { ActionCatalog } from './types.ts';

/** `svc:Pre*` → 'svc:pre' (lower case); undefined for any other shape. */
function prefixOf(pattern: string): string | undefined {
  if (!pattern.endsWith('*')) return undefined;
  const head = pattern.slice(0, -1);
  return hasWildcard(head) ? undefined : head.toLowerCase();
}

/** The list without entries covered by a `*`-suffixed entry (or '*'), sorted and de-duplicated. */
export function withoutCoveredEntries(patterns: readonly string[]): string[] {
  const unique = sortedActions(patterns);
  if (unique.includes('*')) return ['*'];
  const prefixesByService = new Map<string, string[]>();
  for (const pattern of unique) {
    const prefix = prefixOf(pattern);
    const service = splitAction(pattern)?.service.toLowerCase();
    if (prefix === undefined || service === undefined) continue;
    prefixesByService.set(service, [...(prefixesByService.get(service) ?? []), prefix]);
  }
  return unique.filter((pattern) => {
    const lower = pattern.toLowerCase();
    const own = prefixOf(pattern);
    const prefixes = prefixesByService.get(splitAction(pattern)?.service.toLowerCase() ?? '') ?? [];
    return !prefixes.some((prefix) => prefix !== own && lower.startsWith(prefix));
  });
}

/** A trie of one service's catalog names, lower-cased per character; built once per catalog. */
interface TrieNode {
  children: Map<string, TrieNode>;
  /** Catalog spelling of the prefix this node stands for. */
  spelling: string;
  /** Catalog names under this node. */
  total: number;
  /** One catalog name under this node (the only one when total is 1). */
  sample: string;
  /** Whether a catalog name ends exactly here. */
  endsName: boolean;
}

const tries = new WeakMap<ActionCatalog, Map<string, TrieNode>>();

function trieOf(catalog: ActionCatalog, service: string): TrieNode {
  let byService = tries.get(catalog);
  if (!byService) {
    byService = new Map();
    tries.set(catalog, byService);
  }
  const cached = byService.get(service);
  if (cached) return cached;
  const names = catalog.actionsOf(service);
  const root: TrieNode = {
    children: new Map(),
    spelling: '',
    total: 0,
    sample: names[0] ?? '',
    endsName: false,
  };
  for (const name of names) {
    let current = root;
    current.total++;
    for (let depth = 0; depth < name.length; depth++) {
      const key = (name[depth] ?? '').toLowerCase();
      let child = current.children.get(key);
      if (!child) {
        child = {
          children: new Map(),
          spelling: name.slice(0, depth + 1),
          total: 0,
          sample: name,
          endsName: false,
        };
        current.children.set(key, child);
      }
      current = child;
      current.total++;
    }
    current.endsName = true;
  }
  byService.set(service, root);
  return root;
}

/** How many listed names lie under each node touched (the others hold none). */
function listedCounts(root: TrieNode, listed: Iterable<string>): Map<TrieNode, number> {
  const counts = new Map<TrieNode, number>();
  for (const name of listed) {
    let current: TrieNode | undefined = root;
    counts.set(root, (counts.get(root) ?? 0) + 1);
    for (let depth = 0; current && depth < name.length; depth++) {
      current = current.children.get((name[depth] ?? '').toLowerCase());
      if (current) counts.set(current, (counts.get(current) ?? 0) + 1);
    }
  }
  return counts;
}

/** The longest prefix shared by every name under a node: the most specific wildcard for them. */
function sharedPrefix(at: TrieNode): string {
  let current = at;
  while (!current.endsName && current.children.size === 1)
    current = [...current.children.values()][0] as TrieNode;
  return current.spelling;
}

/**
 * Fewest name patterns matching exactly the listed names: a prefix wherever all names under it are
 * listed, spelt as long as the names allow (so it reaches as few future actions as it can).
 */
function coveringPatterns(
  at: TrieNode,
  counts: Map<TrieNode, number>,
  isListed: (name: string) => boolean,
): string[] {
  const listed = counts.get(at) ?? 0;
  if (listed === 0) return [];
  if (listed === at.total) return at.total === 1 ? [at.sample] : [`${sharedPrefix(at)}*`];
  const own = at.endsName && isListed(at.spelling) ? [at.spelling] : [];
  const below = [...at.children.keys()]
    .sort()
    .flatMap((key) => coveringPatterns(at.children.get(key) as TrieNode, counts, isListed));
  return [...own, ...below];
}

const textLength = (patterns: readonly string[]): number =>
  patterns.reduce((sum, pattern) => sum + pattern.length + 3, 0);

const compressions = new WeakMap<ActionCatalog, Map<string, string[]>>();
/** Compressed lists remembered per catalog: the same lists recur across accounts and merge passes. */
const MAX_REMEMBERED = 10_000;

/**
 * A Deny Action list rewritten per service to the shortest form matching the same catalog actions
 * today. Entries the catalog cannot expand (unknown services, patterns matching nothing) are kept
 * as written, since they may match actions newer than the catalog.
 */
export function compressedDenyActions(patterns: readonly string[], catalog: ActionCatalog): string[] {
  const entries = withoutCoveredEntries(patterns);
  if (entries.includes('*')) return ['*'];
  let remembered = compressions.get(catalog);
  if (!remembered) {
    remembered = new Map();
    compressions.set(catalog, remembered);
  }
  const key = entries.join('\n');
  const known = remembered.get(key);
  if (known) return [...known];
  const result = compress(entries, catalog);
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(key, result);
  return [...result];
}

function compress(entries: readonly string[], catalog: ActionCatalog): string[] {
  const byService = new Map<string, string[]>();
  for (const pattern of entries) {
    const service = (splitAction(pattern)?.service ?? '').toLowerCase();
    byService.set(service, [...(byService.get(service) ?? []), pattern]);
  }
  const result: string[] = [];
  for (const [service, written] of byService) {
    const expandable = written.filter(
      (pattern) => matchingNames(catalog, service, nameOf(pattern)).length > 0,
    );
    const kept = written.filter((pattern) => !expandable.includes(pattern));
    const prefix = splitAction(expandable[0] ?? '')?.service;
    const compressed: string[] = [];
    // One entry is already as short as its catalog matches allow (a prefix can only grow it).
    if (prefix !== undefined && expandable.length > 1) {
      const listed = new Set(
        expandable.flatMap((pattern) => matchingNames(catalog, service, nameOf(pattern))),
      );
      const root = trieOf(catalog, service);
      const names = coveringPatterns(root, listedCounts(root, listed), (name) => listed.has(name));
      compressed.push(...names.map((name) => `${prefix}:${name}`));
    }
    const shorter =
      compressed.length > 0 && textLength(compressed) < textLength(expandable) ? compressed : expandable;
    result.push(...kept, ...shorter);
  }
  return withoutCoveredEntries(result);
}

function nameOf(pattern: string): string {
  return splitAction(pattern)?.name ?? '';
}

/**
 * True when every action a pattern of `patterns` matches is matched by an entry of `cover` too:
 * a literal name when some cover entry matches it, a wildcard when a cover entry is the same or a
 * `…*` whose literal head starts it.
 */
export function coveredBy(patterns: readonly string[], cover: readonly string[]): boolean {
  if (cover.includes('*')) return true;
  const lowerCover = new Set(cover.map((entry) => entry.toLowerCase()));
  const prefixes = cover.flatMap((entry) => prefixOf(entry) ?? []);
  let wildcards: RegExp[] | undefined;
  return patterns.every((pattern) => {
    const lower = pattern.toLowerCase();
    if (lowerCover.has(lower) || prefixes.some((prefix) => lower.startsWith(prefix))) return true;
    if (hasWildcard(pattern)) return false;
    wildcards ??= cover.filter(hasWildcard).map((pattern) => globToRegExp(pattern));
    return wildcards.some((wildcard) => wildcard.test(pattern));
  });
}
