// End-to-end tests of the Packets view (web/src/views/packets.rs) in Debian's Chromium:
// - for several corpus captures and every filter of ../shared/filters/filters.txt, the frames
//   the page displays equal `pcaplens packets FILE -Y FILTER` (a filter the CLI refuses is red
//   in the page); skipped with a notice when ../shared is absent;
// - a frame's tree and bytes equal `pcaplens packets FILE --frame N -T json`;
// - frame links from Expert Info, key packets and a connection's issues land on that frame;
// - a deep link (#view=packets&filter=…&frame=N with ?capture=) reloads into the same view.
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

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = process.env.PCAPLENS_DIST ?? path.join(repo, 'dist');
const CLI = process.env.PCAPLENS_CLI ?? path.join(repo, 'target/debug/pcaplens');
const DEMO = process.env.PCAPLENS_DEMO ?? path.join(repo, 'target/e2e/pcaplens-demo.pcap');
const CAPTURES = process.env.PCAPLENS_CAPTURES ?? path.join(repo, '../shared/captures');
const FILTERS = path.join(CAPTURES, '../filters/filters.txt');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT = 30_000;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Corpus captures the filter test runs on (small, and between them every protocol). */
const CORPUS = ['public/cs_tcp_dupack.pcapng', 'generated/dns_dnsmasq_nano.pcap',
  'generated/icmp_echo_unreach.pcap', 'generated/tls13_sni.pcapng', 'generated/dhcp_dora.pcap',
  'generated/sip_calls_loopback.pcap'];

let server, context, page, tmp, origin;
const problems = [];

/** `pcaplens packets FILE args…`: { status, stdout }. */
function packets(file, ...args) {
  try {
    return { status: 0, stdout: execFileSync(CLI, ['packets', file, ...args], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] }).toString() };
  } catch (e) {
    return { status: e.status, stdout: e.stdout?.toString() ?? '' };
  }
}

async function newPage(url) {
  if (page) await page.close();
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.goto(url);
}

async function open(file) {
  await newPage(`${origin}/sub/`);
  await page.getByTestId('file-input').setInputFiles(file);
  await page.getByTestId('summary-packets').waitFor({ timeout: TIMEOUT });
}

/** Applies `filter` in the bar (Enter) and waits for the list to be complete. */
async function applyFilter(filter) {
  const input = page.getByTestId('packet-filter');
  await input.fill(filter);
  await input.press('Enter');
  await page.waitForFunction((f) => {
    const c = document.querySelector('[data-testid="packet-count"]');
    return c && c.dataset.done === 'true' && c.dataset.filter === f.trim();
  }, filter, { timeout: TIMEOUT });
}

/** Every frame number the list displays, scrolling it from top to bottom. */
async function displayedFrames() {
  return page.evaluate(async () => {
    const list = document.querySelector('[data-testid="packet-list"]');
    const frames = new Map();
    const settle = async () => {
      for (let i = 0; i < 400; i++) {
        await new Promise((r) => requestAnimationFrame(r));
        if (!list.querySelector('tr.loading')) return;
      }
      throw new Error('rows did not arrive');
    };
    list.scrollTop = 0;
    list.dispatchEvent(new Event('scroll'));
    for (;;) {
      await settle();
      for (const tr of list.querySelectorAll('tr[data-testid="packet-row"]')) {
        frames.set(Number(tr.dataset.index), Number(tr.dataset.frame));
      }
      if (list.scrollTop + list.clientHeight >= list.scrollHeight - 1) break;
      list.scrollTop += list.clientHeight;
      list.dispatchEvent(new Event('scroll'));
    }
    return [...frames.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  });
}

/** The labels of a tree in order, depth first (as the page and the CLI's JSON hold them). */
function labels(nodes, out = []) {
  for (const n of nodes) {
    out.push(n.label);
    labels(n.children ?? [], out);
  }
  return out;
}

async function checkFrame(file, frame) {
  const expected = JSON.parse(packets(file, '--frame', String(frame), '-T', 'json').stdout);
  const tree = page.locator(`[data-testid="packet-tree"] ul.tree[data-frame="${frame}"]`);
  await tree.waitFor({ timeout: TIMEOUT });
  const shown = await tree.locator('.tn').allTextContents();
  assert.deepEqual(shown, labels(expected.layers), `${path.basename(file)} frame ${frame}: tree`);
  const hex = await page.getByTestId('packet-hex').locator('.hex').getAttribute('data-hex');
  assert.equal(hex, expected.sources[0].bytes, `${path.basename(file)} frame ${frame}: bytes`);
}

before(async () => {
  for (const [what, p] of [['dist/index.html', path.join(DIST, 'index.html')], ['the CLI', CLI], ['Chromium', CHROMIUM]]) {
    if (!fs.existsSync(p)) throw new Error(`${what} is missing (${p}): run \`cargo xtask test\``);
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcaplens-e2e-packets-'));
  server = await serveDist(DIST);
  origin = server.url;
  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 },
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('Packets view', () => {
  it('links from Expert Info, key packets and connection issues land on their frame', async () => {
    await open(DEMO);
    // Key packets (Summary).
    const key = page.locator('#view-summary button[data-open-frame]').first();
    const keyFrame = Number(await key.getAttribute('data-open-frame'));
    await key.click();
    await checkFrame(DEMO, keyFrame);
    assert.equal(await page.getByTestId('tab-packets').getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator(`tr[data-testid="packet-row"][data-frame="${keyFrame}"].selected`).count(), 1);
    // Expert Info.
    await page.getByTestId('tab-expert').click();
    const group = page.locator('#view-expert [data-group]').filter({ has: page.locator('button[data-open-frame]') }).first();
    await group.locator('summary').click();
    const link = group.locator('button[data-open-frame]').first();
    const expertFrame = Number(await link.getAttribute('data-open-frame'));
    await link.click();
    await checkFrame(DEMO, expertFrame);
    // A connection's issues, and its "show packets".
    await page.getByTestId('tab-connections').click();
    await page.locator('#view-connections tr[data-stream="0"]').click();
    const detail = page.getByTestId('connection-detail');
    await detail.waitFor({ timeout: TIMEOUT });
    const issue = detail.locator('button[data-open-frame]').first();
    if (await issue.count()) {
      const f = Number(await issue.getAttribute('data-open-frame'));
      await issue.click();
      await checkFrame(DEMO, f);
      await page.getByTestId('tab-connections').click();
    }
    await page.getByTestId('show-packets').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="packet-count"]')?.dataset.done === 'true'
      && document.querySelector('[data-testid="packet-count"]')?.dataset.filter === 'tcp.stream eq 0', null, { timeout: TIMEOUT });
    const cliFrames = packets(DEMO, '-Y', 'tcp.stream eq 0', '-T', 'fields', '-e', 'frame.number').stdout.split('\n').filter(Boolean).map(Number);
    assert.deepEqual(await displayedFrames(), cliFrames);
    assert.deepEqual(problems, []);
  });

  it('keyboard: arrows move, Ctrl+G goes to a frame; the filter bar is red with a message', async () => {
    await open(DEMO);
    await page.getByTestId('tab-packets').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="packet-count"]')?.dataset.done === 'true');
    await page.locator('tr[data-testid="packet-row"][data-frame="1"]').click();
    await page.getByTestId('packet-list').press('ArrowDown');
    await page.getByTestId('packet-list').press('ArrowDown');
    await checkFrame(DEMO, 3);
    await page.getByTestId('packet-list').press('Control+g');
    await page.getByTestId('packet-goto').fill('5');
    await page.getByTestId('packet-goto').press('Enter');
    await checkFrame(DEMO, 5);
    const input = page.getByTestId('packet-filter');
    await input.fill('tcp.analysis.flags || tcpp');
    assert.match(await input.getAttribute('class'), /filter-bad/);
    assert.match(await page.getByTestId('packet-filter-message').textContent(), /tcpp.*neither a field nor a protocol name/);
    await input.fill('tcp.port == 443');
    assert.match(await input.getAttribute('class'), /filter-ok/);
    // Apply as filter from the tree.
    await page.locator('[data-testid="packet-tree"] .tn[data-field="tcp.srcport"]').first().click();
    await page.getByTestId('tree-apply').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="packet-count"]')?.dataset.filter?.startsWith('tcp.srcport == '));
    assert.deepEqual(problems, []);
  });

  it('a deep link reloads into the same view', async () => {
    const demo = fs.readFileSync(DEMO);
    await context.route(`${origin}/sub/labs/demo.pcap`, (route) =>
      route.fulfill({ status: 200, contentType: 'application/vnd.tcpdump.pcap', body: demo }));
    try {
      await newPage(`${origin}/sub/?capture=labs/demo.pcap#view=packets&filter=${encodeURIComponent('tcp.flags.syn == 1')}&frame=3`);
      await checkFrame(DEMO, 3);
      assert.equal(await page.getByTestId('packet-filter').inputValue(), 'tcp.flags.syn == 1');
      await page.waitForFunction(() => document.querySelector('[data-testid="packet-count"]')?.dataset.done === 'true');
      const cliFrames = packets(DEMO, '-Y', 'tcp.flags.syn == 1', '-T', 'fields', '-e', 'frame.number').stdout.split('\n').filter(Boolean).map(Number);
      assert.deepEqual(await displayedFrames(), cliFrames);
      // The state is in the URL: a reload comes back to it; back goes to the previous view.
      await page.getByTestId('tab-expert').click();
      await page.waitForFunction(() => location.hash === '#view=expert');
      await page.goBack();
      await checkFrame(DEMO, 3);
      await page.goto(`${origin}/sub/?capture=labs/demo.pcap#view=connection&stream=1`);
      await page.getByTestId('connection-detail').waitFor({ timeout: TIMEOUT });
      assert.equal(await page.getByTestId('connection-detail').getAttribute('data-stream'), '1');
      assert.deepEqual(problems, []);
    } finally {
      await context.unroute(`${origin}/sub/labs/demo.pcap`);
    }
  });

  it('for every corpus filter, the page displays the frames the CLI does', async (t) => {
    if (!fs.existsSync(FILTERS)) {
      t.skip(`${FILTERS} is absent: skipping the corpus filter comparison`);
      return;
    }
    const filters = fs.readFileSync(FILTERS, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    let compared = 0;
    for (const name of CORPUS) {
      const file = path.join(CAPTURES, name);
      if (!fs.existsSync(file)) continue;
      await open(file);
      await page.getByTestId('tab-packets').click();
      for (const filter of filters) {
        const cli = packets(file, '-Y', filter, '-T', 'fields', '-e', 'frame.number');
        if (cli.status === 2) {
          await page.getByTestId('packet-filter').fill(filter);
          assert.match(await page.getByTestId('packet-filter').getAttribute('class'), /filter-bad/, `${name}: ${filter} should be refused`);
          continue;
        }
        await applyFilter(filter);
        const expected = cli.stdout.split('\n').filter(Boolean).map(Number);
        assert.deepEqual(await displayedFrames(), expected, `${name}: ${filter}`);
        compared++;
      }
      // One frame's details per capture: the last one.
      const frames = packets(file, '-T', 'fields', '-e', 'frame.number').stdout.split('\n').filter(Boolean);
      await page.getByTestId('packet-goto').fill(frames.at(-1));
      await page.getByTestId('packet-goto').press('Enter');
      await checkFrame(file, Number(frames.at(-1)));
    }
    console.log(`# compared ${compared} (capture, filter) pairs with the CLI`);
    assert.ok(compared > 0);
    assert.deepEqual(problems, []);
  });
});
