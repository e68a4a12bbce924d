// End-to-end tests of the built app (dist/) in Debian's Chromium, driven by playwright-core.
//
// Every capture goes through the real page: file input (or the sample button) → worker →
// summary. The summary's packet count must equal the CLI's capinfos.packets and the exported
// JSON must be byte-identical to `pcaplens analyze FILE --json`. Throughout, the page must log
// no errors and request nothing outside its own origin.
//
// Environment (set by `cargo xtask test`): PCAPLENS_DIST, PCAPLENS_CLI, PCAPLENS_DEMO,
// PCAPLENS_CAPTURES, CHROMIUM.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveDist } from './server.mjs';
import { tcpCapture } from './pcap.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = process.env.PCAPLENS_DIST ?? path.join(repo, 'dist');
const CLI = process.env.PCAPLENS_CLI ?? path.join(repo, 'target/debug/pcaplens');
const DEMO = process.env.PCAPLENS_DEMO;
const CAPTURES = process.env.PCAPLENS_CAPTURES ?? path.join(repo, '../shared/captures');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT = 30_000;
/** Downloads Chromium lets one page start without asking (see the shared-captures test). */
const DOWNLOADS_PER_PAGE = 10;

let server, context, page, tmp, origin;
const requests = [];
const problems = [];

/** The CLI's JSON for a file, as bytes. It exits 1 for a damaged capture and 2 for a file that
 * is not a capture, and prints the report all the same. */
function cliJson(file) {
  try {
    return execFileSync(CLI, ['analyze', file, '--json'], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if ((e.status === 1 || e.status === 2) && e.stdout?.length) return e.stdout;
    throw e;
  }
}

/** Writes `bytes` to the temp dir under `name`; returns the path. */
function tempFile(name, bytes) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Opens the app (fresh page) at `url`, waiting until the Rust app has mounted. */
async function openApp(url) {
  if (page) await page.close();
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.goto(url);
  await page.getByTestId('file-input').waitFor({ timeout: TIMEOUT });
}

/** Marks the report on show (if any) so the next one can be told apart. */
async function markStale() {
  await page.evaluate(() => {
    for (const e of document.querySelectorAll('.report')) e.dataset.stale = '1';
  });
}

/** The report that appeared since `markStale`. */
function freshReport() {
  return page.locator('.report:not([data-stale])');
}

async function freshSummaryPackets() {
  const el = freshReport().getByTestId('summary-packets');
  await el.waitFor({ timeout: TIMEOUT });
  return Number((await el.textContent()).replace(/[^0-9]/g, ''));
}

/** Clicks Export JSON of the fresh report and returns the download's name and bytes. */
async function exportJson() {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: TIMEOUT }),
    freshReport().getByTestId('export-json').click(),
  ]);
  const file = path.join(tmp, `download-${Date.now()}-${Math.random()}`);
  await download.saveAs(file);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) };
}

/** Uploads `file` and checks the page against the CLI; returns the parsed expected report. */
async function checkCapture(file) {
  const expected = cliJson(file);
  const report = JSON.parse(expected.toString('utf8'));
  await markStale();
  await page.getByTestId('file-input').setInputFiles(file);
  if (report.error && report.capinfos.packets === 0) {
    await freshReport().getByTestId('error').waitFor({ timeout: TIMEOUT });
  } else {
    assert.equal(await freshSummaryPackets(), report.capinfos.packets, `${file}: packets`);
  }
  const { name, bytes } = await exportJson();
  assert.equal(name, `${path.basename(file)}.pcaplens.json`);
  assert.ok(bytes.equals(expected), `${file}: the export differs from \`pcaplens analyze --json\``);
  return report;
}

before(async () => {
  for (const [what, p] of [['dist/index.html', path.join(DIST, 'index.html')], ['the CLI', CLI], ['Chromium', CHROMIUM]]) {
    if (!fs.existsSync(p)) throw new Error(`${what} is missing (${p}): run \`cargo xtask test\``);
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcaplens-e2e-'));
  server = await serveDist(DIST);
  origin = server.url;
  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.on('request', (r) => requests.push(r.url()));
});

after(async () => {
  await context?.close();
  await server?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('pcaplens web app', () => {
  it('analyzes a generated capture under a sub-path, equal to the CLI', async () => {
    await openApp(`${origin}/sub/`);
    const report = await checkCapture(tempFile('e2e-tcp.pcap', tcpCapture(3)));
    assert.equal(report.capinfos.packets, 24);
    await page.getByTestId('tab-connections').click();
    await page.locator('#view-connections').waitFor({ timeout: TIMEOUT });
    assert.equal(await page.locator('#view-connections tbody tr').count(), report.tcp.connections.length);
    // Keyboard: arrow keys move between tabs.
    await page.getByTestId('tab-connections').press('ArrowLeft');
    await page.locator('#view-summary').waitFor({ timeout: TIMEOUT });
    assert.equal(await page.getByTestId('tab-summary').getAttribute('aria-selected'), 'true');
  });

  it('analyzes the same file chosen twice', async () => {
    const file = tempFile('e2e-twice.pcap', tcpCapture(1));
    await checkCapture(file);
    await checkCapture(file);
  });

  it('explains a file that is not a capture', async () => {
    const report = await checkCapture(tempFile('notes.txt', 'hello, this is not a capture\n'));
    assert.ok(report.error, 'the CLI reports an error');
    assert.match(await freshReport().getByTestId('error').textContent(), /could not be read as a capture/);
  });

  it('warns about a truncated capture and still shows its packets', async () => {
    const whole = tcpCapture(2);
    const report = await checkCapture(tempFile('e2e-cut.pcap', whole.subarray(0, whole.length - 30)));
    assert.equal(report.capinfos.truncated, true);
    assert.equal(report.capinfos.packets, 15);
    assert.match(await freshReport().getByTestId('warnings').textContent(), /cut short/);
  });

  it('cancels a long analysis and then analyzes another file', async () => {
    // ~200 MB of tiny frames: long enough to be cancelled while it is read.
    const block = tcpCapture(50).subarray(24);
    const big = Buffer.alloc(24 + block.length * Math.ceil(200e6 / block.length));
    tcpCapture(0).copy(big, 0);
    for (let at = 24; at < big.length; at += block.length) block.copy(big, at);
    const file = tempFile('e2e-big.pcap', big);
    await page.getByTestId('file-input').setInputFiles(file);
    await page.getByTestId('progress').waitFor({ timeout: TIMEOUT });
    await page.waitForFunction(
      () => /[1-9][0-9,]* packets/.test(document.querySelector('.progress-text')?.textContent ?? ''),
      null, { timeout: TIMEOUT });
    await page.getByTestId('cancel').click();
    await page.getByTestId('cancelled').waitFor({ timeout: TIMEOUT });
    fs.rmSync(file);
    await checkCapture(tempFile('e2e-after-cancel.pcap', tcpCapture(2)));
  });

  it('"Try a sample" analyzes the demo capture, equal to the CLI', async () => {
    await openApp(`${origin}/sub`); // redirected to /sub/
    await markStale();
    await page.getByTestId('try-sample').click();
    const packets = await freshSummaryPackets();
    const { name, bytes } = await exportJson();
    assert.equal(name, 'pcaplens-demo.pcap.pcaplens.json');
    const exported = JSON.parse(bytes.toString('utf8'));
    assert.equal(exported.capinfos.packets, packets);
    assert.ok(packets > 0);
    if (DEMO) {
      // The same bytes as `cargo xtask demo`, written by xtask under the same name.
      assert.equal(path.basename(DEMO), 'pcaplens-demo.pcap');
      assert.ok(bytes.equals(cliJson(DEMO)), 'the sample export differs from the CLI on the demo file');
    } else {
      console.log('# PCAPLENS_DEMO not set: sample export not compared with the CLI');
    }
  });

  it('says so when the analysis worker cannot start', async () => {
    const before = problems.length;
    for (const blocked of ['**/analysis-worker.js', '**/worker_bg.wasm']) {
      await context.route(blocked, (route) => route.abort());
      try {
        await openApp(`${origin}/sub/`);
        const error = page.getByTestId('error');
        await error.waitFor({ timeout: TIMEOUT });
        assert.match(await error.textContent(), /analysis (worker|engine) could not/, blocked);
        // Choosing a file then fails the same way instead of waiting forever.
        await page.getByTestId('file-input').setInputFiles(tempFile('e2e-noworker.pcap', tcpCapture(1)));
        await error.waitFor({ timeout: TIMEOUT });
      } finally {
        await context.unroute(blocked);
      }
    }
    // The blocked loads themselves are logged by the browser; nothing else may be.
    const added = problems.splice(before);
    assert.ok(added.every((p) => /Failed to load resource|net::ERR_FAILED/.test(p)), added.join('\n'));
  });

  it('analyzes every shared capture at the site root, equal to the CLI', async (t) => {
    const files = ['public', 'generated'].flatMap((dir) => {
      const d = path.join(CAPTURES, dir);
      if (!fs.existsSync(d)) return [];
      return fs.readdirSync(d)
        .filter((f) => !f.endsWith('.oracle.json') && !f.endsWith('.tsv'))
        .map((f) => path.join(d, f));
    });
    if (files.length === 0) {
      t.skip(`no shared captures at ${CAPTURES}`);
      return;
    }
    const sorted = files.sort();
    for (const [i, file] of sorted.entries()) {
      // Chromium holds back the 11th download a page starts (its automatic-downloads limit),
      // so every ten exports get a fresh page.
      if (i % DOWNLOADS_PER_PAGE === 0) await openApp(`${origin}/`);
      await t.test(path.basename(file), () => checkCapture(file));
    }
    console.log(`# ${files.length} shared captures equal to the CLI`);
  });

  it('keeps working offline once loaded', async () => {
    // Loaded = the page and its (warm) worker. A worker started while offline (after Cancel)
    // needs its two files from the browser's cache, which this server's no-cache forbids.
    await openApp(`${origin}/sub/`);
    await checkCapture(tempFile('e2e-online.pcap', tcpCapture(1)));
    await context.setOffline(true);
    try {
      await checkCapture(tempFile('e2e-offline-1.pcap', tcpCapture(1)));
      await checkCapture(tempFile('e2e-offline-2.pcap', tcpCapture(2)));
    } finally {
      await context.setOffline(false);
    }
  });

  it('logged no errors and requested nothing outside its origin', () => {
    assert.deepEqual(problems, []);
    const foreign = requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(foreign, []);
    assert.ok(requests.some((u) => u.endsWith('/worker_bg.wasm')), 'the worker wasm was loaded');
  });
});
