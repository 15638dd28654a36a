/**
 * Which action lists can share an action, without comparing every pair: entries are indexed by
 * service prefix, literal names are looked up by hash, and only wildcard names are compared (with
 * the patterns of their own service). Allow-lists written one action per statement (thousands of
 * literal names) are so indexed in linear time; the pairwise check they used to get was quadratic.
 */
import { globsOverlap } from './action-pattern.ts';
import { hasWildcard, splitAction } from './catalog-index.ts';

/** Counts the glob comparisons made, so tests can bound the work without a clock. */
export interface OverlapStats {
  comparisons: number;
}

interface Entry {
  list: number;
  name: string;
}

interface ServiceEntries {
  literals: Map<string, number[]>;
  all: Entry[];
  wildcards: Entry[];
}

function indexLists(lists: readonly (readonly string[])[]) {
  const everything: number[] = [];
  const byService = new Map<string, ServiceEntries>();
  lists.forEach((patterns, list) => {
    for (const pattern of patterns) {
      const parts = splitAction(pattern);
      if (pattern === '*' || !parts) {
        everything.push(list);
        continue;
      }
      const service = parts.service.toLowerCase();
      const entries: ServiceEntries = byService.get(service) ?? {
        literals: new Map(),
        all: [],
        wildcards: [],
      };
      byService.set(service, entries);
      const entry = { list, name: parts.name.toLowerCase() };
      entries.all.push(entry);
      if (hasWildcard(entry.name)) entries.wildcards.push(entry);
      else entries.literals.set(entry.name, [...(entries.literals.get(entry.name) ?? []), list]);
    }
  });
  return { everything: [...new Set(everything)], byService };
}

/** For each list, the other lists that can match some action it matches (symmetric). */
export function overlappingLists(lists: readonly (readonly string[])[], stats?: OverlapStats): Set<number>[] {
  const { everything, byService } = indexLists(lists);
  const overlaps = lists.map(() => new Set<number>());
  const link = (a: number, b: number) => {
    if (a === b) return;
    overlaps[a]?.add(b);
    overlaps[b]?.add(a);
  };
  for (const list of everything) {
    for (let other = 0; other < lists.length; other++) link(list, other);
  }
  for (const entries of byService.values()) {
    // Lists naming the same literal action all overlap one another.
    for (const same of entries.literals.values()) {
      same.forEach((list, index) => {
        for (const other of same.slice(index + 1)) link(list, other);
      });
    }
    for (const wildcard of entries.wildcards) {
      for (const entry of entries.all) {
        if (entry.list === wildcard.list || overlaps[wildcard.list]?.has(entry.list)) continue;
        if (stats) stats.comparisons++;
        if (globsOverlap(wildcard.name, entry.name)) link(wildcard.list, entry.list);
      }
    }
  }
  return overlaps;
}

/** True when some action can match a pattern of both lists. */
export function listsOverlap(first: readonly string[], second: readonly string[]): boolean {
  return overlappingLists([first, second])[0]?.has(1) ?? false;
}
