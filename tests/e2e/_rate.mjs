import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serveDist } from './server.mjs';
const server = await serveDist(path.resolve('../../dist'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, acceptDownloads: true, args: ['--no-sandbox', '--disable-gpu'] });
const page = await context.newPage();
await page.goto(`${server.url}/`);
await page.getByTestId('try-sample').click();
await page.getByTestId('summary-packets').waitFor();
const res = [];
for (let i = 0; i < 25; i++) {
  await page.waitForTimeout(Number(process.env.WAIT ?? 0));
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 3000 }).catch(() => null), page.getByTestId(process.env.ID ?? 'export-json').click()]);
  res.push(d ? '.' : 'X');
}
console.log(res.join(''));
await context.close(); await server.close();
