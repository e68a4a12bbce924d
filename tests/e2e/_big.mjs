import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serveDist } from './server.mjs';
import { pcap } from './pcap.mjs';
const N = Number(process.env.N ?? 100000);
function manyConnections(n) {
  const frames = [];
  const frame = (src, dst, sport, dport, seq, ack, flags) => {
    const eth = Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45; ip.writeUInt16BE(40, 2); ip[8] = 64; ip[9] = 6;
    Buffer.from(src).copy(ip, 12); Buffer.from(dst).copy(ip, 16);
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(sport, 0); tcp.writeUInt16BE(dport, 2);
    tcp.writeUInt32BE(seq >>> 0, 4); tcp.writeUInt32BE(ack >>> 0, 8);
    tcp[12] = 5 << 4; tcp[13] = flags; tcp.writeUInt16BE(1000, 14);
    return Buffer.concat([eth, ip, tcp]);
  };
  for (let c = 0; c < n; c++) {
    const client = [10, 2 + (c >> 16) % 200, (c >> 8) & 0xff, c & 0xff];
    const server = [10, 1, 0, 1];
    const sport = 1024 + (c % 60000);
    frames.push(frame(client, server, sport, 443, 100, 0, 0x02), frame(server, client, 443, sport, 900, 101, 0x12), frame(client, server, sport, 443, 101, 0, 0x04));
  }
  return pcap(frames, 1_700_000_000);
}
const file = '/tmp/vw/big.pcap';
if (!fs.existsSync(file)) fs.writeFileSync(file, manyConnections(N));
const server = await serveDist(path.resolve('../../dist'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const page = await context.newPage();
page.on('console', (m) => { if (m.type() !== 'warning') console.log(`console ${m.type()}: ${m.text()}`); });
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto(`${server.url}/sub/`);
let t = Date.now();
await page.getByTestId('file-input').setInputFiles(file);
await page.getByTestId('summary-packets').waitFor({ timeout: 300000 });
console.log('analysis + report shown', Date.now() - t, 'ms');
for (const tab of ['connections', 'expert', 'flows', 'report', 'summary', 'connections']) {
  t = Date.now();
  await page.getByTestId(`tab-${tab}`).click();
  await page.locator(`#view-${tab}`).waitFor();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  console.log('tab', tab, Date.now() - t, 'ms');
}
t = Date.now();
await page.locator('#view-connections th', { hasText: 'Client' }).locator('button').click();
await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
console.log('sort', Date.now() - t, 'ms');
t = Date.now();
await page.getByTestId('connections-filter').fill('10.2.1');
await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
console.log('filter', Date.now() - t, 'ms', await page.getByTestId('connections-count').textContent());
await page.getByTestId('connections-filter').fill('');
for (let i = 0; i < 5; i++) {
  t = Date.now();
  await page.getByTestId('connections-table').evaluate((el, f) => { el.scrollTop = el.scrollHeight * f; }, (i + 1) / 5);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  console.log('scroll', i, Date.now() - t, 'ms', await page.locator('#view-connections tbody tr[data-stream]').count());
}
t = Date.now();
await page.locator('#view-connections tbody tr[data-stream]').nth(5).click();
await page.getByTestId('ladder').locator('g.msg').first().waitFor({ timeout: 60000 });
console.log('open detail + ladder', Date.now() - t, 'ms');
await page.screenshot({ path: '/tmp/vw/big.png' });
await context.close(); await server.close();
