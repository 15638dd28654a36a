/**
 * Which catalog actions an action pattern matches, fast: each service's names are indexed once per
 * catalog (a lower-case set for literal names), and a wildcard pattern is compiled once and run
 * over the service's names. Validation and compression call this for every entry of every file.
 */
import { globToRegExp } from './action-pattern.ts';
import type { ActionCatalog } from './types.ts';

interface ServiceIndex {
  /** Catalog spelling of each action name, by its lower-case form. */
  byLowerName: Map<string, string>;
}

const indexes = new WeakMap<ActionCatalog, Map<string, ServiceIndex | undefined>>();

/** The index of one service, or undefined when the catalog does not know the prefix. */
export function serviceIndex(catalog: ActionCatalog, service: string): ServiceIndex | undefined {
  const key = service.toLowerCase();
  let byService = indexes.get(catalog);
  if (!byService) {
    byService = new Map();
    indexes.set(catalog, byService);
  }
  if (byService.has(key)) return byService.get(key);
  const index = catalog.hasService(key)
    ? { byLowerName: new Map(catalog.actionsOf(key).map((name) => [name.toLowerCase(), name])) }
    : undefined;
  byService.set(key, index);
  return index;
}

export const hasWildcard = (text: string): boolean => text.includes('*') || text.includes('?');

/** Splits 'service:Name' (or '*'); undefined for anything else. */
export function splitAction(pattern: string): { service: string; name: string } | undefined {
  const colon = pattern.indexOf(':');
  if (colon <= 0 || colon === pattern.length - 1) return undefined;
  return { service: pattern.slice(0, colon), name: pattern.slice(colon + 1) };
}

/**
 * Catalog names (without prefix) the name pattern matches in one service, in catalog spelling;
 * empty when the service is unknown or nothing matches.
 */
export function matchingNames(catalog: ActionCatalog, service: string, namePattern: string): string[] {
  const index = serviceIndex(catalog, service);
  if (!index) return [];
  if (!hasWildcard(namePattern)) {
    const name = index.byLowerName.get(namePattern.toLowerCase());
    return name === undefined ? [] : [name];
  }
  const pattern = globToRegExp(namePattern);
  return [...index.byLowerName.values()].filter((name) => pattern.test(name));
}

/** How an action entry relates to the catalog. */
export type CatalogMatch =
  | { kind: 'matches' }
  | { kind: 'unknown-service'; service: string }
  | { kind: 'matches-nothing'; service: string; literal: boolean };

export function catalogMatch(catalog: ActionCatalog, pattern: string): CatalogMatch {
  if (pattern === '*') return { kind: 'matches' };
  const parts = splitAction(pattern);
  if (!parts) return { kind: 'matches' };
  if (!serviceIndex(catalog, parts.service)) return { kind: 'unknown-service', service: parts.service };
  if (matchingNames(catalog, parts.service, parts.name).length > 0) return { kind: 'matches' };
  return { kind: 'matches-nothing', service: parts.service, literal: !hasWildcard(parts.name) };
}
