// The inspector's page in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), against
// the stand-in server (test/support/inspect-stub.ts), and the --report-html file opened from file://.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeReportHtml } from '../../src/inspect/report-html.js';
import { matchesGlob } from '../../src/lib/glob.js';
import { tempDir } from '../support/cli.js';
import { cannedItem, startInspectStub, type InspectStub, type StubItem } from '../support/inspect-stub.js';

let browser: Browser;
let stub: InspectStub | undefined;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
});
afterAll(async () => {
  await browser.close();
});
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const items = (count: number, from = 1): StubItem[] => Array.from({ length: count }, (_, index) => cannedItem(from + index));
const rowTexts = (page: Page): Promise<string[]> => page.locator('#rows .row').allInnerTexts();

async function open(list: StubItem[], mode = 'listen', dropped = 0, limit?: number): Promise<Page> {
  stub = await startInspectStub(list, mode, dropped, limit);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Any CSP violation or refused request (a favicon asked for without the token, say) shows here as an error.
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  await page.goto(stub.url);
  await page.locator('#live', { hasText: 'live' }).waitFor();
  expect(errors).toEqual([]);
  return page;
}

describe('the inspector page, live', () => {
  it('lists the ring and shows a new delivery within 500 ms', async () => {
    const page = await open(items(3));
    await expect.poll(() => rowTexts(page)).toHaveLength(3);
    expect((await rowTexts(page))[0]).toContain('evt_000003canned'); // newest first
    const pushed = Date.now();
    stub!.push(cannedItem(4, { type: 'charge.refunded', status: 404 }));
    await page.locator('#rows .row', { hasText: 'charge.refunded' }).waitFor();
    const ms = Date.now() - pushed;
    console.log(`inspector page: a pushed delivery shown after ${ms} ms`);
    expect(ms).toBeLessThanOrEqual(500);
    expect(await page.locator('#count').innerText()).toBe('4 deliveries');
  });

  it('shows a delivery the app never answered (seq 0, as a run\'s first): the failure class, not a status', async () => {
    const page = await open([cannedItem(0, { status: null, failure: 'refused', error: 'connect ECONNREFUSED 127.0.0.1:4242', answer: { status: null, headers: {}, body: '' } })]);
    await page.locator('#rows .row', { hasText: 'refused' }).click();
    await expect.poll(() => page.locator('#detail .answer').innerText()).toBe('No answer: refused (connect ECONNREFUSED 127.0.0.1:4242)');
    await page.selectOption('#f-status', 'failed');
    expect(await page.locator('#count').innerText()).toBe('1 delivery');
  });

  it('copies the event byte-exact', async () => {
    const page = await open([cannedItem(1)]);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(stub!.url).origin });
    await page.locator('#rows .row').first().click();
    await page.locator('#detail').getByRole('button', { name: 'Copy', exact: true }).click();
    await page.locator('#detail').getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(cannedItem(1).event);
  });

  it('shows one delivery: the event, the signature explained, the answer', async () => {
    const page = await open([cannedItem(1), cannedItem(2, { status: 500, signature: { t: 1_780_000_002, v1: ['ff'], skewSeconds: 412, tolerance: 300, verifies: false } })]);
    await page.locator('#rows .row', { hasText: 'evt_000002canned' }).click();
    const detail = page.locator('#detail');
    await expect.poll(() => detail.locator('h2').innerText()).toContain('evt_000002canned');
    const text = await detail.innerText();
    expect(text).toContain('"amount": 200'); // the event as a tree
    expect(text).toContain('stripe-signature');
    expect(text).toMatch(/412 s against a tolerance of 300 s: outside/);
    expect(text).toContain('no, not with this session\'s secret');
    expect(await detail.locator('.answer pre').innerText()).toContain('"error": "handler threw"');
    // Folding: the event's objects are <details>, open until folded.
    await detail.getByRole('button', { name: 'Fold all', exact: true }).click();
    expect(await detail.locator('.json details[open]').count()).toBe(0);
  });

  it('filters by type glob, status class, route and text, and pauses', async () => {
    const page = await open(items(60));
    const count = async (): Promise<number> => Number(/^(\d+)/.exec(await page.locator('#count').innerText())?.[1]);
    await expect.poll(count).toBe(60);
    await page.fill('#f-type', 'invoice.*');
    expect(await count()).toBe(20);
    for (const row of await rowTexts(page)) expect(row).toMatch(/invoice\./);
    await page.fill('#f-type', '*.*ed customer.*');
    expect(await count()).toBe(items(60).filter((item) => matchesGlob('*.*ed', item.type) || matchesGlob('customer.*', item.type)).length);
    await page.fill('#f-type', '');
    await page.selectOption('#f-status', '5xx');
    expect(await count()).toBe(items(60).filter((item) => item.status === 500).length);
    await page.selectOption('#f-status', '');
    await page.selectOption('#f-route', 'billing');
    expect(await count()).toBe(20);
    await page.selectOption('#f-route', '');
    await page.fill('#f-text', 'ITEM 42"');
    expect(await rowTexts(page)).toEqual([expect.stringContaining('evt_000042canned')]);
    await page.fill('#f-text', '');
    await page.click('#pause');
    stub!.push(cannedItem(61));
    await page.locator('#pause', { hasText: 'Resume (1 new)' }).waitFor();
    expect(await count()).toBe(60);
    await page.click('#pause');
    await expect.poll(count).toBe(61);
  });

  it('refills after a reconnect: the stream resumes after the Last-Event-ID', async () => {
    const page = await open(items(2));
    stub!.push(cannedItem(3));
    await page.locator('#rows .row', { hasText: 'evt_000003canned' }).waitFor();
    stub!.breakStreams();
    stub!.push(cannedItem(4), cannedItem(5)); // while no stream is open
    await page.locator('#rows .row', { hasText: 'evt_000005canned' }).waitFor();
    expect(stub!.lastEventIds).toEqual([undefined, '3']);
    expect(await page.locator('#count').innerText()).toBe('5 deliveries');
    expect(await page.locator('#live').innerText()).toBe('live');
  });

  it('mirrors the server\'s ring: the oldest leave past the limit, and the page says how many were dropped', async () => {
    const page = await open(items(5), 'listen', 2, 5);
    expect(await page.locator('#dropped').innerText()).toBe('2 older dropped (the last 5 are kept)');
    stub!.push(cannedItem(6), cannedItem(7));
    await page.locator('#dropped', { hasText: '4 older dropped' }).waitFor();
    await expect.poll(() => rowTexts(page)).toHaveLength(5);
    const rows = (await rowTexts(page)).join('\n');
    expect(rows).toContain('evt_000007canned');
    expect(rows).not.toContain('evt_000002canned');
  });

  it('matches type globs as src/lib/glob.ts does', async () => {
    const page = await open([]);
    const cases = [['*', 'a.b'], ['invoice.*', 'invoice.paid'], ['invoice.*', 'invoices.paid'], ['*.paid', 'invoice.paid'], ['*a*a*b', 'aaab'],
      ['*a*a*b', 'ab'], ['customer.*.updated', 'customer.subscription.updated'], ['x', 'x'], ['x', 'xy'], ['*.created*', 'customer.created'], ['a*a', 'a']];
    const inPage = await page.evaluate<boolean[]>(`${JSON.stringify(cases)}.map(([glob, type]) => window.inspectorGlob(glob, type))`);
    expect(inPage).toEqual(cases.map(([glob, type]) => matchesGlob(glob!, type!)));
  });

  it('replays, replays to another URL, edits and replays, duplicates, copies as curl: each POST with the CSRF token', async () => {
    const page = await open(items(2));
    await page.locator('#rows .row', { hasText: 'evt_000001canned' }).click();
    const detail = page.locator('#detail');
    await detail.getByRole('button', { name: 'Replay', exact: true }).click();
    await detail.locator('.result', { hasText: 'replay: 202' }).waitFor();
    await page.fill('#replay-url', 'http://127.0.0.1:9/other');
    await detail.getByRole('button', { name: 'Replay', exact: true }).click();
    await expect.poll(() => stub!.posts.length).toBe(2);
    await page.fill('#replay-url', '');
    await detail.getByRole('button', { name: 'Edit and replay' }).click();
    const edited = (await page.inputValue('#edit-event')).replace('"amount": 100', '"amount": 999');
    await page.fill('#edit-event', edited);
    await detail.getByRole('button', { name: 'Send edited' }).click();
    await detail.getByRole('button', { name: 'Duplicate' }).click();
    await expect.poll(() => stub!.posts.length).toBe(4);
    expect(stub!.posts).toEqual([
      { path: '/api/deliveries/1/replay', body: {} },
      { path: '/api/deliveries/1/replay', body: { url: 'http://127.0.0.1:9/other' } },
      { path: '/api/deliveries/1/replay', body: { event: edited } },
      { path: '/api/deliveries/1/duplicate', body: {} },
    ]);
    expect(JSON.parse(edited)).toMatchObject({ data: { object: { amount: 999 } } });
    await detail.getByRole('button', { name: 'Copy as curl' }).click();
    expect(await detail.locator('pre.curl').innerText()).toMatch(/^curl -X POST .*Stripe-Signature/);
    // Exports: all, and the rows picked.
    await page.locator('#rows .row', { hasText: 'evt_000002canned' }).locator('input').check();
    expect(await page.getAttribute('#export-picked', 'href')).toBe(`/api/export?seq=2&token=${stub!.token}`);
    const exported = await page.evaluate((href) => fetch(href).then((response) => response.text()), (await page.getAttribute('#export-picked', 'href'))!);
    expect(exported.trim().split('\n')).toHaveLength(1);
    // The header's box picks every delivery the filters show, and only those.
    await page.fill('#f-type', 'invoice.paid');
    await page.check('#pick-shown');
    expect(await page.getAttribute('#export-picked', 'href')).toBe(`/api/export?seq=1&token=${stub!.token}`);
    await page.fill('#f-type', '');
    await page.uncheck('#pick-shown');
    await page.check('#pick-shown');
    expect(await page.innerText('#export-picked')).toBe('Export selected (2)');
  });

  it('shows a flow run\'s steps, each linked to its delivery', async () => {
    // As the server sends them: a step's index in the flow (from 0), and a delivery's `step` naming that index.
    const page = await open([cannedItem(1, { step: 0 }), cannedItem(2, { step: 1 })], 'trigger-flow');
    stub!.step({ index: 0, event: 'customer.created', ok: true, status: 200, ms: 12, eventId: 'evt_000001canned', seq: 1, effects: ['customer cus_1 created'] });
    stub!.step({ index: 1, event: 'invoice.paid', ok: false, status: 500, ms: 30, eventId: 'evt_000002canned', seq: 2, error: 'the app answered 500' });
    await page.click('#tab-steps');
    await page.locator('.step', { hasText: 'fail' }).waitFor();
    expect(await page.locator('#steps').innerText()).toMatch(/1\. customer\.created pass\s*200 in 12 ms[\s\S]*customer cus_1 created[\s\S]*2\. invoice\.paid fail\s*500 in 30 ms[\s\S]*the app answered 500/);
    await page.locator('.step[data-step="1"] button').click();
    await expect.poll(() => page.locator('#detail h2').innerText()).toContain('evt_000002canned');
  });

  it('keeps 5,000 deliveries responsive: load, filter and scroll timed with performance marks', async () => {
    const page = await open(items(5000));
    // Code run in the page is given as text: this program's types are Node's, not the DOM's.
    await page.waitForFunction(`performance.getEntriesByName('inspect:loaded').length > 0 && document.getElementById('count').textContent === '5000 deliveries'`);
    const loaded = await page.evaluate(() => performance.getEntriesByName('inspect:loaded')[0]!.startTime);
    await page.fill('#f-text', 'invoice');
    await page.fill('#f-text', '');
    await page.fill('#f-type', 'customer.*');
    await page.fill('#f-type', '');
    const filters = await page.evaluate(() => performance.getEntriesByName('inspect:filter').map((entry) => entry.duration));
    const scrolled = await page.evaluate<{ renders: number[]; rows: number }>(`(async () => {
      performance.clearMeasures('inspect:render');
      const viewport = document.getElementById('viewport');
      for (let top = 0; top < 5000 * 28; top += 9000) {
        viewport.scrollTop = top;
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      }
      return { renders: performance.getEntriesByName('inspect:render').map((entry) => entry.duration), rows: document.querySelectorAll('#rows .row').length };
    })()`);
    const worst = (values: number[]): number => Math.max(...values);
    console.log(`inspector page, 5,000 items: loaded at ${loaded.toFixed(0)} ms; filter passes ${filters.map((ms) => ms.toFixed(1)).join(', ')} ms; ` +
      `${scrolled.renders.length} scroll renders, worst ${worst(scrolled.renders).toFixed(1)} ms; ${scrolled.rows} rows in the DOM`);
    expect(loaded).toBeLessThan(5000);
    expect(worst(filters)).toBeLessThan(250);
    expect(scrolled.renders.length).toBeGreaterThanOrEqual(10);
    expect(worst(scrolled.renders)).toBeLessThan(100);
    expect(scrolled.rows).toBeLessThan(100); // windowed: only the rows in view, not 5,000
  });

  it('takes a burst of 5,000 deliveries over the stream in batches, not one render each', async () => {
    const page = await open([], 'listen', 0, 5000);
    const pushed = Date.now();
    stub!.push(...items(5000));
    await page.locator('#count', { hasText: '5000 deliveries' }).waitFor();
    const ms = Date.now() - pushed;
    const renders = await page.evaluate<number[]>(`performance.getEntriesByName('inspect:render').map((entry) => entry.duration)`);
    console.log(`inspector page: a burst of 5,000 over the stream shown in ${ms} ms, ${renders.length} renders, worst ${Math.max(...renders).toFixed(1)} ms`);
    expect(ms).toBeLessThan(10_000);
    expect(renders.length).toBeLessThan(500);
  });
});

describe('the --report-html file', () => {
  it('opens from file:// with no network and shows the same list and detail', async () => {
    const file = join(tempDir('stripe-hooks-report-'), 'report.html');
    const list = [...items(30), cannedItem(31, { event: '{"id":"evt_x","type":"invoice.paid","note":"</script><script>alert(1)</script>"}', id: 'evt_x', type: 'invoice.paid' })];
    await writeReportHtml(file, { items: list, mode: 'trigger-flow', dropped: 2, steps: [{ index: 0, event: 'invoice.paid', ok: true, status: 200, ms: 5, eventId: 'evt_x', seq: 31 }] });
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    page.on('dialog', (dialog) => errors.push(`dialog: ${dialog.message()}`));
    await page.goto(pathToFileURL(file).href);
    await expect.poll(() => page.locator('#count').innerText()).toBe('31 deliveries');
    expect(await page.locator('#dropped').innerText()).toContain('2 older dropped');
    await page.locator('#rows .row', { hasText: 'evt_x' }).click();
    expect(await page.locator('#detail').innerText()).toContain('</script><script>alert(1)</script>');
    await page.fill('#f-type', 'invoice.*');
    expect(await page.locator('#count').innerText()).toBe(`${list.filter((item) => matchesGlob('invoice.*', item.type)).length} of 31 deliveries`);
    expect(await page.locator('#pause').isVisible()).toBe(false); // no server, no actions
    expect(await page.locator('#detail').getByRole('button', { name: 'Replay', exact: true }).count()).toBe(0);
    await page.click('#tab-steps');
    await page.locator('.step[data-step="0"] button', { hasText: 'invoice.paid #31' }).click();
    expect(await page.locator('#detail h2').innerText()).toContain('evt_x');
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
  });
});
