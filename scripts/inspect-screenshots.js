// docs/inspect-list.png and docs/inspect-delivery.png, taken from the real page (src/inspect/page/) in headless
// Chromium (Debian's /usr/bin/chromium, through playwright-core), served by the stand-in server the browser tests
// use (test/support/inspect-stub.ts, bundled here with rolldown as the build bundles src/) with its canned items.
// Run: node scripts/inspect-screenshots.js
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { rolldown } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const temp = mkdtempSync(join(tmpdir(), 'stripe-hooks-shots-'));
try {
  const file = join(temp, 'inspect-stub.mjs');
  const bundle = await rolldown({ input: join(root, 'test/support/inspect-stub.ts'), platform: 'node', resolve: { extensionAlias: { '.js': ['.ts', '.js'] } }, logLevel: 'warn' });
  await bundle.write({ file, format: 'esm', codeSplitting: false });
  await bundle.close();
  // src/inspect/page-files.ts reads the page from ./page/ beside the module it is in: here, the bundle.
  cpSync(join(root, 'src/inspect/page'), join(temp, 'page'), { recursive: true });
  const { cannedItem, startInspectStub } = await import(pathToFileURL(file).href);
  const items = Array.from({ length: 40 }, (_, index) => cannedItem(index + 1));
  const stub = await startInspectStub(items, 'listen');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 820 }, colorScheme: 'light' });
    await page.goto(stub.url);
    await page.locator('#count', { hasText: '40 deliveries' }).waitFor();
    await page.screenshot({ path: join(root, 'docs/inspect-list.png') });
    await page.locator('#rows .row', { hasText: 'evt_000038canned' }).click();
    await page.locator('#detail h2', { hasText: 'evt_000038canned' }).waitFor();
    await page.screenshot({ path: join(root, 'docs/inspect-delivery.png') });
    console.log('wrote docs/inspect-list.png and docs/inspect-delivery.png');
  } finally {
    await browser.close();
    await stub.close();
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
