#!/usr/bin/env node
// The ERP screens in a real browser: Debian's headless Chromium, driven by playwright-core,
// against a `hoshitori serve` of our own on a free loopback port with a fresh SQLite
// database holding sample-data/suppliers.csv. Signs in with a one-time link from
// `hoshitori erp-link`, uses the 星取表 filter form, opens a supplier panel, switches to
// English, checks the layout at a phone's width and that the pages break no CSP rule, and
// that a browser without the session cookie gets the 401 page. Takes full-page
// screenshots (for people to look at; nothing compares them).
//
// usage: node erp_screens.test.mjs HOSHITORI_BINARY SAMPLE_DIR [ARTIFACT_DIR]
//   ARTIFACT_DIR (or $HOSHITORI_E2E_ARTIFACTS): where the screenshots go; default a
//   folder in the temporary directory, printed at the end.
//   $HOSHITORI_CHROMIUM: the browser (default /usr/bin/chromium, Debian's package).
// Needs `npm ci --prefix tests/e2e` (make test runs it). Exits 0 when every check passed,
// 1 on the first failure (with what was expected and what was seen), 2 on bad usage.
// Plain Node (18 or later), no test framework.

import fs from 'node:fs';
import path from 'node:path';
import {
  DESKTOP, PHONE, check, step, workspace, serving, newContext, watch, text, noScriptsAndNoOverflow, shot, run,
} from './lib.mjs';

const [BIN, SAMPLE_DIR, ARTIFACT_ARG] = process.argv.slice(2);
if (!BIN || !SAMPLE_DIR) {
  console.error('usage: node erp_screens.test.mjs HOSHITORI_BINARY SAMPLE_DIR [ARTIFACT_DIR]');
  process.exit(2);
}
const { dir: WORK, db: DB, cli } = workspace('hoshitori-e2e-', BIN);
const ARTIFACTS = path.resolve(ARTIFACT_ARG || process.env.HOSHITORI_E2E_ARTIFACTS || path.join(WORK, 'screens'));
const USER = '山田 太郎';

async function main() {
  check(fs.existsSync(BIN), `the hoshitori binary exists: ${BIN}`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  step('fresh SQLite database with the sample suppliers');
  cli('init');
  cli('import', 'suppliers', path.join(SAMPLE_DIR, 'suppliers.csv'));
  const all = JSON.parse(cli('suppliers', '--json'));
  const below = JSON.parse(cli('suppliers', '--standing', 'below', '--json'));
  check(all.length > 0 && below.length > 0, 'the sample has suppliers, some of them below the requirement', [all.length, below.length]);

  await serving(BIN, DB, async (base, browser) => {
    const link = cli('erp-link', '--for', USER, '--role', 'buyer', '--base', base).trim();
    check(link.startsWith(`${base}/erp/`), 'erp-link prints a link into the screens of this server', link);
    const problems = [];
    const context = await newContext(browser);
    const page = await context.newPage();
    watch(page, base, problems);

    step('the sign-in link opens the 星取表');
    const landed = await page.goto(link, { waitUntil: 'load' });
    const redirect = landed.request().redirectedFrom();
    check(redirect && (await redirect.response()).status() === 303, 'the sign-in link answers 303', redirect && (await redirect.response()).status());
    check(new URL(page.url()).pathname === '/erp/', 'the sign-in lands on /erp/', page.url());
    check(landed.status() === 200, 'the dashboard answers 200', landed.status());
    const cookies = await context.cookies(`${base}/erp/`);
    check(cookies.length === 1 && cookies[0].httpOnly && cookies[0].sameSite === 'Strict' && cookies[0].path === '/erp/',
      'the sign-in sets one HttpOnly, SameSite=Strict session cookie for /erp/', cookies.map(({ value, ...c }) => c));
    const csp = landed.headers()['content-security-policy'] || '';
    check(csp.includes("default-src 'none'") && !csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'),
      "the CSP is default-src 'none' with no 'unsafe-inline' or 'unsafe-eval'", csp);
    check((await page.title()).startsWith('星取表'), 'the page title names the 星取表', await page.title());
    check(await text(page, 'h1#hs-dashboard-title') === '星取表', 'the heading is 星取表', await text(page, 'h1'));
    check((await text(page, '.hs-user')) === USER, 'the header names the signed-in user', await text(page, '.hs-user'));
    const rows = page.locator('table.hs-board tbody tr');
    check(await rows.count() === Math.min(50, all.length), `the board has one row per supplier (${all.length})`, await rows.count());
    const cssLoaded = await page.evaluate(() => getComputedStyle(document.querySelector('.hs-counts')).display);
    check(cssLoaded === 'flex', 'the stylesheet /static/hoshitori.css applied', cssLoaded);
    await noScriptsAndNoOverflow(page, DESKTOP, 'dashboard (desktop)');
    const shots = [await shot(page, ARTIFACTS, 'dashboard-desktop.png')];

    step('filter form: standing = 不足');
    await page.locator('form.hs-filter select[name=standing]').selectOption('below');
    await Promise.all([page.waitForURL(/[?&]standing=below(&|$)/), page.locator('form.hs-filter button[type=submit]').click()]);
    await page.waitForLoadState('load');
    const standings = await page.locator('table.hs-board tbody tr td.hs-st').allInnerTexts();
    check(standings.length === below.length, `the filtered board has the ${below.length} suppliers below the requirement`, standings);
    check(standings.every((s) => s.includes('不足')), 'every filtered row says 不足', standings);
    check(await page.locator('select[name=standing]').inputValue() === 'below', 'the filter keeps its choice');

    step('the first supplier link opens its panel');
    const first = page.locator('table.hs-board tbody tr:first-child td:first-child a');
    const code = (await first.innerText()).trim();
    check(code === below[0].vendor_code, 'the first filtered row is the first supplier below', [code, below[0].vendor_code]);
    await Promise.all([page.waitForURL(new RegExp(`/erp/suppliers/${code}(\\?|$)`)), first.click()]);
    await page.waitForLoadState('load');
    const title = await text(page, 'h1#hs-supplier-title');
    check(title.includes(code) && title.includes(below[0].name), 'the panel names the supplier and its vendor code', title);
    const h2s = await page.locator('section.hs-supplier h2').allInnerTexts();
    for (const h of ['対策の状況', '変更履歴']) check(h2s.includes(h), `the panel has the section ${h}`, h2s);
    check((await text(page, '.hs-verdict')).includes('不足'), 'the panel says 不足', await text(page, '.hs-verdict'));
    await noScriptsAndNoOverflow(page, DESKTOP, 'supplier panel (desktop)');
    shots.push(await shot(page, ARTIFACTS, 'supplier-desktop.png'));
    const panelUrl = page.url();

    step('English through the header link, then back to the dashboard');
    await Promise.all([page.waitForURL(/[?&]lang=en(&|$)/), page.locator('header.hs-top nav a[lang=en]').click()]);
    check((await page.locator('html').getAttribute('lang')) === 'en', 'the page is in English', await page.locator('html').getAttribute('lang'));
    const enH2s = await page.locator('section.hs-supplier h2').allInnerTexts();
    check(enH2s.includes('Security status') && enH2s.includes('History of changes'), 'the panel headings are in English', enH2s);
    await Promise.all([page.waitForURL((u) => u.pathname === '/erp/'), page.locator('header.hs-top nav a').first().click()]);
    await page.waitForLoadState('load');
    check(await text(page, 'h1') === 'Supplier board', 'the English dashboard says Supplier board', await text(page, 'h1'));
    check(await rows.count() === Math.min(50, all.length), 'the English board lists every supplier again', await rows.count());

    step('phone viewport 390×844');
    await page.setViewportSize(PHONE);
    await page.reload({ waitUntil: 'load' });
    await noScriptsAndNoOverflow(page, PHONE, 'dashboard (phone, English)');
    shots.push(await shot(page, ARTIFACTS, 'dashboard-phone.png'));
    await page.goto(`${base}/erp/`, { waitUntil: 'load' });
    await noScriptsAndNoOverflow(page, PHONE, 'dashboard (phone, Japanese)');
    await page.goto(panelUrl, { waitUntil: 'load' });
    await noScriptsAndNoOverflow(page, PHONE, 'supplier panel (phone)');
    shots.push(await shot(page, ARTIFACTS, 'supplier-phone.png'));

    step('no console errors, CSP violations, failed or off-server requests');
    check(problems.length === 0, 'the signed-in pages raised no browser complaint', problems.join('\n    '));

    step('CSP canary: an inline style added by script is refused and reported');
    const canary = [];
    page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) canary.push(msg.text()); });
    const applied = await page.evaluate(() => {
      const s = document.createElement('style');
      s.textContent = 'body { background: rgb(1, 2, 3) !important; }';
      document.head.append(s);
      return getComputedStyle(document.body).backgroundColor;
    });
    await page.waitForTimeout(200);
    check(applied !== 'rgb(1, 2, 3)', 'the CSP keeps an inline <style> from applying', applied);
    check(canary.length > 0, 'the browser reports the refused inline style (so the check above would see a real violation)');

    step('another browser without the session cookie');
    const stranger = await newContext(browser, { locale: undefined });
    const other = await stranger.newPage();
    const denied = await other.goto(`${base}/erp/`, { waitUntil: 'load' });
    check(denied.status() === 401, '/erp/ without the cookie answers 401', denied.status());
    check(await text(other, 'section.hs-error h1') === 'Unauthorized', 'the 401 page says Unauthorized', await other.content());
    check((await other.locator('table.hs-board').count()) === 0, 'the 401 page shows no board');
    const reused = await other.goto(link, { waitUntil: 'load' });
    check(reused.status() === 410, 'the sign-in link, used once, is gone (410) for another browser', reused.status());
    check((await other.goto(`${base}/erp/`)).status() === 401, 'and that browser is still not signed in');
    await stranger.close();
    await context.close();
    return shots;
  });
}

await run(main, WORK, ARTIFACTS);
