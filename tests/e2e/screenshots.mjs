// Takes the README's screenshots of the built app (dist/) with the demo capture loaded:
// docs/screenshots/{light,dark}.png at 1280 px and {light,dark}-360.png at phone width.
// Usage (after `cargo xtask test build`): node tests/e2e/screenshots.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveDist } from './server.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(repo, 'docs/screenshots');
fs.mkdirSync(out, { recursive: true });
const server = await serveDist(process.env.PCAPLENS_DIST ?? path.join(repo, 'dist'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pcaplens-shots-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const scheme of ['light', 'dark']) {
    for (const [suffix, width, height] of [['', 1280, 900], ['-360', 360, 800]]) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${server.url}/sub/`);
      await page.getByTestId('try-sample').click();
      await page.getByTestId('summary-packets').waitFor();
      const view = process.env.VIEW;
      if (view) await page.getByTestId(`tab-${view}`).click();
      const file = path.join(out, `${view ? view + '-' : ''}${scheme}${suffix}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`wrote ${path.relative(repo, file)}`);
      await page.close();
    }
  }
} finally {
  await context.close();
  await server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
