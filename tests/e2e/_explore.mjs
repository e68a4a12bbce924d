import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serveDist } from './server.mjs';
const repo = path.resolve('../..');
const out = process.env.OUT ?? '/tmp/vw/shots';
fs.mkdirSync(out, { recursive: true });
const server = await serveDist(path.join(repo, 'dist'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await context.newPage();
page.on('console', (m) => console.log(`console ${m.type()}: ${m.text()}`));
page.on('pageerror', (e) => console.log(`pageerror: ${e.message}`));
await page.setViewportSize({ width: Number(process.env.W ?? 1280), height: 900 });
await page.emulateMedia({ colorScheme: process.env.SCHEME ?? 'light' });
await page.goto(`${server.url}/sub/${process.env.QUERY ?? ''}`);
if (process.env.FILE) {
  await page.getByTestId('file-input').setInputFiles(process.env.FILE);
} else if (!process.env.QUERY) {
  await page.getByTestId('try-sample').click();
}
await page.getByTestId('summary-packets').waitFor({ timeout: 30000 }).catch((e) => console.log('no summary', e.message));
if (process.env.LANG_UI) await page.getByTestId('language').selectOption(process.env.LANG_UI);
for (const tab of (process.env.TABS ?? 'summary,connections,expert,tls,dns,dhcp,icmp,sip,flows,report').split(',')) {
  await page.getByTestId(`tab-${tab}`).click();
  await page.waitForTimeout(300);
  if (tab === 'connections' && process.env.STREAM) {
    await page.locator(`tr[data-stream="${process.env.STREAM}"]`).click();
    await page.getByTestId('ladder').waitFor({ timeout: 30000 }).catch((e) => console.log('no ladder', e.message));
    await page.waitForTimeout(300);
  }
  await page.screenshot({ path: path.join(out, `${tab}.png`), fullPage: true });
  const h = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0, k = 0; y < h && k < 8; y += 1100, k++) {
    if (h <= 1400) break;
    await page.screenshot({ path: path.join(out, `${tab}-part${k}.png`), fullPage: true, clip: { x: 0, y, width: Number(process.env.W ?? 1280), height: Math.min(1100, h - y) } });
  }
  console.log('shot', tab);
}
await context.close();
await server.close();
