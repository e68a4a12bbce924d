// Takes the documentation's screenshots of the built app (dist/) into docs/screenshots/ (listed
// in docs/screenshots/README.md): every view with the demo capture loaded, light and dark, at
// 1280 px and at phone width (360 px), the connection detail (flow graph), the report in
// English and Spanish, and, from ../shared/captures when present, DHCP, ICMP and SIP views (the
// demo has none) and a time-sequence plot of a bulk transfer.
// Usage (after `cargo xtask test build`): node tests/e2e/screenshots.mjs
// ONLY=name1,name2 limits the run to the named shots (file names without .png).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveDist } from './server.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(repo, 'docs/screenshots');
const captures = process.env.PCAPLENS_CAPTURES ?? path.join(repo, '../shared/captures');
const only = process.env.ONLY?.split(',');
const VIEWS = ['summary', 'connections', 'expert', 'tls', 'dns', 'dhcp', 'icmp', 'sip', 'flows', 'report'];
/** Views the demo has nothing for: shown with a shared capture when there is one. */
const OTHER = {
  dhcp: 'generated/dhcp_dora.pcap',
  icmp: 'generated/icmp_echo_unreach.pcap',
  sip: 'generated/sip_calls_loopback.pcap',
};
/** Long pages are cut at this height. */
const MAX_HEIGHT = 2200;

fs.mkdirSync(out, { recursive: true });
const server = await serveDist(process.env.PCAPLENS_DIST ?? path.join(repo, 'dist'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pcaplens-shots-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  locale: 'en-US',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const wanted = (name) => !only || only.includes(name);

async function save(page, name, target) {
  if (!wanted(name)) return;
  const file = path.join(out, `${name}.png`);
  if (target) {
    await target.screenshot({ path: file });
  } else {
    const { width } = page.viewportSize();
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(height, MAX_HEIGHT) } });
  }
  console.log(`wrote ${path.relative(repo, file)}`);
}

/** A fresh page at `width` in `scheme` with the demo capture (or `file`) loaded. */
async function loaded(scheme, width, file) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(`${server.url}/sub/`);
  if (file) {
    await page.getByTestId('file-input').setInputFiles(file);
  } else {
    await page.getByTestId('try-sample').click();
  }
  await page.getByTestId('summary-packets').waitFor({ timeout: 60_000 });
  return page;
}

async function show(page, view) {
  await page.getByTestId(`tab-${view}`).click();
  await page.locator(`#view-${view}`).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
}

try {
  for (const scheme of ['light', 'dark']) {
    const page = await loaded(scheme, 1280);
    await save(page, scheme); // the summary, as README/setup show it
    for (const view of VIEWS) {
      if (OTHER[view] && fs.existsSync(path.join(captures, OTHER[view]))) continue;
      await show(page, view);
      await save(page, `${view}-${scheme}`);
    }
    for (const [view, capture] of Object.entries(OTHER)) {
      const file = path.join(captures, capture);
      if (!fs.existsSync(file) || !wanted(`${view}-${scheme}`)) continue;
      const other = await loaded(scheme, 1280, file);
      await show(other, view);
      await save(other, `${view}-${scheme}`);
      await other.close();
    }
    await show(page, 'connections');
    await page.locator('#view-connections tr[data-stream="1"]').click();
    await page.getByTestId('ladder').locator('g.msg').first().waitFor({ timeout: 60_000 });
    await save(page, `connection-detail-${scheme}`, page.getByTestId('connection-detail'));
    await page.close();

    const phone = await loaded(scheme, 360);
    await save(phone, `${scheme}-360`);
    for (const view of ['summary', 'connections', 'expert', 'report']) {
      await show(phone, view);
      await save(phone, `${view}-${scheme}-360`);
    }
    await phone.close();
  }

  // The Packets view: a TLS Client Hello selected, its server name picked in the tree.
  for (const scheme of ['light', 'dark']) {
    for (const width of [1280, 375]) {
      const name = width === 1280 ? `packets-${scheme}` : `packets-${scheme}-375`;
      if (!wanted(name)) continue;
      const page = await loaded(scheme, width);
      await show(page, 'packets');
      await page.waitForFunction(() => document.querySelector('[data-testid="packet-count"]')?.dataset.done === 'true');
      const hello = page.locator('tr[data-testid="packet-row"]', { hasText: 'Client Hello' }).first();
      await hello.click();
      const sni = page.locator('[data-testid="packet-tree"] .tn[data-field="tls.handshake.extensions_server_name"]').first();
      await sni.waitFor({ timeout: 60_000 });
      await sni.click();
      await save(page, name);
      await page.close();
    }
  }

  const es = await loaded('light', 1280);
  await es.getByTestId('language').selectOption('es');
  await show(es, 'report');
  await save(es, 'report-es-light');
  await show(es, 'expert');
  await save(es, 'expert-es-light');
  await es.close();

  const bulk = path.join(captures, 'generated/http_bulk_loss_client.pcap');
  if (fs.existsSync(bulk)) {
    const page = await loaded('light', 1280, bulk);
    await show(page, 'connections');
    // The connection with the most bytes.
    await page.locator('#view-connections th', { hasText: 'Bytes' }).locator('button').click();
    await page.locator('#view-connections th', { hasText: 'Bytes' }).locator('button').click();
    await page.locator('#view-connections tbody tr[data-stream]').first().click();
    await page.getByTestId('stevens').waitFor({ timeout: 60_000 });
    await save(page, 'stevens-light', page.locator('.plot'));
    await page.close();
  } else {
    console.log(`# ${bulk} not found: stevens-light.png not taken`);
  }
} finally {
  await context.close();
  await server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
