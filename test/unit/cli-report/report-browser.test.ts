/**
 * The estate report as a person sees it: rendered by headless Chromium (Debian's package), with
 * the screenshot written to .test-results/report/estate.png and read back pixel by pixel: the tree
 * is drawn, the FAILED account is highlighted red, the ACTIVE one is not, and the page loads
 * nothing but itself.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReportCommand } from '#cli/commands/report.ts';
import { runCli } from '#cli/main.ts';
import { fakeIo } from '../cli/fake-io.ts';
import { ACTIVE_ACCOUNT, estateFixture, FAILED_ACCOUNT } from './estate-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = resolve('.test-results', 'report');
const installed = existsSync(CHROMIUM);
// CI installs Chromium (.ci/run); only a developer machine without it may skip.
const mustRun = process.env.CI === 'true';
if (!installed && !mustRun)
  console.warn(`report-browser: skipped, ${CHROMIUM} is not installed (apt-get install -y chromium)`);

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The browser globals the pixel check uses (the project compiles without the DOM library). */
interface BrowserGlobals {
  Image: new () => { src: string; width: number; height: number; decode(): Promise<void> };
  document: {
    createElement(tag: 'canvas'): {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        drawImage(image: unknown, x: number, y: number): void;
        getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
      } | null;
    };
  };
}

/** Share of the box's pixels in the screenshot that satisfy `test`, decoded by the browser itself. */
async function pixelShare(page: Page, png: Buffer, box: Box, test: string): Promise<number> {
  return page.evaluate(
    async ({ data, box, test }) => {
      const { Image, document } = globalThis as unknown as BrowserGlobals;
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      if (!context) return -1;
      context.drawImage(image, 0, 0);
      const pixels = context.getImageData(box.x, box.y, Math.max(1, box.width), Math.max(1, box.height)).data;
      const matches = new Function('r', 'g', 'b', `return ${test};`) as (
        r: number,
        g: number,
        b: number,
      ) => boolean;
      let hits = 0;
      for (let index = 0; index < pixels.length; index += 4)
        if (matches(pixels[index] ?? 0, pixels[index + 1] ?? 0, pixels[index + 2] ?? 0)) hits++;
      return hits / (pixels.length / 4);
    },
    { data: png.toString('base64'), box, test },
  );
}

const REDDISH = 'r > 200 && r - g > 15 && r - b > 15';
const NOT_WHITE = 'r < 235 || g < 235 || b < 235';

describe.skipIf(!installed && !mustRun)(`the estate report in headless Chromium (${CHROMIUM})`, () => {
  let browser: Browser;
  let page: Page;
  let screenshot: Buffer;
  const requests: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const capture = join(OUTPUT, 'estate-capture.json');
    const html = join(OUTPUT, 'estate.html');
    writeFileSync(capture, JSON.stringify(estateFixture()));
    const io = fakeIo();
    expect(
      await runCli(['report', '--from', capture, '--out', html], io, [
        makeReportCommand({ env: {}, stdoutIsTty: false }),
      ]),
    ).toBe(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(html).href);
    screenshot = await page.screenshot({ fullPage: true, path: join(OUTPUT, 'estate.png') });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('Given the page, when Chromium loads it, then it requests nothing but itself', () => {
    expect(requests).toEqual([expect.stringMatching(/^file:.*estate\.html$/)]);
  });

  it('Given the screenshot, then the organization tree is drawn with its OU names', async () => {
    const tree = page.locator('#organization-tree');
    await expect.poll(() => tree.isVisible()).toBe(true);
    for (const name of ['OU Workloads', 'OU Sandbox', 'OU Prod'])
      expect(await page.getByText(name).first().isVisible()).toBe(true);
    const box = (await tree.boundingBox()) as Box;
    expect(box.height).toBeGreaterThan(100);
    expect(await pixelShare(page, screenshot, box, NOT_WHITE)).toBeGreaterThan(0.02);
    expect(readFileSync(join(OUTPUT, 'estate.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('Given the screenshot, then the FAILED account is highlighted red in the tree and the table, the ACTIVE one is not', async () => {
    const failed = (await page.locator(`li.account[data-account="${FAILED_ACCOUNT}"]`).boundingBox()) as Box;
    const active = (await page.locator(`li.account[data-account="${ACTIVE_ACCOUNT}"]`).boundingBox()) as Box;
    const failedRow = (await page.locator(`tr[data-account="${FAILED_ACCOUNT}"]`).boundingBox()) as Box;
    const activeRow = (await page.locator(`tr[data-account="${ACTIVE_ACCOUNT}"]`).boundingBox()) as Box;
    expect(await pixelShare(page, screenshot, failed, REDDISH)).toBeGreaterThan(0.5);
    expect(await pixelShare(page, screenshot, failedRow, REDDISH)).toBeGreaterThan(0.5);
    expect(await pixelShare(page, screenshot, active, REDDISH)).toBeLessThan(0.05);
    expect(await pixelShare(page, screenshot, activeRow, REDDISH)).toBeLessThan(0.05);
  });
});
