import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serveDist } from './server.mjs';
const server = await serveDist(path.resolve('../../dist'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, acceptDownloads: true, args: ['--no-sandbox', '--disable-gpu'] });
const page = await context.newPage();
await page.addInitScript(() => { const o = URL.createObjectURL; window.__urls = 0; URL.createObjectURL = function (b) { window.__urls++; return o.call(URL, b); }; const c = HTMLAnchorElement.prototype.click; window.__aclicks = 0; HTMLAnchorElement.prototype.click = function () { window.__aclicks++; return c.call(this); }; });
page.on('console', (m) => console.log(`console ${m.type()}: ${m.text()}`));
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto(`${server.url}/`);
for (const f of (process.env.FILES ?? '').split(',')) {
  await page.evaluate(() => { for (const e of document.querySelectorAll('.report')) e.dataset.stale = '1'; });
  await page.getByTestId('file-input').setInputFiles(f);
  await page.locator('.report:not([data-stale])').getByTestId('summary-packets').waitFor().catch(() => {});
  await page.evaluate(() => { window.__clicks = 0; document.addEventListener('click', (e) => { window.__clicks++; window.__last = e.target.outerHTML.slice(0, 80); }, { once: true, capture: true }); });
  await page.waitForTimeout(Number(process.env.WAIT ?? 0));
  const t = Date.now();
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }).catch((e) => null), page.locator('.report:not([data-stale])').getByTestId('export-json').click()]);
  if (!d) console.log('clicks', await page.evaluate(() => [window.__clicks, window.__last, document.querySelectorAll('.report').length, window.__urls, window.__aclicks, document.querySelector('.inline-error')?.textContent]));
  console.log(path.basename(f), d ? d.suggestedFilename() : 'NO DOWNLOAD', Date.now() - t);
}
await context.close(); await server.close();
