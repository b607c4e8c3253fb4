#!/usr/bin/env node
// The whole story of one requirement request, in a real browser (Debian's headless
// Chromium, driven by playwright-core) against a `hoshitori serve` of our own:
//   1. a buyer signs in with a one-time link, fills the issue-request screen for a supplier
//      that does not meet its required SCS ★, leaves the cost-sharing explanation out and
//      is refused with the rule's words and citation; explains it and issues the request;
//   2. in the supplier panel the buyer makes the supplier's token link (shown once);
//   3. the supplier opens that link in another browser on a phone-sized screen, reads the
//      letter, reports SCS ★3, sends its confirmation as a PDF, goes through the requested
//      SCS items as a self-check, asks to negotiate, sends a cost estimate;
//   4. the buyer sees the file and the self-check in the panel and downloads the file;
//   5. the buyer answers with a counter-proposal, drafts the agreement and confirms it;
//   6. the supplier sees the agreement with its SHA-256 and confirms it: 合意が成立;
//   7. the 星取表 shows the supplier's new standing (充足), and the request is agreed.
// Screenshots of the screens on the way go to the artefact folder (nothing compares them).
//
// usage: node request_story.test.mjs HOSHITORI_BINARY SAMPLE_DIR [ARTIFACT_DIR]
//   (as erp_screens.test.mjs: $HOSHITORI_E2E_ARTIFACTS, $HOSHITORI_CHROMIUM)

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  PHONE, check, step, workspace, serving, newContext, watch, text, noScriptsAndNoOverflow, shot, run,
} from './lib.mjs';

const [BIN, SAMPLE_DIR, ARTIFACT_ARG] = process.argv.slice(2);
if (!BIN || !SAMPLE_DIR) {
  console.error('usage: node request_story.test.mjs HOSHITORI_BINARY SAMPLE_DIR [ARTIFACT_DIR]');
  process.exit(2);
}
const { dir: WORK, db: DB, cli } = workspace('hoshitori-story-', BIN);
const ARTIFACTS = path.resolve(ARTIFACT_ARG || process.env.HOSHITORI_E2E_ARTIFACTS || path.join(WORK, 'screens'));
const BUYER = '調達部 山田 太郎';
const CONTACT = '佐々木 恵';
const ITEMS = ['4-1-3', '4-4-4'];  // the SCS requirement items asked for (in the story's self-check)
// the supplier's evidence: a small real PDF (its type is judged from its first bytes)
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
  '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PDF_NAME = 'SCS★3確認書.pdf';
const EXPLANATION = '★3の取得にかかる初期費用は当社が半額を負担し、運用費用の分担は見積りを受けて協議のうえ決めます。';

// The form a label belongs to, by the button it ends with.
const formWith = (page, button) => page.locator('form', { has: page.locator(`button:text-is("${button}")`) });

async function submit(page, button) {
  const form = formWith(page, button);
  await Promise.all([page.waitForLoadState('load'), page.waitForResponse((r) => r.request().method() === 'POST'),
    form.locator(`button:text-is("${button}")`).click()]);
  await page.waitForLoadState('load');
}

async function main() {
  check(fs.existsSync(BIN), `the hoshitori binary exists: ${BIN}`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  step('fresh SQLite database with the sample suppliers');
  cli('init');
  cli('import', 'suppliers', path.join(SAMPLE_DIR, 'suppliers.csv'));
  const below = JSON.parse(cli('suppliers', '--standing', 'below', '--json'));
  // a supplier that needs ★3 and has no SCS ★ at all, so a supplier's ★3 report changes its standing
  const target = below.find((s) => s.required_scs === 3 && !(s.scs && s.scs.level));
  check(target, 'the sample has a supplier below its requirement of SCS ★3 with no SCS ★', below.map((s) => [s.vendor_code, s.required_scs, s.scs]));
  const code = target.vendor_code;
  console.log(`    the supplier: ${code} ${target.name}`);

  await serving(BIN, DB, async (base, browser) => {
    const link = cli('erp-link', '--for', BUYER, '--role', 'buyer', '--next', '/erp/requests/new', '--base', base).trim();
    const problems = [];
    // the refusal is a 422 answer the test asks for on purpose
    const expected = (status, url) => status === 422 && new URL(url).pathname === '/erp/requests/new';
    const staff = await newContext(browser);
    const page = await staff.newPage();
    watch(page, base, problems, expected);
    const shots = [];

    step('the buyer signs in straight onto the issue-request screen');
    await page.goto(link, { waitUntil: 'load' });
    check(new URL(page.url()).pathname === '/erp/requests/new', 'the sign-in link lands on /erp/requests/new', page.url());
    check(await text(page, 'h1') === '対策要請の作成', 'the screen is 対策要請の作成', await text(page, 'h1'));

    step('a request without the cost-sharing explanation is refused, in words a buyer understands');
    const form = page.locator('form.hs-form');
    await form.locator('textarea[name=suppliers]').fill(code);
    await form.locator('select[name=level]').selectOption('3');
    await form.locator('input[name=due]').fill('2027-03-31');
    await form.locator('select[name=cost_method]').selectOption('折半');
    await form.locator('input[name=negotiable]').check();
    for (const item of ITEMS) await form.locator(`input[name=item][value="${item}"]`).check();
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), form.locator('button[value=check]').click()]);
    await page.waitForLoadState('load');
    const refusal = await text(page, 'section.hs-results');
    check(refusal.includes(code) && refusal.includes('費用'), 'the result names the supplier and the missing cost-sharing explanation', refusal);
    check(/根拠：.+/.test(refusal), 'the refusal gives its citation (根拠)', refusal);
    check(await page.locator('section.hs-results li.hs-ng').count() === 1, 'the supplier is marked as not issuable', refusal);
    check(await page.locator('button[value=issue]').count() === 0, 'no 発行する button while a rule refuses');
    check(await page.locator('textarea[name=suppliers]').inputValue() === code, 'the form keeps what the buyer typed');
    shots.push(await shot(page, ARTIFACTS, 'story-1-refused.png'));

    step('with the explanation the check passes and the request is issued');
    await page.locator('textarea[name=cost_explanation]').fill(EXPLANATION);
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.locator('button[value=check]').click()]);
    await page.waitForLoadState('load');
    check(await page.locator('section.hs-results li.hs-ok').count() === 1, 'the check now passes', await text(page, 'section.hs-results'));
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.locator('button[value=issue]').click()]);
    await page.waitForLoadState('load');
    const issued = page.locator('section.hs-results li.hs-ok a');
    check(await issued.count() === 1, 'the result links the issued request', await text(page, 'section.hs-results'));
    const number = (await issued.innerText()).trim();
    check(/^\d{4}-\d{5}$/.test(number) || number.length > 0, 'the request has a number', number);
    const shown = JSON.parse(cli('request', 'show', number, '--json'));
    check(shown.state === 'issued' && shown.supplier === code, 'the database holds the issued request for the supplier', shown);

    step('the supplier panel makes the supplier\'s token link, shown once');
    await Promise.all([page.waitForURL(new RegExp(`/erp/suppliers/${code}`)), issued.click()]);
    await page.waitForLoadState('load');
    const article = page.locator('article.hs-request', { hasText: number });
    check(await article.count() === 1, 'the panel lists the open request', await text(page, 'section.hs-supplier'));
    await article.locator('details.hs-act > summary').click();
    await submit(page, '取引先用リンクを発行する');
    const supplierLink = (await text(page, 'p.hs-done code.hs-hash'));
    check(supplierLink.startsWith(`${base}/s/`), 'the panel shows the new supplier link on this server', supplierLink);
    await page.goto(`${base}/erp/suppliers/${code}`, { waitUntil: 'load' });
    check(await page.locator('p.hs-done code.hs-hash').count() === 0, 'the link is not shown again when the panel is opened again');
    check(!(await page.content()).includes(supplierLink.slice(base.length)), 'the panel never shows the token again');

    step('the supplier opens the link on a phone, in a browser of its own');
    const supplierCtx = await newContext(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
    const phone = await supplierCtx.newPage();
    watch(phone, base, problems);
    const opened = await phone.goto(supplierLink, { waitUntil: 'load' });
    check(opened.status() === 200, 'the supplier link opens (200)', opened.status());
    check((await text(phone, 'main')).includes(target.name), 'the page names the supplier', await text(phone, 'main'));
    check((await text(phone, 'main')).includes(EXPLANATION), 'the page shows the cost-sharing explanation');
    check((await text(phone, 'main')).includes('取引かけこみ寺'), 'the page points to 取引かけこみ寺');
    await noScriptsAndNoOverflow(phone, PHONE, 'supplier page (phone)');
    shots.push(await shot(phone, ARTIFACTS, 'story-2-supplier-phone.png'));

    step('the supplier reports SCS ★3 with its evidence');
    const status = formWith(phone, '状況を報告する');
    await status.locator('select[name=scs_level]').selectOption('★3');
    await status.locator('input[name=scs_valid_until]').fill('2028-10-31');
    await status.locator('input[name=scs_evidence]').fill('SCS-3-2026-0457');
    await status.locator('input[name=name]').fill(CONTACT);
    await submit(phone, '状況を報告する');
    check((await text(phone, 'main')).includes('★3（2028-10-31 まで）'), 'the page shows the reported ★3', await text(phone, 'main'));

    step('the supplier sends its confirmation as a PDF and goes through the requested items');
    const upload = formWith(phone, 'ファイルを送る');
    await upload.locator('input[name=topic][value=scs]').check();
    await upload.locator('input[type=file]').setInputFiles({ name: PDF_NAME, mimeType: 'application/pdf', buffer: PDF });
    await upload.locator('input[name=name]').fill(CONTACT);
    await submit(phone, 'ファイルを送る');
    check((await text(phone, 'section[aria-labelledby=evidence]')).includes(PDF_NAME), 'the page lists the file sent',
      await text(phone, 'section[aria-labelledby=evidence]'));
    const selfCheck = formWith(phone, '自己点検を送信する');
    await selfCheck.locator(`input[name="sc:${ITEMS[0]}"][value=done]`).check();
    await selfCheck.locator(`input[name="sc:${ITEMS[1]}"][value=planned]`).check();
    await selfCheck.locator(`input[name="sc_date:${ITEMS[1]}"]`).fill('2027-02-26');
    await selfCheck.locator(`input[name="sc_note:${ITEMS[1]}"]`).fill('保守契約の更新に合わせて適用します');
    await selfCheck.locator('input[name=name]').fill(CONTACT);
    await submit(phone, '自己点検を送信する');
    check(await phone.locator(`input[name="sc:${ITEMS[1]}"][value=planned]`).isChecked(), 'the page shows the answers back');

    step('the supplier asks to negotiate, then sends an estimate');
    const answer = formWith(phone, '回答を送信する');
    await answer.locator('input[name=choice][value=negotiate]').check();
    await answer.locator('textarea[name=message]').fill('★3の取得費用について、負担の割合をご相談させてください。');
    await answer.locator('input[name=name]').fill(CONTACT);
    await submit(phone, '回答を送信する');
    const estimate = formWith(phone, '見積りを送信する');
    await estimate.locator('input[name=initial_cost]').fill('６００，０００');
    await estimate.locator('input[name=running_cost]').fill('120,000');
    await estimate.locator('textarea[name=basis]').fill('専門家確認の費用と社内規程の整備にかかる外注費');
    await estimate.locator('input[name=name]').fill(CONTACT);
    await submit(phone, '見積りを送信する');
    const thread = await text(phone, 'ol.hs-thread');
    check(thread.includes('600,000') || thread.includes('600000'), 'the thread shows the estimate (full-width digits read as 600,000)', thread);

    step('the panel shows the evidence and the self-check; the buyer downloads the file');
    await page.reload({ waitUntil: 'load' });
    const files = await text(page, 'table.hs-evidence');
    check(files.includes(PDF_NAME) && files.includes('SCS評価制度') && files.includes(CONTACT), 'the panel lists the supplier\'s file', files);
    const checks = await text(page, 'table.hs-self-check');
    check(checks.includes('実施済み') && checks.includes('実施予定（2027-02-26）') && checks.includes('保守契約の更新'),
      'the panel shows the self-check answers', checks);
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.locator('table.hs-evidence a', { hasText: PDF_NAME }).click()]);
    check(download.suggestedFilename() === PDF_NAME, 'the download keeps the file\'s Japanese name', download.suggestedFilename());
    const got = fs.readFileSync(await download.path());
    check(Buffer.compare(got, PDF) === 0, 'the buyer gets the very bytes the supplier sent', got.length);

    step('the buyer counter-proposes, drafts the agreement and confirms it');
    const steps = await text(page, `article.hs-request:has-text("${number}") ol.hs-thread`);
    check(steps.includes('negotiation_request') || steps.includes('協議'), 'the panel shows the supplier\'s request to negotiate', steps);
    await page.locator('details.hs-act > summary').click();
    const counter = formWith(page, '送信する');
    await counter.locator('select[name=kind]').selectOption('counter_proposal');
    await counter.locator('input[name=buyer_amount]').fill('300,000');
    await counter.locator('input[name=share_percent]').fill('50');
    await counter.locator('textarea[name=basis]').fill('お見積りの初期費用60万円の半額（当社の取引割合を考慮）');
    await counter.locator('textarea[name=message]').fill('初期費用の半額（30万円）を当社が負担します。');
    await submit(page, '送信する');
    await page.locator('details.hs-act > summary').click();
    const draft = formWith(page, '合意書案を作る');
    check(await draft.count() === 1, 'the panel has the agreement form', await text(page, 'details.hs-act'));
    await draft.locator('input[name=sharing]').fill('折半');
    await draft.locator('input[name=buyer_share_percent]').fill('50');
    await draft.locator('input[name=initial_cost]').fill('600000');
    await draft.locator('input[name=buyer_amount]').fill('300000');
    await draft.locator('textarea[name=measures]').fill('SCS★3の取得');
    await draft.locator('input[name=implementation_due]').fill('2027-03-31');
    await submit(page, '合意書案を作る');
    const confirm = page.locator('form', { has: page.locator('input[name=read]') });
    check(await confirm.count() === 1, 'the panel offers the buyer\'s confirmation of the draft', await text(page, 'section.hs-supplier'));
    const sha = await confirm.locator('input[name=sha256]').inputValue();
    check(/^[0-9a-f]{64}$/.test(sha), 'the confirmation names the document\'s SHA-256', sha);
    await confirm.locator('input[name=read]').check();
    await submit(page, await confirm.locator('button').innerText());
    check(await page.locator('form:has(input[name=read])').count() === 0, 'the buyer has confirmed: no confirmation form left');

    step('the supplier reads the agreement with its SHA-256 and confirms it');
    await phone.reload({ waitUntil: 'load' });
    check((await text(phone, 'code.hs-hash')) === sha, 'the supplier sees the same SHA-256', await text(phone, 'code.hs-hash'));
    check((await text(phone, 'pre.hs-doc')).includes('折半'), 'the supplier sees the agreement document');
    check((await text(phone, 'pre.hs-doc')).includes('前項の対策の実施期限は、令和9年3月31日（2027-03-31）とする。'),
          'the agreement states the implementation deadline the buyer entered', await text(phone, 'pre.hs-doc'));
    check((await text(phone, 'pre.hs-doc')).includes('別紙「協議の経過」のとおり協議を行った'),
          'the agreement records the supplier\'s request to negotiate and the exchange', await text(phone, 'pre.hs-doc'));
    const agree = formWith(phone, '合意書を確認する');
    await agree.locator('input[name=read]').check();
    await agree.locator('input[name=name]').fill(CONTACT);
    await submit(phone, '合意書を確認する');
    check((await text(phone, 'main')).includes('合意が成立しています'), 'the supplier page says the agreement is made', await text(phone, 'main'));
    await noScriptsAndNoOverflow(phone, PHONE, 'supplier page after the agreement (phone)');
    shots.push(await shot(phone, ARTIFACTS, 'story-3-supplier-agreed-phone.png'));
    const agreed = JSON.parse(cli('request', 'show', number, '--json'));
    check(agreed.state === 'agreed', 'the request is agreed in the database', agreed.state);

    step('the supplier keeps its copy: the text download and the printable A4 page');
    const [copy] = await Promise.all([phone.waitForEvent('download'),
      phone.locator('a', { hasText: 'ダウンロード（テキスト）' }).first().click()]);
    const copyBytes = fs.readFileSync(await copy.path());
    check(crypto.createHash('sha256').update(copyBytes).digest('hex') === sha,
          'the downloaded copy hashes to the SHA-256 both sides confirmed', copy.suggestedFilename());
    check(copyBytes.toString('utf8').includes('折半'), 'the copy is the agreement text');
    await phone.locator('a', { hasText: '印刷用に表示' }).first().click();
    await phone.waitForLoadState('load');
    const printed = await text(phone, 'body');
    check(printed.includes(sha) && printed.includes('合意が成立しています'),
          'the printable page names the SHA-256 and says both confirmed', printed.slice(0, 400));
    await phone.goBack({ waitUntil: 'load' });

    step('the 星取表 shows the supplier\'s new standing');
    await page.goto(`${base}/erp/?name=${encodeURIComponent(target.name)}`, { waitUntil: 'load' });
    const row = page.locator('table.hs-board tbody tr', { hasText: code });
    check(await row.count() === 1, 'the search finds the supplier', await text(page, 'table.hs-board'));
    const standing = (await row.locator('td.hs-st').innerText()).trim();
    check(standing.includes('充足') && !standing.includes('不足'), 'its standing is now 充足', standing);
    await page.goto(`${base}/erp/`, { waitUntil: 'load' });
    shots.push(await shot(page, ARTIFACTS, 'story-4-dashboard.png'));
    const now = JSON.parse(cli('status', code, '--json'));
    check(now.standing === 'meets' && now.scs.level === 3, 'the CLI agrees: ★3, meets', now);

    step('no console errors, CSP violations, failed or off-server requests');
    check(problems.length === 0, 'the story raised no browser complaint', problems.join('\n    '));
    await supplierCtx.close();
    await staff.close();
    return shots;
  });
}

await run(main, WORK, ARTIFACTS);
