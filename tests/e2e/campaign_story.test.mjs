#!/usr/bin/env node
// A briefing mail-out from the staff screen in a real browser (Debian's headless Chromium,
// playwright-core) against `hoshitori serve --smtp` and a real SMTP server on loopback
// (tests/integration/smtp_sink.py, aiosmtpd). The buyer signs in, fills the briefing form
// on /erp/campaigns, reads the draft's dry run and the message as the first supplier will
// read it, presses 送付する and watches the page until every mail is sent; the sink then
// holds exactly one message per supplier reached by mail, and the page lists those
// reached by post. No console error, CSP violation or off-server request is allowed.
//
// usage: node campaign_story.test.mjs HOSHITORI_BINARY SAMPLE_DIR [ARTIFACT_DIR]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  REPO, DESKTOP, check, step, workspace, serving, newContext, watch, text, noScriptsAndNoOverflow, shot, run,
} from './lib.mjs';

const [BIN, SAMPLE_DIR, ARTIFACT_ARG] = process.argv.slice(2);
if (!BIN || !SAMPLE_DIR) {
  console.error('usage: node campaign_story.test.mjs HOSHITORI_BINARY SAMPLE_DIR [ARTIFACT_DIR]');
  process.exit(2);
}
const { dir: WORK, db: DB, cli } = workspace('hoshitori-e2e-mail-', BIN);
const ARTIFACTS = path.resolve(ARTIFACT_ARG || process.env.HOSHITORI_E2E_ARTIFACTS || path.join(WORK, 'screens'));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// The SMTP sink, stopped by PID at the end.
async function startSink() {
  const port = await freePort();
  const maildir = path.join(WORK, 'maildir');
  const proc = spawn('/usr/bin/python3', [path.join(REPO, 'tests', 'integration', 'smtp_sink.py'), '--port', String(port),
    '--maildir', maildir], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the SMTP sink did not start within 30 s')), 30000);
    proc.stdout.on('data', (d) => { if (String(d).includes('ready')) { clearTimeout(timer); resolve(); } });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the SMTP sink exited ${code}`)); });
  });
  const delivered = () => fs.readdirSync(path.join(maildir, 'new')).map((f) => fs.readFileSync(path.join(maildir, 'new', f)));
  return { url: `smtp://127.0.0.1:${port}`, proc, delivered };
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  step('fresh SQLite database with the sample suppliers, and an SMTP sink');
  cli('init');
  cli('import', 'suppliers', path.join(SAMPLE_DIR, 'suppliers.csv'));
  const selected = JSON.parse(cli('suppliers', '--json')).filter((s) => ['below', 'unknown'].includes(s.standing));
  const withMail = selected.filter((s) => s.email);
  check(withMail.length > 0 && withMail.length < selected.length, 'some selected suppliers have a mail address, some do not',
    [withMail.length, selected.length]);
  const sink = await startSink();
  const shots = [];
  try {
    await serving(BIN, DB, async (base, browser) => {
      const problems = [];
      const context = await newContext(browser);
      const page = await context.newPage();
      watch(page, base, problems);
      await page.goto(cli('erp-link', '--for', '山田 太郎', '--role', 'buyer', '--base', base).trim());

      step('the menu leads to 一斉送付; the briefing form makes a draft');
      await page.getByRole('link', { name: '一斉送付' }).first().click();
      check(new URL(page.url()).pathname === '/erp/campaigns', 'the menu opens /erp/campaigns', page.url());
      const form = page.locator('form', { has: page.locator('input[name="kind"][value="briefing"]') });
      await form.getByLabel('開催日').fill('2027-01-20');
      await form.getByLabel('場所').fill('本社3F会議室 / オンライン');
      await form.getByLabel('定員（社）').fill('40');
      await form.getByRole('button', { name: '下書きを作る' }).click();
      check(/\/erp\/campaigns\/\d+$/.test(new URL(page.url()).pathname), 'the draft has its own page', page.url());
      const draft = await text(page, 'main, body');
      check(draft.includes('まだ何も送っていません'), 'the draft says nothing was sent yet', draft.slice(0, 300));
      check(draft.includes('【ご案内】取引先向けセキュリティ説明会（令和9年1月20日（水））'), 'the preview shows the subject in Japanese', draft.slice(0, 600));
      check(draft.includes('定員 40社（先着順）'), 'the preview shows the capacity', draft.slice(0, 1200));
      const rows = await page.locator('table.hs-table tbody tr').count();
      check(rows === selected.length, 'the dry run lists every selected supplier', [rows, selected.length]);
      check(sink.delivered().length === 0, 'nothing was sent by making the draft', sink.delivered().length);
      await noScriptsAndNoOverflow(page, DESKTOP, 'the draft page');
      shots.push(await shot(page, ARTIFACTS, 'campaign-draft.png'));

      step('送付する: the server sends through the sink; the page shows it');
      await page.getByRole('button', { name: '送付する' }).click();
      let sentText = '';
      for (let i = 0; i < 60; i++) {
        await page.reload();
        sentText = await text(page, 'dl.hs-figures');
        if (sentText.includes(`送信済み ${withMail.length}`)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      check(sentText.includes(`送信済み ${withMail.length}`), 'every mail is shown as sent', sentText);
      const mails = sink.delivered();
      check(mails.length === withMail.length, 'the sink received one message per supplier reached by mail', [mails.length, withMail.length]);
      const rcpts = new Set(mails.map((m) => /^X-Sink-Rcpt: (.*)\r\n/.exec(m.toString('latin1'))[1]));
      check(rcpts.size === withMail.length, 'no supplier got two', [...rcpts]);
      const post = await page.locator('table.hs-table tbody tr', { hasText: '郵送' }).count();
      check(post === selected.length - withMail.length, 'suppliers without mail are listed for post', post);
      shots.push(await shot(page, ARTIFACTS, 'campaign-sent.png'));
      check(problems.length === 0, 'no console error, CSP violation or off-server request', problems);
      await context.close();
      return shots;
    }, ['--smtp', sink.url]);
  } finally {
    try { process.kill(sink.proc.pid, 'SIGTERM'); } catch { /* gone */ }
  }
}

run(main, WORK, ARTIFACTS);
