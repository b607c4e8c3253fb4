#!/usr/bin/env node
// The supplier-initiated negotiation (想定事例 (4)) in a real browser: Debian's headless
// Chromium driven by playwright-core, against a `hoshitori serve` of our own:
//   1. the buyer makes the supplier's standing link on the supplier panel (shown once) —
//      the link it prints in its order documents; no request exists;
//   2. the supplier opens it on a phone, types its security cost (物件費/人件費) and the
//      buyer's share of its sales: the page computes the proposed amount as it is typed;
//      it sends the ask with its explanation and lands on the record's own page;
//   3. the buyer finds it on the 星取表 among the negotiations waiting for an answer, sees
//      取引先からの価格協議の申入れ in the panel, accepts the figure, drafts the agreement and
//      confirms it;
//   4. the supplier reads on the phone that it asked and that the buyer requested nothing,
//      confirms (合意が成立) and downloads its copy.
//
// usage: node initiate_story.test.mjs HOSHITORI_BINARY SAMPLE_DIR [ARTIFACT_DIR]

import fs from 'node:fs';
import path from 'node:path';
import {
  PHONE, check, step, workspace, serving, newContext, watch, text, shot, run,
} from './lib.mjs';

const [BIN, SAMPLE_DIR, ARTIFACT_ARG] = process.argv.slice(2);
if (!BIN || !SAMPLE_DIR) {
  console.error('usage: node initiate_story.test.mjs HOSHITORI_BINARY SAMPLE_DIR [ARTIFACT_DIR]');
  process.exit(2);
}
const { dir: WORK, db: DB, cli } = workspace('hoshitori-initiate-', BIN);
const ARTIFACTS = path.resolve(ARTIFACT_ARG || process.env.HOSHITORI_E2E_ARTIFACTS || path.join(WORK, 'screens'));
const BUYER = '調達部 山田 太郎';
const CONTACT = '佐々木 恵';
const CODE = 'V0002';
const EXPLANATION = 'EDRの導入とログ監視の費用のうち、貴社との取引が当社の売上に占める割合に応じた負担をお願いします。';

const formWith = (page, button) => page.locator('form', { has: page.locator(`button:text-is("${button}")`) });

async function submit(page, button) {
  const form = formWith(page, button);
  await Promise.all([page.waitForLoadState('load'), page.waitForResponse((r) => r.request().method() === 'POST'),
    form.locator(`button:text-is("${button}")`).click()]);
  await page.waitForLoadState('load');
}

// Nothing wider than the phone's viewport (the page has one script: our own cost-share helper).
async function fitsThePhone(page, where) {
  const m = await page.evaluate(() => ({
    scripts: [...document.scripts].map((s) => new URL(s.src, location.href).pathname),
    scrollWidth: document.documentElement.scrollWidth,
  }));
  check(m.scripts.every((s) => s === '/static/cost_share.js'), `${where}: no script but our own cost-share helper`, m);
  check(m.scrollWidth <= PHONE.width + 1, `${where}: no wider than the ${PHONE.width} px viewport`, m);
}

async function main() {
  check(fs.existsSync(BIN), `the hoshitori binary exists: ${BIN}`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  step('fresh SQLite database with the sample suppliers, no request at all');
  cli('init');
  cli('import', 'suppliers', path.join(SAMPLE_DIR, 'suppliers.csv'));
  check(JSON.parse(cli('request', 'list', '--json')).requests.length === 0, 'no request exists');

  await serving(BIN, DB, async (base, browser) => {
    const problems = [];
    const shots = [];
    const staff = await newContext(browser);
    const page = await staff.newPage();
    watch(page, base, problems);

    step('the buyer makes the supplier\'s standing link on the panel, shown once');
    const link = cli('erp-link', '--for', BUYER, '--role', 'buyer', '--next', `/erp/suppliers/${CODE}`, '--base', base).trim();
    await page.goto(link, { waitUntil: 'load' });
    check((await text(page, 'section.hs-supplier')).includes('取引先専用リンク'), 'the panel offers the standing link');
    await submit(page, 'リンクを作成する（作り直す）');
    const standing = await text(page, 'p.hs-done code.hs-hash');
    check(standing.startsWith(`${base}/s/`), 'the panel shows the new standing link on this server', standing);

    step('the supplier opens it on a phone and computes its ask as it types');
    const supplierCtx = await newContext(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
    const phone = await supplierCtx.newPage();
    watch(phone, base, problems);
    const opened = await phone.goto(standing, { waitUntil: 'load' });
    check(opened.status() === 200, 'the standing link opens (200)', opened.status());
    check((await text(phone, 'main')).includes('価格交渉を申し入れる'), 'the page offers 価格交渉を申し入れる');
    check((await text(phone, 'main')).includes('要請がない場合でも'), 'the page says no request is needed');
    const ask = formWith(phone, 'この内容で申し入れる');
    await ask.locator('input[name=material_initial_cost]').fill('600,000');
    await ask.locator('input[name=labor_initial_cost]').fill('４００，０００');
    await ask.locator('input[name=running_cost]').fill('240000');
    await ask.locator('input[name=sales_share_percent]').fill('20');
    const live = await text(phone, '#hs-cost-share-result');
    check(live.includes('200,000円') && live.includes('48,000円'), 'the page computes 20% of the costs as they are typed', live);
    await ask.locator('textarea[name=message]').fill(EXPLANATION);
    await ask.locator('input[name=name]').fill(CONTACT);
    await fitsThePhone(phone, 'standing page (phone)');
    shots.push(await shot(phone, ARTIFACTS, 'initiate-1-standing-phone.png'));
    await submit(phone, 'この内容で申し入れる');
    const main = await text(phone, 'main');
    check(main.includes('価格協議の申入れを送信しました') && main.includes('貴社からの価格協議の申入れ'),
          'the supplier lands on the record\'s own page', main);
    check(main.includes('発注者から貴社へのセキュリティ対策の要請はありません'), 'the page says the buyer requested nothing');
    const listed = JSON.parse(cli('request', 'list', '--json')).requests;
    check(listed.length === 1 && listed[0].origin === 'supplier' && listed[0].state === 'negotiating',
          'the database holds one supplier-initiated record, negotiating', listed);
    const number = listed[0].number;

    step('the buyer finds it among the negotiations waiting for an answer and accepts the figure');
    await page.goto(`${base}/erp/`, { waitUntil: 'load' });
    const waiting = await text(page, 'section.hs-awaiting');
    check(waiting.includes(number) && waiting.includes('取引先からの価格協議の申入れ'), 'the board lists the ask', waiting);
    await page.locator('section.hs-awaiting a', { hasText: number }).click();
    await page.waitForLoadState('load');
    const article = page.locator('article.hs-request', { hasText: number });
    const shown = await text(page, `article.hs-request:has-text("${number}")`);
    check(shown.includes('取引先からの価格協議の申入れ') && shown.includes('200,000円'), 'the panel shows the ask with its figures', shown);
    await article.locator('details.hs-act > summary').click();
    const answer = formWith(page, '送信する');
    await answer.locator('select[name=kind]').selectOption('accept');
    await answer.locator('textarea[name=message]').fill('申入れの金額で受け入れます。');
    await submit(page, '送信する');
    await page.locator('details.hs-act > summary').click();
    const draft = formWith(page, '合意書案を作る');
    await draft.locator('input[name=sharing]').fill('乙の費用に甲との取引の割合（20%）を乗じた額を甲が負担');
    await draft.locator('input[name=initial_cost]').fill('1000000');
    await draft.locator('input[name=buyer_amount]').fill('200000');
    await draft.locator('textarea[name=measures]').fill('多要素認証の導入とバックアップの取得');
    await submit(page, '合意書案を作る');
    const confirm = page.locator('form', { has: page.locator('input[name=read]') });
    const sha = await confirm.locator('input[name=sha256]').inputValue();
    check(/^[0-9a-f]{64}$/.test(sha), 'the buyer confirms the document by its SHA-256', sha);
    await confirm.locator('input[name=read]').check();
    await submit(page, await confirm.locator('button').innerText());

    step('the supplier reads that it asked and the buyer requested nothing, and confirms');
    await phone.reload({ waitUntil: 'load' });
    const doc = await text(phone, 'pre.hs-doc');
    check(doc.includes('乙から甲に対し協議の') && doc.includes('要請していない'), 'the agreement says who started it', doc);
    check(!doc.includes('甲が乙に要請した'), 'the agreement claims no request of the buyer', doc);
    const agree = formWith(phone, '合意書を確認する');
    await agree.locator('input[name=read]').check();
    await agree.locator('input[name=name]').fill(CONTACT);
    await submit(phone, '合意書を確認する');
    check((await text(phone, 'main')).includes('合意が成立しています'), 'the supplier page says the agreement is made');
    shots.push(await shot(phone, ARTIFACTS, 'initiate-2-agreed-phone.png'));
    const [download] = await Promise.all([phone.waitForEvent('download'),
      phone.locator('a', { hasText: 'をダウンロード（テキスト）' }).first().click()]);
    const copy = fs.readFileSync(await download.path(), 'utf-8');
    check(copy.includes('本件の協議は乙の申入れにより開始したものであり'), 'the supplier keeps its copy of the agreement');
    check(JSON.parse(cli('request', 'show', number, '--json')).state === 'agreed', 'the record is agreed');

    step('no console errors, CSP violations, failed or off-server requests');
    check(problems.length === 0, 'the story raised no browser complaint', problems.join('\n    '));
    await supplierCtx.close();
    await staff.close();
    return shots;
  });
}

await run(main, WORK, ARTIFACTS);
