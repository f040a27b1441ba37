#!/usr/bin/env node
// docs/inspect-list.png and docs/inspect-delivery.png, from a real run: the built CLI's
// `trigger-flow payment --offline --duplicate --inspect` against the example app (dist/demo/app.js), its page opened
// in headless Chromium (Debian's /usr/bin/chromium, through playwright-core). Nothing is canned: the rows, the
// signature check and the app's answers are what the run did. Run after `npm run build`:
//   node scripts/inspect-screenshots.js
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'dist/cli.js'))) {
  console.error('inspect-screenshots: run `npm run build` first (it takes the built CLI and example app)');
  process.exit(2);
}
// A throw-away secret for this run only: the app verifies with it, the page never shows it.
const env = { ...process.env, STRIPE_WEBHOOK_SECRET: `whsec_screenshots${Date.now().toString(36)}`, PORT: '0', NO_COLOR: '1' };

/** Starts a process and resolves with it and the first stdout line that matches. */
async function start(args, pattern) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${args.join(' ')} exited (${code}) before printing ${pattern}`);
  });
  const found = (async () => {
    for await (const line of lines) if (pattern.test(line)) return line;
    return exited;
  })();
  return { child, line: await Promise.race([found, exited]) };
}

const app = await start(['dist/demo/app.js'], /^listening at /);
const appUrl = app.line.replace('listening at ', '');
let run;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
  run = await start(['bin/stripe-hooks.js', '--json', 'trigger-flow', 'payment', '--offline', '--duplicate', '--seed', '42', '--forward-to', appUrl, '--inspect'], /"kind":"inspector"/);
  const { url } = JSON.parse(run.line);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, colorScheme: 'light' });
  await page.goto(url);
  // 9 steps, each delivered twice (--duplicate).
  await page.locator('#count', { hasText: '18 deliveries' }).waitFor({ timeout: 30_000 });
  await page.locator('#tab-steps').waitFor(); // shown once the first step has ended
  await page.screenshot({ path: join(root, 'docs/inspect-list.png') });
  await page.locator('#rows .row', { hasText: 'payment_intent.succeeded' }).first().click();
  await page.locator('#detail h2', { hasText: 'payment_intent.succeeded' }).waitFor();
  // The event folded to its first level, so the signature check and the app's answer below it are in view too.
  await page.locator('#detail').getByRole('button', { name: 'Fold all', exact: true }).click();
  await page.screenshot({ path: join(root, 'docs/inspect-delivery.png') });
  console.log('wrote docs/inspect-list.png and docs/inspect-delivery.png');
} finally {
  await browser.close();
  run?.child.kill('SIGINT');
  app.child.kill('SIGTERM');
}
