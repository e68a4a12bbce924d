// End-to-end tests of the report views (web/src/views) in Debian's Chromium, driven by
// playwright-core: every tab shows the demo capture's facts, connections open into a flow
// graph, Expert Info links and copies filters, the downloads equal the CLI's, the page speaks
// English and Spanish, course-page parameters are safe, and a large table stays virtual.
// Throughout, the page must log no errors and request nothing outside its own origin.
//
// Environment (set by `cargo xtask test`): PCAPLENS_DIST, PCAPLENS_CLI, PCAPLENS_DEMO, CHROMIUM.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveDist } from './server.mjs';
import { pcap } from './pcap.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = process.env.PCAPLENS_DIST ?? path.join(repo, 'dist');
const CLI = process.env.PCAPLENS_CLI ?? path.join(repo, 'target/debug/pcaplens');
const DEMO = process.env.PCAPLENS_DEMO ?? path.join(repo, 'target/e2e/pcaplens-demo.pcap');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT = 30_000;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server, context, page, tmp, origin, report;
const requests = [];
const problems = [];

/** The CLI's output for a file with extra arguments (exit 1 = damaged still prints). */
function cli(file, ...args) {
  try {
    return execFileSync(CLI, ['analyze', file, ...args], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (e.status === 1 && e.stdout?.length) return e.stdout;
    throw e;
  }
}

function watch(p) {
  p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
}

async function openDemo(query = '') {
  if (page) await page.close();
  page = await context.newPage();
  watch(page);
  await page.goto(`${origin}/sub/${query}`);
  await page.getByTestId('try-sample').click();
  await page.getByTestId('summary-packets').waitFor({ timeout: TIMEOUT });
}

async function tab(slug) {
  await page.getByTestId(`tab-${slug}`).click();
  await page.locator(`#view-${slug}`).waitFor({ timeout: TIMEOUT });
  return page.locator(`#view-${slug}`);
}

async function streamsShown() {
  return page.locator('#view-connections tbody tr[data-stream]').evaluateAll(
    (rows) => rows.map((r) => Number(r.dataset.stream)));
}

async function download(testid) {
  const [d] = await Promise.all([
    page.waitForEvent('download', { timeout: TIMEOUT }),
    page.getByTestId(testid).click(),
  ]);
  const file = path.join(tmp, `dl-${Date.now()}-${Math.random()}`);
  await d.saveAs(file);
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(file) };
}

/** A capture of `n` short TCP connections (SYN, SYN-ACK, RST) from many client addresses. */
function manyConnections(n) {
  const frames = [];
  const frame = (src, dst, sport, dport, seq, ack, flags) => {
    const eth = Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45; ip.writeUInt16BE(40, 2); ip[8] = 64; ip[9] = 6;
    Buffer.from(src).copy(ip, 12); Buffer.from(dst).copy(ip, 16);
    let sum = 0;
    for (let i = 0; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
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
    frames.push(
      frame(client, server, sport, 443, 100, 0, 0x02),
      frame(server, client, 443, sport, 900, 101, 0x12),
      frame(client, server, sport, 443, 101, 0, 0x04),
    );
  }
  return pcap(frames, 1_700_000_000);
}

before(async () => {
  for (const [what, p] of [['dist/index.html', path.join(DIST, 'index.html')], ['the CLI', CLI], ['Chromium', CHROMIUM], ['the demo capture', DEMO]]) {
    if (!fs.existsSync(p)) throw new Error(`${what} is missing (${p}): run \`cargo xtask test\``);
  }
  report = JSON.parse(cli(DEMO, '--json').toString('utf8'));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcaplens-views-'));
  server = await serveDist(DIST);
  origin = server.url;
  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM, headless: true, acceptDownloads: true, locale: 'en-US', args: ARGS,
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  context.on('request', (r) => requests.push(r.url()));
});

after(async () => {
  await context?.close();
  await server?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('pcaplens report views', () => {
  it('Summary shows capinfos facts and frames per protocol', async () => {
    await openDemo();
    const view = await tab('summary');
    assert.equal(await page.getByTestId('summary-packets').textContent(), String(report.capinfos.packets));
    assert.equal(await view.locator('[data-protocol="tcp"] .bar-value').textContent(), String(report.flows.protocol_frames.tcp));
    // Key packets name the ClientHello frame of stream 0.
    assert.match(await page.getByTestId('key-packets').textContent(), /ClientHello: SNI bumpy-rice-work\.loca\.lt/);
  });

  it('Connections lists streams 0..2, sorts by keyboard and filters', async () => {
    const view = await tab('connections');
    assert.deepEqual(await streamsShown(), [0, 1, 2]);
    assert.match(await view.getByTestId('connections-table').textContent(), /192\.168\.0\.6:64369/);
    // Sort by packets with the keyboard: ascending, then descending.
    const packets = view.locator('th', { hasText: 'Packets' }).locator('button');
    await packets.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    assert.equal(await view.locator('th', { hasText: 'Packets' }).getAttribute('aria-sort'), 'descending');
    const byPackets = report.tcp.connections.slice().sort((a, b) => b.packets - a.packets || a.stream - b.stream);
    assert.deepEqual(await streamsShown(), byPackets.map((c) => c.stream));
    await page.keyboard.press('Enter'); // third press: back to capture order
    assert.deepEqual(await streamsShown(), [0, 1, 2]);
    // Filter by port, then by analysis flag.
    await page.getByTestId('connections-filter').fill('64370');
    assert.deepEqual(await streamsShown(), [1]);
    await page.getByTestId('connections-filter').fill('');
    await page.getByTestId('connections-kind').selectOption('flag:spurious_retransmission');
    assert.deepEqual(await streamsShown(), [0]);
    await page.getByTestId('connections-kind').selectOption('rst');
    assert.deepEqual(await streamsShown(), [1, 2]);
    await page.getByTestId('connections-kind').selectOption('all');
  });

  it('a connection opens into facts, issues, a flow graph and a Stevens plot', async () => {
    const view = await tab('connections');
    const row = view.locator('tr[data-stream="1"]');
    await row.focus();
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('connection-detail');
    await detail.waitFor({ timeout: TIMEOUT });
    assert.equal(await detail.getAttribute('data-stream'), '1');
    const facts = await detail.textContent();
    assert.match(facts, /MSS=1460 WS=64 SACK_PERM/);
    assert.match(facts, /MSS=1360 WS=512 SACK_PERM/);
    assert.match(facts, /RSTO/);
    assert.match(facts, /tcp\.stream eq 1/);
    assert.match(await page.getByTestId('connection-issues').textContent(), /Frame 38 \[TCP Fast Retransmission\]/);
    // The flow graph: one arrow per packet (frames 21..42), TLS names, flags in colour.
    const ladder = page.getByTestId('ladder');
    await ladder.locator('g.msg').first().waitFor({ timeout: TIMEOUT });
    const frames = await ladder.locator('g.msg').evaluateAll((gs) => gs.map((g) => Number(g.dataset.frame)));
    const conn = report.tcp.connections[1];
    assert.equal(frames.length, conn.packets);
    assert.deepEqual([frames[0], frames.at(-1)], [conn.first_frame, conn.last_frame]);
    const text = await ladder.textContent();
    for (const want of ['SYN, ACK', 'Client Hello', 'Server Hello, Change Cipher Spec, Application Data',
      'Seq=1 Ack=1 Len=517', 'SLE=2295 SRE=3655', '[TCP Dup ACK 34#3]', 'Fast retransmission', 'RST, ACK']) {
      assert.ok(text.includes(want), `flow graph shows ${want}`);
    }
    assert.equal(await ladder.locator('g.msg.warn[data-frame="38"]').count(), 1, 'fast retransmission in orange');
    assert.equal(await page.getByTestId('stevens').count(), 1, 'time-sequence plot for the upload');
    await page.getByTestId('detail-close').click();
    assert.equal(await page.getByTestId('connection-detail').count(), 0);
  });

  it('Expert Info groups findings with explanations, filters that copy, and frame links', async () => {
    const view = await tab('expert');
    const dup = view.locator('[data-group="tcp.analysis.duplicate_ack"]');
    assert.equal(await dup.count(), 1);
    await dup.locator('summary').click();
    assert.equal(await dup.getByTestId('filter-text').textContent(), 'tcp.analysis.duplicate_ack');
    assert.match(await dup.locator('.explanation').textContent(), /acknowledged the same sequence number/);
    await dup.getByRole('button', { name: /Copy filter/ }).click();
    await page.waitForFunction(() => document.querySelector('[data-group="tcp.analysis.duplicate_ack"] .copy-status')?.textContent === 'Copied');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'tcp.analysis.duplicate_ack');
    // Frame 17 is stream 0's dup ACK: its stream button opens that connection, its frame
    // number opens the frame in the Packets view.
    const item = dup.locator('li', { has: page.locator('button[data-frame="17"]') });
    await item.locator('button[data-open-stream="0"]').click();
    await page.getByTestId('connection-detail').waitFor({ timeout: TIMEOUT });
    assert.equal(await page.getByTestId('connection-detail').getAttribute('data-stream'), '0');
    assert.equal(await page.getByTestId('tab-connections').getAttribute('aria-selected'), 'true');
    await page.getByTestId('detail-close').click();
    const again = (await tab('expert')).locator('[data-group="tcp.analysis.duplicate_ack"]');
    await again.locator('summary').click();
    await again.locator('button[data-frame="17"]').click();
    await page.locator('#view-packets ul.tree[data-frame="17"]').waitFor({ timeout: TIMEOUT });
    assert.equal(await page.getByTestId('tab-packets').getAttribute('aria-selected'), 'true');
  });

  it('TLS, DNS, DHCP, ICMP, SIP and Flows show what the report holds', async () => {
    const tls = await tab('tls');
    const tlsText = await tls.textContent();
    assert.equal((tlsText.match(/bumpy-rice-work\.loca\.lt/g) ?? []).length >= 3, true);
    assert.ok(tlsText.includes(report.tls.handshakes[0].ja4), 'JA4');
    assert.ok(tlsText.includes(report.tls.handshakes[0].ja3), 'JA3');
    assert.match(tlsText, /TLS 1\.3/);
    assert.match(tlsText, /TLS_AES_128_GCM_SHA256/);
    assert.equal(await tls.locator('tbody tr[data-stream]').count(), report.tls.handshakes.length);

    const dns = await tab('dns');
    assert.equal(await dns.locator('tbody tr:not(.spacer)').count(), report.dns.messages.length);
    const dnsText = await dns.textContent();
    assert.match(dnsText, /bumpy-rice-work\.loca\.lt/);
    assert.match(dnsText, /NOERROR/);
    assert.ok(dnsText.includes(`${report.dns.messages[1].latency_ms.toFixed(1)} ms`), 'latency');

    for (const slug of ['dhcp', 'icmp', 'sip']) {
      assert.match(await (await tab(slug)).textContent(), /Nothing of this kind/);
    }
    const flows = await tab('flows');
    assert.equal(await flows.getByTestId('ip-conversations').locator('tbody tr:not(.spacer)').count(),
      report.flows.ip_conversations.length);
  });

  it('Report shows the hand-in report; its downloads equal the CLI', async () => {
    const view = await tab('report');
    const doc = view.getByTestId('report-doc');
    assert.equal(await doc.locator('h2').first().textContent(), 'Capture analysis: pcaplens-demo.pcap');
    assert.ok(await doc.locator('table').count() >= 3);
    const md = await download('export-markdown');
    assert.equal(md.name, 'pcaplens-demo.pcaplens-report-en.md');
    const text = md.bytes.toString('utf8');
    assert.match(text, /bumpy-rice-work\.loca\.lt/);
    assert.match(text, /\| 6 \| 192\.168\.0\.6:64369 \| 193\.34\.76\.44:443 \| TLS \| ClientHello/);
    assert.ok(md.bytes.equals(cli(DEMO, '--markdown', '--lang', 'en')), 'Markdown equals `pcaplens analyze --markdown`');
    // Printing (a PDF to hand in) shows the report without the page's controls.
    await page.emulateMedia({ media: 'print' });
    assert.ok(await doc.isVisible());
    for (const hidden of ['tab-report', 'export-markdown', 'try-sample', 'print-report']) {
      assert.equal(await page.getByTestId(hidden).isVisible(), false, `${hidden} hidden in print`);
    }
    await page.emulateMedia({ media: 'screen' });
    const csv = await download('export-csv');
    assert.equal(csv.name, 'pcaplens-demo.connections.csv');
    assert.ok(csv.bytes.equals(cli(DEMO, '--csv')), 'CSV equals `pcaplens analyze --csv`');
  });

  it('switches the whole page to Spanish and back', async () => {
    await page.getByTestId('language').selectOption('es');
    assert.equal(await page.getByTestId('tab-summary').textContent(), 'Resumen');
    assert.equal(await page.getByTestId('tab-report').textContent(), 'Informe');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
    assert.match(await page.getByTestId('try-sample').textContent(), /Probar con un ejemplo/);
    assert.match(await page.getByTestId('export-json').textContent(), /Exportar JSON/);
    const doc = page.getByTestId('report-doc');
    assert.equal(await doc.locator('h2').first().textContent(), 'Análisis de la captura: pcaplens-demo.pcap');
    const md = await download('export-markdown');
    assert.equal(md.name, 'pcaplens-demo.informe-pcaplens-es.md');
    assert.ok(md.bytes.equals(cli(DEMO, '--markdown', '--lang', 'es')), 'Spanish Markdown equals the CLI');
    await tab('expert');
    assert.match(await page.locator('[data-group="tcp.analysis.duplicate_ack"] .group-title').textContent(), /ACK duplicado/);
    await page.getByTestId('language').selectOption('en');
    assert.equal(await page.getByTestId('tab-summary').textContent(), 'Summary');
  });

  it('starts in Spanish for a Spanish browser', async () => {
    const es = await chromium.launchPersistentContext(path.join(tmp, 'profile-es'), {
      executablePath: CHROMIUM, headless: true, locale: 'es-ES', args: ARGS,
    });
    try {
      const p = await es.newPage();
      watch(p);
      es.on('request', (r) => requests.push(r.url()));
      await p.goto(`${origin}/sub/`);
      await p.getByTestId('try-sample').click();
      await p.getByTestId('summary-packets').waitFor({ timeout: TIMEOUT });
      assert.equal(await p.getByTestId('tab-summary').textContent(), 'Resumen');
      assert.equal(await p.getByTestId('language').inputValue(), 'es');
    } finally {
      await es.close();
    }
  });

  it('opens a same-site ?capture= and refuses any other address without a request', async () => {
    const demo = fs.readFileSync(DEMO);
    await context.route(`${origin}/sub/labs/lab3.pcap`, (route) =>
      route.fulfill({ status: 200, contentType: 'application/vnd.tcpdump.pcap', body: demo }));
    try {
      if (page) await page.close();
      page = await context.newPage();
      watch(page);
      await page.goto(`${origin}/sub/?capture=labs/lab3.pcap&embed=1`);
      await page.getByTestId('summary-packets').waitFor({ timeout: TIMEOUT });
      assert.equal(await page.getByTestId('summary-packets').textContent(), String(report.capinfos.packets));
      assert.match(await page.getByTestId('file-name').textContent(), /^lab3\.pcap/);
      assert.equal(await page.locator('footer').count(), 0, 'embed: no footer');
      assert.equal(await page.locator('.tagline').count(), 0, 'embed: no tagline');
    } finally {
      await context.unroute(`${origin}/sub/labs/lab3.pcap`);
    }
    for (const bad of ['https://example.com/x.pcap', '//example.com/x.pcap', 'javascript:alert(1)', 'data:,x']) {
      const before = requests.length;
      await page.goto(`${origin}/sub/?capture=${encodeURIComponent(bad)}`);
      const error = page.getByTestId('error');
      await error.waitFor({ timeout: TIMEOUT });
      assert.match(await error.textContent(), /only opens captures stored on this same site/);
      const made = requests.slice(before).filter((u) => !u.startsWith(origin + '/'));
      assert.deepEqual(made, [], `no request for ${bad}`);
    }
  });

  it('keeps a 20 000-connection table virtual: few rows in the DOM, the last one reachable', async () => {
    if (page) await page.close();
    page = await context.newPage();
    watch(page);
    await page.goto(`${origin}/sub/`);
    const file = path.join(tmp, 'many.pcap');
    fs.writeFileSync(file, manyConnections(20_000));
    await page.getByTestId('file-input').setInputFiles(file);
    await page.getByTestId('summary-packets').waitFor({ timeout: 120_000 });
    await tab('connections');
    const rendered = (await streamsShown()).length;
    assert.ok(rendered > 5 && rendered < 120, `rows in the DOM: ${rendered}`);
    // Sorting 20k rows answers quickly.
    const started = Date.now();
    await page.locator('#view-connections th', { hasText: 'Client' }).locator('button').click();
    await page.locator('#view-connections th[aria-sort="ascending"]').waitFor({ timeout: TIMEOUT });
    assert.ok(Date.now() - started < 5000, `sorted in ${Date.now() - started} ms`);
    await page.locator('#view-connections th', { hasText: 'Stream' }).locator('button').click();
    // Scroll to the end: the last stream is rendered and visible.
    await page.getByTestId('connections-table').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const last = page.locator('#view-connections tr[data-stream="19999"]');
    await last.waitFor({ timeout: TIMEOUT });
    assert.ok(await last.isVisible());
    assert.ok((await streamsShown()).length < 120);
    // And back to the top.
    await page.getByTestId('connections-table').evaluate((el) => { el.scrollTop = 0; });
    await page.locator('#view-connections tr[data-stream="0"]').waitFor({ timeout: TIMEOUT });
    assert.equal(await page.locator('#view-connections tr[data-stream="19999"]').count(), 0);
  });

  it('logged no errors and requested nothing outside its origin', () => {
    assert.deepEqual(problems, []);
    const foreign = requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(foreign, []);
  });
});
