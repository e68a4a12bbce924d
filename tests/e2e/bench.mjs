// The browser benchmark: analyses large captures in headless Chromium through the real page
// (file input → worker reading File slices → summary) and measures what a person waits for.
//
//   node tests/e2e/bench.mjs FILE=PACKETS [FILE=PACKETS ...]
//
// PACKETS is the packet count the native analysis found; the page must show the same. Run by
// `cargo xtask bench --browser [--large]`, which builds dist/ and passes the counts.
// Environment: PCAPLENS_DIST (default dist/), CHROMIUM (default /usr/bin/chromium).
//
// Memory is sampled from /proc every 200 ms over every process Chromium starts (browser,
// renderer, GPU and utility processes; the worker lives in the renderer): the peak of their
// summed RSS and the largest single RSS. CPU is their user + system time (/proc/PID/stat),
// counted from the upload to the summary. The main-thread stall is the longest gap between
// ticks of a 20 ms timer in the page, minus 20 ms: how long the page could not react.
// Not a *.test.mjs file, so the e2e run does not pick it up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveDist } from './server.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = process.env.PCAPLENS_DIST ?? path.join(repo, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** A 2 GB capture on a slow machine: generous, but a hang still ends. */
const TIMEOUT = 40 * 60_000;
const SAMPLE_MS = 200;
const TICK_MS = 20;
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** pid → parent pid, for every process. */
function parents() {
  const map = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: split after it.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      map.set(Number(name), Number(fields[1]));
    } catch { /* the process ended */ }
  }
  return map;
}

/** Every descendant of this node process (Chromium and its children). */
function chromiumPids() {
  const ppid = parents();
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, parent] of ppid) {
      if (!mine.has(pid) && mine.has(parent)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  mine.delete(process.pid);
  return [...mine];
}

/** Chromium's name for a process: "browser", "renderer", "gpu-process", "utility", ... */
function kind(pid) {
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
  } catch {
    return 'gone';
  }
}

/** { rssKb, anonKb, cpuTicks } of one process, or null when it has ended. RssAnon is the
 * memory the process itself allocated; the rest of RSS is shared files and shared memory. */
function usage(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const anon = Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name.
    return { rssKb: rss, anonKb: anon, cpuTicks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

/** Samples the Chromium processes until `stop()`; returns the peaks and CPU per process. */
function startSampler() {
  const cpu = new Map(); // pid → last seen CPU ticks (a process that ends keeps its last value)
  let peakSumKb = 0;
  let peakAnonKb = 0;
  let peakOneKb = 0;
  const peakByKind = {}; // kind → peak RssAnon of one such process
  const kinds = new Map();
  const sample = () => {
    let sum = 0;
    let anon = 0;
    for (const pid of chromiumPids()) {
      const u = usage(pid);
      if (!u) continue;
      if (!kinds.has(pid)) kinds.set(pid, kind(pid));
      const k = kinds.get(pid);
      sum += u.rssKb;
      anon += u.anonKb;
      peakOneKb = Math.max(peakOneKb, u.rssKb);
      peakByKind[k] = Math.max(peakByKind[k] ?? 0, u.anonKb);
      cpu.set(pid, u.cpuTicks);
    }
    peakSumKb = Math.max(peakSumKb, sum);
    peakAnonKb = Math.max(peakAnonKb, anon);
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    cpuTicks: () => [...cpu.values()].reduce((a, b) => a + b, 0),
    stop() {
      clearInterval(timer);
      sample();
      return { peakSumKb, peakAnonKb, peakOneKb, peakByKind };
    },
  };
}

function parseArgs() {
  const files = process.argv.slice(2).map((arg) => {
    const at = arg.lastIndexOf('=');
    const packets = Number(arg.slice(at + 1));
    if (at < 0 || !Number.isInteger(packets)) throw new Error(`expected FILE=PACKETS, got ${arg}`);
    return { file: arg.slice(0, at), packets };
  });
  if (!files.length) throw new Error('usage: node tests/e2e/bench.mjs FILE=PACKETS [...]');
  return files;
}

async function benchOne(context, origin, { file, packets }, problems, foreign) {
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.goto(`${origin}/`);
  await page.getByTestId('file-input').waitFor({ timeout: 60_000 });
  // The stall meter: the longest gap between ticks of a 20 ms timer on the main thread.
  // Split in two: while the progress bar is up (the worker analyses; the page should not
  // notice) and after it (the page parses the report and draws the summary).
  await page.evaluate((tick) => {
    const m = { analysing: 0, showing: 0, last: performance.now() };
    window.__pcaplensStall = m;
    setInterval(() => {
      const now = performance.now();
      const gap = now - m.last - tick;
      if (document.querySelector('[data-testid="progress"]')) m.analysing = Math.max(m.analysing, gap);
      else m.showing = Math.max(m.showing, gap);
      m.last = now;
    }, tick);
  }, TICK_MS);
  // Let the freshly opened page settle so its start-up is not counted.
  await page.waitForTimeout(1000);
  await page.evaluate(() => { window.__pcaplensStall.analysing = 0; window.__pcaplensStall.showing = 0; });

  const sampler = startSampler();
  const cpuStart = sampler.cpuTicks();
  const bytes = fs.statSync(file).size;
  const t0 = performance.now();
  // A path, not bytes: Chromium opens the file itself, as when a person picks it.
  await page.getByTestId('file-input').setInputFiles(file);
  const summary = page.getByTestId('summary-packets');
  const error = page.getByTestId('error');
  await Promise.race([
    summary.waitFor({ timeout: TIMEOUT }),
    error.waitFor({ timeout: TIMEOUT }),
  ]);
  const secs = (performance.now() - t0) / 1000;
  const cpuSecs = (sampler.cpuTicks() - cpuStart) / CLOCK_TICKS;
  // A last tick after the summary, so the drawing of it is measured too.
  await page.waitForTimeout(200);
  const { peakSumKb, peakAnonKb, peakOneKb, peakByKind } = sampler.stop();
  const stall = await page.evaluate(() => window.__pcaplensStall);
  if (await error.count()) {
    throw new Error(`${file}: the page reports an error: ${await error.first().textContent()}`);
  }
  const shown = Number((await summary.textContent()).replace(/[^0-9]/g, ''));
  await page.close();
  if (shown !== packets) throw new Error(`${file}: the page shows ${shown} packets, the CLI ${packets}`);
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  if (foreign.length) throw new Error(`${file}: requests outside the origin: ${foreign.join(', ')}`);
  return {
    file: path.basename(file),
    bytes,
    packets,
    secs,
    mb_per_s: bytes / 1e6 / secs,
    packets_per_s: packets / secs,
    chromium_cpu_s: cpuSecs,
    peak_rss_sum_mb: peakSumKb / 1024,
    peak_anon_sum_mb: peakAnonKb / 1024,
    peak_rss_largest_mb: peakOneKb / 1024,
    peak_anon_by_process_mb: Object.fromEntries(Object.entries(peakByKind).map(([k, v]) => [k, Math.round(v / 1024)])),
    stall_while_analysing_ms: stall.analysing,
    stall_showing_report_ms: stall.showing,
  };
}

async function main() {
  const files = parseArgs();
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error(`no ${DIST}/index.html: build dist/ first`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcaplens-bench-'));
  const server = await serveDist(DIST);
  const context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const foreign = [];
  context.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) {
      foreign.push(r.url());
    }
  });
  try {
    for (const f of files) {
      const r = await benchOne(context, server.url, f, [], foreign);
      console.log(`${r.file}: ${(r.bytes / 1e6).toFixed(0)} MB, ${r.packets} packets in ${r.secs.toFixed(1)} s` +
        ` = ${r.mb_per_s.toFixed(0)} MB/s, ${(r.packets_per_s / 1e6).toFixed(2)} M packets/s;` +
        ` Chromium CPU ${r.chromium_cpu_s.toFixed(1)} s; peak RSS ${r.peak_rss_sum_mb.toFixed(0)} MB` +
        ` (own memory ${r.peak_anon_sum_mb.toFixed(0)} MB; largest process ${r.peak_rss_largest_mb.toFixed(0)} MB;` +
        ` own memory by process ${JSON.stringify(r.peak_anon_by_process_mb)}); longest main-thread stall` +
        ` ${r.stall_while_analysing_ms.toFixed(0)} ms while analysing,` +
        ` ${r.stall_showing_report_ms.toFixed(0)} ms showing the report`);
      console.log(`BENCH ${JSON.stringify(r)}`);
    }
  } finally {
    await context.close();
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`browser bench failed: ${e.message}`);
  process.exit(1);
});
