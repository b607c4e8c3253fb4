// What the browser tests share: checks and steps, the hoshitori CLI on the test's own
// SQLite database, `hoshitori serve` on a free loopback port (stopped by PID), Debian's
// headless Chromium with no network of its own, a watcher for anything a user's browser
// would complain about, and screenshots. Plain Node (18 or later), no test framework.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = process.env.HOSHITORI_CHROMIUM || '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const STEP_TIMEOUT_MS = 30000;
// Headless Chromium in a container: no sandbox (root in CI), no GPU, and none of
// Chromium's own traffic (the machine's network is closed); no proxy, so every request
// goes straight to 127.0.0.1.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-proxy-server'];

// The business rules' day and the catalogs, as tests/CMakeLists.txt sets them; defaults
// only for running a test file by hand.
export const ENV = { ...process.env };
ENV.HOSHITORI_TODAY ||= '2026-11-20';
ENV.HOSHITORI_SCHEMAS ||= path.join(REPO, 'schemas');
delete ENV.HOSHITORI_DB;

export class Failure extends Error {}
export function check(cond, what, seen) {
  if (!cond) throw new Failure(seen === undefined ? what : `${what}\n    seen: ${typeof seen === 'string' ? seen : JSON.stringify(seen)}`);
}

let stepName = '(start)';
const started = Date.now();
export function step(name) {
  stepName = name;
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${name}`);
}
export function elapsed() {
  return ((Date.now() - started) / 1000).toFixed(1);
}

// A scratch folder, its database and the CLI on it.
export function workspace(prefix, bin) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const db = path.join(dir, 'e2e.db');
  const cli = (...args) => {
    try {
      return execFileSync(bin, ['--db', db, ...args], { env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      throw new Failure(`hoshitori ${args.join(' ')}: ${e.status !== null ? `exit ${e.status}` : e.signal || e.code || e.message}\n${e.stdout || ''}${e.stderr || ''}`);
    }
  };
  return { dir, db, cli };
}

// `hoshitori serve --listen 127.0.0.1:0`; the address comes from its first stdout line.
export function startServer(bin, db, extra = []) {
  const proc = spawn(bin, ['--db', db, 'serve', '--listen', '127.0.0.1:0', ...extra], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const base = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Failure(`hoshitori serve printed no address within 30 s\n${stderr}`)), 30000);
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const m = /^hoshitori: serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(out.slice(0, nl));
      if (m) resolve(m[1]);
      else reject(new Failure(`unexpected first line from hoshitori serve: ${out.slice(0, nl)}\n${stderr}`));
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Failure(`hoshitori serve exited ${code} before serving\n${stderr}`)); });
  });
  return { proc, base, exited, stderr: () => stderr, stopped: false };
}

// SIGTERM, then up to 20 s for a clean exit (SIGKILL and a failure after that).
export async function stopServer(server) {
  if (server.proc.exitCode !== null || server.proc.signalCode !== null) return server.exited;
  process.kill(server.proc.pid, 'SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 20000).unref());
  const result = await Promise.race([server.exited, timeout]);
  server.stopped = true;
  if (result === null) {
    process.kill(server.proc.pid, 'SIGKILL');
    throw new Failure('hoshitori serve did not stop within 20 s of SIGTERM (killed)');
  }
  return result;
}

export function killServer(server) {
  if (server && !server.stopped && server.proc.exitCode === null && server.proc.signalCode === null) {
    try { process.kill(server.proc.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

// Serves the test's database and opens Chromium, runs `body(base, browser)`, which returns
// its screenshots, then closes the browser and stops the server with SIGTERM (it must exit
// 0); on a failure, kills what is left.
export async function serving(bin, db, body, extra = []) {
  step('hoshitori serve on a free loopback port, and Chromium');
  const server = startServer(bin, db, extra);
  let browser;
  try {
    const base = await server.base;
    browser = await launchChromium();
    const shots = await body(base, browser);
    await browser.close();
    browser = null;
    step('SIGTERM stops hoshitori serve cleanly');
    const { code, signal } = await stopServer(server);
    check(code === 0 && signal === null, 'hoshitori serve exits 0 on SIGTERM', { code, signal, stderr: server.stderr() });
    console.log(`ok — every check passed in ${elapsed()} s; screenshots:`);
    for (const s of shots) console.log(`    ${s}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    killServer(server);
  }
}

export async function launchChromium() {
  check(fs.existsSync(CHROMIUM), `Chromium at ${CHROMIUM} (Debian's package chromium; make test installs it)`);
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Failure(`playwright-core is not installed: run  npm ci --prefix tests/e2e  (make test does)\n${e.message}`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60000 });
  console.log(`    ${browser.version()}`);
  return browser;
}

export async function newContext(browser, options) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'ja-JP', ...options });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  return context;
}

// Everything a page reports that a user's browser would complain about: console errors
// (CSP violations are logged there), uncaught errors, failed or error-status requests, and
// any request that leaves the test server. `expected(status, url)` lets a test name the
// error answers it provokes on purpose.
// Chromium asks every site for /favicon.ico, which hoshitori does not serve (404): noted,
// not failed, since no page asks for it.
export const notes = new Set();
export function watch(page, base, problems, expected = () => false) {
  page.on('console', (msg) => {
    if (msg.type() === 'error' && msg.location().url === `${base}/favicon.ico`) notes.add(`Chromium's own request for /favicon.ico: ${msg.text()}`);
    else if (msg.type() === 'error' && /the server responded with a status of (\d+)/.test(msg.text()) && expected(Number(/status of (\d+)/.exec(msg.text())[1]), msg.location().url)) return;
    else if (msg.type() === 'error' || /Content Security Policy/i.test(msg.text())) problems.push(`console ${msg.type()}: ${msg.text()} (${msg.location().url || page.url()})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    if (!req.url().startsWith(base + '/')) problems.push(`request off the test server: ${req.url()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && !expected(res.status(), res.url())) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
}

export async function text(page, selector) {
  return (await page.locator(selector).first().innerText({ timeout: STEP_TIMEOUT_MS })).replace(/\s+/g, ' ').trim();
}

// No <script> at all, and nothing wider than the viewport but the table wrappers.
export async function noScriptsAndNoOverflow(page, viewport, where) {
  const m = await page.evaluate(() => ({
    scripts: document.scripts.length,
    scrollWidth: document.documentElement.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    wide: [...document.body.querySelectorAll('*')]
      .filter((e) => !e.closest('.hs-table-wrap') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.className ? '.' + String(e.className).split(' ').join('.') : ''} right=${Math.round(e.getBoundingClientRect().right)}`),
  }));
  check(m.scripts === 0, `${where}: no <script> at all`, m);
  check(m.scrollWidth <= viewport.width + 1 && m.bodyScrollWidth <= viewport.width + 1,
    `${where}: the page is no wider than the ${viewport.width} px viewport (only the table wrappers scroll sideways)`, m);
}

export async function shot(page, dir, name) {
  const file = path.join(dir, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Runs a test's main(); prints where it failed and exits 1, or cleans its work folder.
export async function run(main, work, keep) {
  try {
    await main();
    for (const n of notes) console.log(`note: ${n}`);
    fs.rmSync(path.join(work, 'e2e.db'), { force: true });
    if (!keep.startsWith(work)) fs.rmSync(work, { recursive: true, force: true });
  } catch (e) {
    console.error(`FAILED at step "${stepName}": ${e instanceof Failure ? e.message : e.stack || e}`);
    console.error(`(work folder kept: ${work})`);
    process.exitCode = 1;
  }
}
