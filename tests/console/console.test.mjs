// The ops console as users meet it: in Chromium and in Firefox ESR, against `spaceport run` on the
// demo world. The same tests run in each browser in turn (CONSOLE_BROWSERS, default both), against
// one world: per browser, one controller and one browser serve every test, in order; each test says
// what it adds.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {join} from 'node:path';

import {api, base, BROWSERS, controllerLog, emulator, env, explained, fleetRow, hubWebhook, launchBrowser, measureFleetLoad,
  outsideRequests, restoreControllerState, startController, stopController, waitFor, watchPage} from './harness.mjs';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const HOSTILE_ERROR = '<img src=x onerror="window.__xss=5;alert(5)"></script><script>alert(6)</script> crashed';
const HOSTILE_VALUE = '<img src=x onerror="window.__xss=7;alert(7)"></script>';
const KEYS = ['default/grok2api', 'lab/hostile', 'tools/notes-app', 'tools/status-page'];

let browserName;
let browser;
let page;
let seen;

// Chromium's screenshots keep their names (docs/images/ takes them from a run); Firefox's say so.
function screenshot(name) {
  return join(env.screenshots, browserName === 'chromium' ? `${name}.png` : `${name}-${browserName}.png`);
}

// What the previous browser's tests left: the controller's status files (restored to the world's
// initial state, so each browser's controller starts as the first one did) and, on the Hub,
// acme/notes forced into RUNTIME_ERROR (the restart test already put status-page's variable back;
// this makes sure). The Spaces stay deployed: later passes find them in sync.
async function resetWorld() {
  restoreControllerState();
  const notes = await emulator('GET', 'spaces/acme/notes');
  if (notes.runtime.stage !== 'RUNNING') await emulator('POST', 'spaces/acme/notes/stage', {stage: 'RUNNING'});
  const status = await emulator('GET', 'spaces/acme/status');
  if (status.variables.CHECK_INTERVAL?.value !== '60s') {
    await emulator('POST', 'spaces/acme/status/variables', {key: 'CHECK_INTERVAL', value: '60s'});
  }
}

// The page must never reload during a test: a marker set once in the window must survive.
async function markNoReload() {
  await page.evaluate(() => { window.__sameDocument = true; });
}
async function assertNoReload() {
  assert.equal(await page.evaluate(() => window.__sameDocument === true), true, 'the page reloaded');
}

async function openFleet() {
  await page.goto(`${base}/#/`, {waitUntil: 'domcontentloaded'});
  await page.waitForSelector('#fleet-table tbody tr[data-key]');
}

for (const name of env.browsers) {
  if (!BROWSERS.includes(name)) throw new Error(`CONSOLE_BROWSERS: unknown browser ${name} (${BROWSERS.join(', ')})`);
  consoleSuite(name);
}

function consoleSuite(name) {
  describe(`ops console in ${name}`, {timeout: 600000}, () => {
    before(async () => {
      browserName = name;
      await resetWorld();
      await startController();
      browser = await launchBrowser(name);
      console.log(`console: ${name}: ${await browser.version()} (${browser.protocol})`);
      page = await browser.newPage();
      await page.setViewport({width: 1360, height: 900});
      seen = await watchPage(page);
    });

    after(async () => {
      if (browser) await browser.close();
      browser = page = seen = undefined;
      const code = await stopController();
      if (code !== 0 && code !== null) console.error(`controller exited ${code}\n${controllerLog().slice(-4000)}`);
    });

    it('lists every example in the fleet table with its state, live, without a reload', async () => {
      await openFleet();
      await markNoReload();
      const rows = await page.$$eval('#fleet-table tbody tr', (trs) => trs.map((tr) => tr.dataset.key));
      assert.deepEqual(rows.sort(), KEYS);
      // From "not reconciled" to Ready through live updates alone (the first passes take seconds).
      // For the second browser the Spaces are deployed already: its first passes are quick, and the
      // rows are usually Ready by the time the page draws them (the next tests change them live).
      for (const key of KEYS) await waitFor(`${key} Ready on the page`, async () => (await fleetRow(page, key))?.state === 'Ready', {timeoutMs: 90000});
      await assertNoReload();
      const grok = await fleetRow(page, 'default/grok2api');
      assert.match(grok.text, /your-username\/grok2api-space/);
      assert.match(grok.text, /RUNNING/);
      assert.match(grok.text, /amd64/);
      assert.match(grok.text, /v1\.0\.0/);
      const notes = await fleetRow(page, 'tools/notes-app');
      assert.match(notes.text, /v2\.1\.1/, 'the semver range resolved to the newest matching tag');
      await waitFor('the counts following the rows', () => page.$eval('[data-count="ready"] .n', (el) => el.textContent === '4'));
      assert.equal(await page.$eval('[data-count="failed"] .n', (el) => el.textContent), '0');
    });

    it('shows a hand-made hardware change as drift within seconds, then as corrected', async () => {
      await markNoReload();
      // Record every drift state the grok2api row shows, so a short-lived one is not missed.
      await page.evaluate(() => {
        window.__driftSeen = [];
        const record = () => {
          const tr = [...document.querySelectorAll('#fleet-table tbody tr')].find((r) => r.dataset.key === 'default/grok2api');
          const drift = tr?.dataset.drift;
          if (drift && window.__driftSeen[window.__driftSeen.length - 1] !== drift) window.__driftSeen.push(drift);
        };
        record();
        new MutationObserver(record).observe(document.getElementById('main'), {subtree: true, childList: true, attributes: true});
      });
      // The first two attempts to put the hardware back fail (a Hub 500), so the drift stays
      // reported for a few seconds before the retry corrects it.
      await emulator('POST', 'faults', {path_regex: 'grok2api-space/hardware$', method: 'POST', status: 500, count: 2});
      await emulator('POST', 'spaces/your-username/grok2api-space/hardware', {flavor: 'cpu-upgrade'});
      const changed = Date.now();
      await hubWebhook('your-username/grok2api-space');
      await waitFor('the drift reported on the page', async () => (await fleetRow(page, 'default/grok2api'))?.drift === 'reported', {timeoutMs: 10000});
      const reportedAfter = Date.now() - changed;
      await waitFor('the drift corrected on the page', async () => (await fleetRow(page, 'default/grok2api'))?.drift === 'corrected', {timeoutMs: 30000});
      const seenStates = await page.evaluate(() => window.__driftSeen);
      assert.deepEqual(seenStates.slice(seenStates.indexOf('reported')), ['reported', 'corrected'], `states shown: ${seenStates}`);
      assert.ok(reportedAfter < 10000, `reported ${reportedAfter} ms after the change`);
      const space = await emulator('GET', 'spaces/your-username/grok2api-space');
      assert.equal(space.runtime.hardware.requested, 'cpu-basic');
      await assertNoReload();
      // The deployment page says which field was corrected, desired against observed.
      await page.click('#fleet-table tbody tr[data-key="default/grok2api"] th a');
      await page.waitForSelector('#view-title[data-key="default/grok2api"]');
      await page.waitForSelector('[data-space="your-username/grok2api-space"] tr[data-field="hardware"]');
      const hardware = await page.$eval('[data-space="your-username/grok2api-space"] tr[data-field="hardware"]', (tr) =>
        ({state: tr.dataset.state, text: tr.textContent}));
      assert.ok(['corrected', 'same'].includes(hardware.state), hardware.state);
      if (hardware.state === 'corrected') assert.match(hardware.text, /cpu-upgrade/);
      const did = await page.$$eval('table.reconciles tbody tr', (trs) => trs.map((tr) => tr.textContent).join('\n'));
      assert.match(did, /corrected, set hardware/);
      assert.match(did, /error/, 'the failed attempts are in the history');
    });

    it('keeps a warn-mode variable drift reported, and shows the hostile value as text', async () => {
      await openFleet();
      await markNoReload();
      await emulator('POST', 'spaces/acme/status/variables', {key: 'CHECK_INTERVAL', value: HOSTILE_VALUE});
      await hubWebhook('acme/status');
      await explained(waitFor('status-page drift reported', async () => {
        const row = await fleetRow(page, 'tools/status-page');
        return row?.drift === 'reported' && row.state === 'Drifted';
      }, {timeoutMs: 15000}), page, 'tools/status-page');
      // Reported, not corrected: after more passes (another webhook) it is still there.
      await hubWebhook('acme/status');
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal((await fleetRow(page, 'tools/status-page')).drift, 'reported');
      const space = await emulator('GET', 'spaces/acme/status');
      assert.equal(space.variables.CHECK_INTERVAL.value, HOSTILE_VALUE, 'driftPolicy warn changed nothing');
      await waitFor('the Drifted count', () => page.$eval('[data-count="drifted"] .n', (el) => el.textContent === '1'));
      await page.click('#fleet-table tbody tr[data-key="tools/status-page"] th a');
      await page.waitForSelector('#view-title[data-key="tools/status-page"]');
      const cell = await page.waitForSelector('[data-space="acme/status"] tr[data-field="variables.CHECK_INTERVAL"]');
      const row = await cell.evaluate((tr) => ({state: tr.dataset.state, observed: tr.children[2].textContent}));
      assert.equal(row.state, 'differs');
      assert.equal(row.observed, HOSTILE_VALUE, 'the observed value is shown exactly, as text');
      await assertNoReload();
    });

    it('shows the log tail of a Space forced into RUNTIME_ERROR, after "Reconcile now"', async () => {
      await page.goto(`${base}/#/d/tools/notes-app`, {waitUntil: 'domcontentloaded'});
      await page.waitForSelector('#view-title[data-key="tools/notes-app"]');
      await page.waitForSelector('#reconcile-now');
      await markNoReload();
      // The emulator settles stages lazily: a transition still due from the deploy would undo a forced
      // stage, so the Space must have settled first, and the forced stage must hold.
      await waitFor('acme/notes settled in RUNNING', async () => (await emulator('GET', 'spaces/acme/notes')).runtime.stage === 'RUNNING');
      await new Promise((r) => setTimeout(r, 3000));
      await emulator('POST', 'spaces/acme/notes/stage', {stage: 'RUNTIME_ERROR', errorMessage: HOSTILE_ERROR});
      assert.equal((await emulator('GET', 'spaces/acme/notes')).runtime.stage, 'RUNTIME_ERROR');
      // A wrong secret is refused (Chromium logs the 401 it got, Firefox does not); the right one queues a pass.
      seen.expectRefusal = true;
      await page.type('#trigger-secret', 'not-the-secret');
      await page.click('#reconcile-now');
      await waitFor('the refusal shown', () => page.$eval('#trigger-result', (el) => el.textContent.includes('wrong')));
      seen.expectRefusal = false;
      await page.$eval('#trigger-secret', (el) => { el.value = ''; });
      await page.type('#trigger-secret', env.triggerSecret);
      await page.click('#reconcile-now');
      const pre = await explained(page.waitForSelector('[data-space="acme/notes"] .log-tail pre', {timeout: 30000}), page, 'tools/notes-app');
      assert.match(await pre.evaluate((el) => el.textContent), /Application Startup/);
      const title = await page.$eval('#view-title', (el) => el.dataset.state);
      assert.equal(title, 'Failed');
      const stage = await page.$eval('[data-space="acme/notes"] tr[data-field="stage"]', (tr) => tr.children[2].textContent);
      assert.equal(stage, `RUNTIME_ERROR: ${HOSTILE_ERROR}`, 'the error message is shown as text');
      assert.match(await page.$eval('#ready-message', (el) => el.textContent), /<img src=x onerror=/);
      await assertNoReload();
      await page.waitForSelector('#timeline svg.timeline');
      await page.screenshot({path: screenshot('console-deployment'), fullPage: true});
    });

    it('notices a dialog, an uncaught error and a CSP violation (the watch itself, in this browser)', async () => {
      // A page of its own: what the probe provokes must not count against the console's page.
      const probe = await browser.newPage();
      const probeSeen = await watchPage(probe);
      await probe.goto(`${base}/#/`, {waitUntil: 'domcontentloaded'});
      await probe.evaluate(() => {
        const img = document.createElement('img');
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';  // img-src 'self' refuses it
        document.body.append(img);
        setTimeout(() => { throw new Error('probe error'); }, 0);
        setTimeout(() => alert('probe dialog'), 10);
      });
      await waitFor('the probe noticed', () => probeSeen.dialogsDismissed > 0 && probeSeen.errors.some((text) => /probe error/.test(text)) &&
        probeSeen.consoleErrors.some((text) => /^CSP violation: img-src/.test(text)), {timeoutMs: 10000})
        .catch((error) => { error.message += ` ${JSON.stringify(probeSeen)}`; throw error; });
      assert.deepEqual(probeSeen.dialogs, ['probe dialog']);
      await probe.close();
    });

    it('shows hostile annotations and variables as text and runs nothing', async () => {
      await page.goto(`${base}/#/d/lab/hostile`, {waitUntil: 'domcontentloaded'});
      await page.waitForSelector('#view-title[data-key="lab/hostile"]');
      await page.waitForSelector('.meta-list dd');
      const annotation = await page.$$eval('.meta-list dd', (dds) => dds.map((dd) => dd.textContent));
      assert.ok(annotation.includes('<img src=x onerror="window.__xss=1;alert(1)"></script><script>window.__xss=2</script>'), annotation.join('|'));
      const greeting = await page.$eval('[data-space="lab/hostile"] tr[data-field="variables.GREETING"]', (tr) => tr.children[1].textContent);
      assert.equal(greeting, '<img src=x onerror="window.__xss=3;alert(3)"></script><script>alert(4)</script>');
      const injected = await page.evaluate(() => ({
        xss: window.__xss,
        images: document.querySelectorAll('img').length,
        scripts: [...document.scripts].map((s) => s.src),
      }));
      assert.equal(injected.xss, undefined, 'an injected handler ran');
      assert.equal(injected.images, 0, 'markup from the data became elements');
      assert.deepEqual(injected.scripts, [`${base}/console/js/app.js`]);
      assert.deepEqual(seen.dialogs, [], `dialogs opened: ${seen.dialogs}`);
      assert.deepEqual(seen.errors, [], `page errors: ${seen.errors}`);
      assert.deepEqual(seen.consoleErrors, [], `console errors: ${seen.consoleErrors}`);
    });

    it('draws the timeline of reconciles, drift, corrections and Hub budget as SVG', async () => {
      await openFleet();
      const svg = await page.waitForSelector('#timeline svg.timeline');
      const marks = await svg.evaluate((el) => ({
        reconciles: el.querySelectorAll('circle[data-kind="reconcile"]').length,
        drift: el.querySelectorAll('circle[data-kind="drift"]').length,
        corrected: el.querySelectorAll('circle[data-kind="corrected"]').length,
        budget: el.querySelectorAll('rect.budget').length,
        label: el.getAttribute('aria-label'),
      }));
      assert.ok(marks.reconciles >= 8, JSON.stringify(marks));
      assert.ok(marks.drift >= 1, JSON.stringify(marks));
      assert.ok(marks.corrected >= 1, JSON.stringify(marks));
      assert.ok(marks.budget >= 1, JSON.stringify(marks));
      assert.match(marks.label, /reconciles: \d+/);
      // The fleet after the hand edits: one deployment corrected, one drift reported, one Space crashed.
      await page.$eval('#timeline', (el) => el.scrollIntoView());
      await page.screenshot({path: screenshot('console-fleet'), fullPage: true});
    });

    it('is usable with the keyboard and readable at phone width', async () => {
      await openFleet();
      // Filter with the keyboard: type into the filter, only the matching row stays.
      await page.focus('#filter-text');
      await page.keyboard.type('notes');
      await waitFor('the filter applied', async () => (await page.$$('#fleet-table tbody tr[data-key]')).length === 1);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'filter-text', 'focus stays in the filter');
      await page.$eval('#filter-text', (el) => { el.value = ''; el.dispatchEvent(new Event('input')); });
      // Sort by a column with Enter on its header button.
      const header = await page.$('#fleet-table thead th:nth-child(2) button');
      await header.focus();
      await page.keyboard.press('Enter');
      await waitFor('sorted by state', () => page.$eval('#fleet-table thead th:nth-child(2)', (th) => th.getAttribute('aria-sort') === 'ascending'));
      // Tab to a deployment link and open it with Enter.
      await page.focus('#fleet-table tbody tr[data-key="tools/notes-app"] th a');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => location.hash === '#/d/tools/notes-app' && document.activeElement?.id === 'view-title');
      // Phone width: nothing wider than the screen. (The width left for the page: headless Firefox
      // draws a classic 12 px scrollbar inside the 390, Chromium an overlay one. WebDriver BiDi has no
      // isMobile: Firefox gets the width only.)
      await page.setViewport({width: 390, height: 844, isMobile: true});
      await openFleet();
      const widths = await page.evaluate(() => ({page: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth}));
      assert.ok(widths.page <= widths.screen + 1, JSON.stringify(widths));
      await page.screenshot({path: screenshot('console-fleet-phone'), fullPage: true});
      await page.setViewport({width: 1360, height: 900});
    });

    it('sends the CSP and nosniff headers on every response', async () => {
      assert.ok(seen.responses.length > 10);
      for (const r of seen.responses) {
        assert.equal(r.headers['content-security-policy'], CSP, r.url);
        assert.equal(r.headers['x-content-type-options'], 'nosniff', r.url);
      }
      for (const path of ['/healthz', '/readyz', '/metrics', '/api/v1/status', '/api/v1/drift', '/no/such/path', '/console/js/app.js']) {
        const response = await fetch(`${base}${path}`);
        assert.equal(response.headers.get('content-security-policy'), CSP, path);
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
        assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      }
      const secrets = JSON.stringify(await api('/api/v1/deployments/default/grok2api'));
      assert.ok(!secrets.includes(process.env.GROK_API_KEY), 'a secret value reached the API');
      assert.ok(!/hmac [0-9a-f]/.test(secrets), 'a secret fingerprint reached the console API');
    });

    it('reconnects its event stream after the controller restarts', async () => {
      await openFleet();
      await markNoReload();
      await waitFor('live', () => page.$eval('#live', (el) => el.dataset.state === 'live'));
      seen.down = true;
      assert.equal(await stopController(), 0, 'SIGTERM ends the controller with 0');
      await waitFor('the page noticing', () => page.$eval('#live', (el) => el.dataset.state === 'down'), {timeoutMs: 15000});
      await startController();
      await waitFor('live again', () => page.$eval('#live', (el) => el.dataset.state === 'live'), {timeoutMs: 30000});
      seen.down = false;
      // A change after the restart reaches the page through the new stream.
      await emulator('POST', 'spaces/acme/status/variables', {key: 'CHECK_INTERVAL', value: '60s'});  // as declared
      await hubWebhook('acme/status');
      await explained(waitFor('status-page in sync again on the page', async () => {
        const row = await fleetRow(page, 'tools/status-page');
        return row?.drift !== 'reported' && row?.state === 'Ready';
      }, {timeoutMs: 30000}), page, 'tools/status-page');
      await assertNoReload();
      assert.deepEqual(seen.consoleErrors, [], `console errors: ${seen.consoleErrors}`);
      assert.deepEqual(seen.dialogs, []);
    });

    it('weighs little and renders fast (page weight and time to first render)', async () => {
      const load = await measureFleetLoad(browser);
      console.log(`console: ${name}: fleet page ${load.bytes} bytes transferred (${load.rows} deployments), first render ${load.firstRenderMs.toFixed(0)} ms`);
      assert.equal(load.rows, KEYS.length);
      assert.ok(load.bytes < 150000, `${load.bytes} bytes`);
    });

    if (name === 'firefox') {
      it('asked nothing of the world outside loopback (no update, telemetry or remote-settings request)', () => {
        assert.deepEqual(outsideRequests(browser), [], 'Firefox tried to reach the network');
      });
    }
  });
}
