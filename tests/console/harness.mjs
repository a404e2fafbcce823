// What the console's browser tests share: the controller process (started, stopped and restarted
// on one port), Debian's Chromium (CDP) and Firefox ESR (WebDriver BiDi) through puppeteer-core with
// the settings this closed machine needs, the Hub emulator's control API, and polling helpers (no
// fixed sleeps).

import {spawn} from 'node:child_process';
import {createServer} from 'node:net';
import {cpSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import puppeteer from 'puppeteer-core';

export const env = {
  spaceport: process.env.SPACEPORT,
  hub: process.env.HUB,
  world: process.env.WORLD,
  desired: process.env.CONSOLE_DESIRED,
  config: process.env.CONSOLE_CONFIG,
  state: process.env.CONSOLE_STATE,
  stateInitial: process.env.CONSOLE_STATE_INITIAL,
  screenshots: process.env.CONSOLE_SCREENSHOTS,
  port: Number(process.env.CONSOLE_PORT),
  chromium: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  firefox: process.env.FIREFOX_BIN || '/usr/bin/firefox-esr',
  browsers: (process.env.CONSOLE_BROWSERS || 'chromium firefox').split(/[\s,]+/).filter(Boolean),
  hubHookSecret: process.env.SPACEPORT_HUB_WEBHOOK_SECRET,
  triggerSecret: process.env.SPACEPORT_TRIGGER_SECRET,
};
for (const [name, value] of Object.entries(env))
  if (value === undefined || Number.isNaN(value)) throw new Error(`${name} is not set: run the tests through tests/console/run.sh`);

export const base = `http://127.0.0.1:${env.port}`;

export async function waitFor(what, condition, {timeoutMs = 30000, intervalMs = 100} = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await condition();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// --- the controller ---
let controller = null;
let starts = 0;

export function controllerLog() {
  let text = '';
  for (let i = 1; i <= starts; ++i) {
    try {
      text += readFileSync(join(env.world, `console-run-${i}.log`), 'utf8');
    } catch {
      // not written yet
    }
  }
  return text;
}

export async function startController(extra = []) {
  const log = openSync(join(env.world, `console-run-${++starts}.log`), 'w');
  controller = spawn(env.spaceport, ['run', env.desired, '--config', env.config, '--listen', `127.0.0.1:${env.port}`,
    '--progress-poll', '500ms', '--backoff-initial', '1s', ...extra], {stdio: ['ignore', log, log]});
  const child = controller;
  await waitFor('the controller serving /healthz', async () => {
    if (child.exitCode !== null) throw new Error(`the controller exited ${child.exitCode}:\n${controllerLog().slice(-2000)}`);
    return (await fetch(`${base}/healthz`)).ok;
  });
}

export async function stopController() {
  if (!controller) return null;
  const child = controller;
  controller = null;
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

// Puts the controller's state directory back as the world left it (the controller must be stopped):
// each browser's controller then starts as the first one did, with only status-page deployed before.
export function restoreControllerState() {
  if (controller) throw new Error('the controller is running');
  rmSync(env.state, {recursive: true, force: true});
  cpSync(env.stateInitial, env.state, {recursive: true, preserveTimestamps: true});
}

// What to print when a test fails: the deployment as the API has it, the page's text, and the
// controller's log lines about it.
export async function diagnose(page, key) {
  let detail = '';
  try {
    const d = await api(`/api/v1/deployments/${key}`);
    detail = JSON.stringify({row: d.row, spaces: d.spaces, reconciles: d.reconciles.slice(0, 3)}, null, 1);
  } catch (error) {
    detail = String(error);
  }
  const text = page ? await page.evaluate(() => document.getElementById('main')?.innerText.slice(0, 2500)).catch((e) => String(e)) : '';
  const log = controllerLog().split('\n').filter((line) => line.includes(key) || /error|warn/i.test(line)).slice(-40).join('\n');
  return `\n--- API ${key}\n${detail}\n--- page\n${text}\n--- controller log\n${log}`;
}

export async function explained(promise, page, key) {
  try {
    return await promise;
  } catch (error) {
    error.message += await diagnose(page, key);
    throw error;
  }
}

// --- the Hub emulator and webhooks ---
export async function emulator(method, path, body) {
  const response = await fetch(`${env.hub}/__emulator/${path}`, {method, body: body === undefined ? undefined : JSON.stringify(body)});
  if (!response.ok) throw new Error(`${method} /__emulator/${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

// What the Hub would send after a settings change (the emulator sends no webhooks).
export async function hubWebhook(space) {
  const response = await fetch(`${base}/hooks/hub`, {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Webhook-Secret': env.hubHookSecret},
    body: JSON.stringify({event: {action: 'update', scope: 'repo.config'}, repo: {type: 'space', name: space}}),
  });
  if (response.status !== 202) throw new Error(`POST /hooks/hub: ${response.status}`);
}

export async function api(path) {
  const response = await fetch(`${base}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  return response.json();
}

// --- the browsers ---
export const BROWSERS = ['chromium', 'firefox'];

export async function launchBrowser(name = 'chromium') {
  if (name === 'chromium') return launchChromium();
  if (name === 'firefox') return launchFirefox();
  throw new Error(`unknown browser ${name}: one of ${BROWSERS.join(', ')}`);
}

async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'spaceport-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: env.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`,
      // Whatever Chromium still tries to fetch from outside (update and account hosts) goes to a
      // closed loopback port and never leaves the machine; loopback itself bypasses the proxy.
      '--proxy-server=http://127.0.0.1:9'],
  });
  // Chromium still writes its profile after the connection closes: remove it once the process has
  // exited (retrying all the same), and never fail a test on it.
  const removeProfile = () => {
    try {
      rmSync(profile, {recursive: true, force: true, maxRetries: 5, retryDelay: 200});
    } catch (error) {
      console.warn(`the browser profile ${profile} was not removed: ${error.message}`);
    }
  };
  const child = browser.process();
  browser.once('disconnected', () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) removeProfile();
    else child.once('exit', removeProfile);
  });
  return browser;
}

// What Firefox would otherwise fetch on its own (remote settings, telemetry, captive-portal and
// connectivity checks, updates, Safe Browsing, push, region and geolocation, OCSP, DNS over HTTPS).
// puppeteer adds its own test profile on top (no first-run pages, no add-on or search updates).
function firefoxPrefs(outsidePort) {
  return {
    // Remote settings: release builds honour the server pref only with MOZ_REMOTE_SETTINGS_DEVTOOLS=1
    // (set below); a closed loopback port refuses at once.
    'services.settings.server': 'http://127.0.0.1:9/remote-settings/v1',
    'app.update.auto': false, 'app.update.staging.enabled': false, 'app.update.service.enabled': false,
    'app.normandy.enabled': false, 'app.shield.optoutstudies.enabled': false, 'messaging-system.rsexperimentloader.enabled': false,
    'toolkit.telemetry.enabled': false, 'toolkit.telemetry.unified': false, 'toolkit.telemetry.archive.enabled': false,
    'toolkit.telemetry.server': '', 'toolkit.telemetry.reportingpolicy.firstRun': false,
    'toolkit.telemetry.shutdownPingSender.enabled': false, 'toolkit.telemetry.firstShutdownPing.enabled': false,
    'toolkit.telemetry.newProfilePing.enabled': false, 'toolkit.telemetry.bhrPing.enabled': false,
    'browser.ping-centre.telemetry': false, 'browser.newtabpage.activity-stream.telemetry': false,
    'browser.newtabpage.activity-stream.feeds.telemetry': false, 'browser.newtabpage.activity-stream.feeds.section.topstories': false,
    'network.captive-portal-service.enabled': false, 'network.connectivity-service.enabled': false,
    'network.trr.mode': 5, 'network.dns.disablePrefetch': true, 'network.prefetch-next': false, 'network.predictor.enabled': false,
    'extensions.blocklist.enabled': false, 'extensions.systemAddon.update.enabled': false, 'extensions.getAddons.showPane': false,
    'security.OCSP.enabled': 0, 'security.remote_settings.crlite_filters.enabled': false,
    'security.remote_settings.intermediates.enabled': false, 'browser.safebrowsing.update.enabled': false,
    'browser.region.update.enabled': false, 'browser.region.network.url': '', 'geo.provider.network.url': '',
    'dom.push.connection.enabled': false, 'dom.push.serverURL': '', 'browser.topsites.contile.enabled': false,
    'identity.fxaccounts.enabled': false, 'media.gmp-manager.url': '', 'browser.ml.enable': false,
    'browser.translations.enable': false, 'browser.urlbar.quicksuggest.enabled': false, 'browser.discovery.enabled': false,
    // Anything left that would leave the machine goes to a local proxy that answers 502 and
    // records the request (loopback, the console included, is never proxied): the suite asserts
    // that it recorded nothing.
    'network.proxy.type': 1, 'network.proxy.share_proxy_settings': true,
    'network.proxy.http': '127.0.0.1', 'network.proxy.http_port': outsidePort,
    'network.proxy.ssl': '127.0.0.1', 'network.proxy.ssl_port': outsidePort,
  };
}

const outside = new WeakMap();

// What a browser asked of the world outside loopback (only recorded for Firefox).
export function outsideRequests(browser) {
  return outside.get(browser) ?? [];
}

async function launchFirefox() {
  const requests = [];
  const proxy = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (data) => {
      requests.push(data.toString('latin1').split('\r\n')[0]);
      socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  });
  await new Promise((resolve, reject) => proxy.once('error', reject).listen(0, '127.0.0.1', resolve));
  let browser;
  try {
    // puppeteer makes a fresh profile (a temporary directory with its prefs in user.js) and removes
    // it when the browser closes.
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: env.firefox,
      headless: true,
      extraPrefsFirefox: firefoxPrefs(proxy.address().port),
      env: {...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1', MOZ_CRASHREPORTER_DISABLE: '1'},
    });
  } catch (error) {
    proxy.close();
    throw error;
  }
  outside.set(browser, requests);
  browser.once('disconnected', () => proxy.close());
  return browser;
}

// Everything a page does that a safe console never does: dialogs (alert from an injected
// handler), uncaught errors, console errors, CSP violations. Network errors while the controller is
// deliberately down are kept apart.
//
// Browsers report a CSP violation differently: Chromium as a console error, Firefox (through
// WebDriver BiDi) as a page error ("Content-Security-Policy: The page's settings blocked …"). So
// every page also gets a listener for the standard `securitypolicyviolation` event (a preload
// script: CSP does not apply to it) that logs each violation as a console error, the same in both.
export async function watchPage(page) {
  const seen = {dialogs: [], dialogsDismissed: 0, errors: [], consoleErrors: [], networkErrorsWhileDown: [], refusals: [],
    responses: [], down: false, expectRefusal: false};
  await reportCspViolations(page);
  page.on('dialog', async (dialog) => {
    seen.dialogs.push(dialog.message());
    try {
      await dialog.dismiss();
      seen.dialogsDismissed += 1;
    } catch (error) {
      if (!page.isClosed()) seen.errors.push(`the dialog was not dismissed: ${error.message}`);
    }
  });
  page.on('pageerror', (error) => seen.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // Chromium: "Failed to load resource: net::ERR_CONNECTION_REFUSED";
    // Firefox: "Firefox can’t establish a connection to the server at …".
    const network = /ERR_CONNECTION_REFUSED|Failed to load resource|net::ERR_|can.t establish a connection|connection .* was interrupted/.test(text);
    if (seen.down && network) seen.networkErrorsWhileDown.push(text);
    else if (seen.expectRefusal && /status of 401/.test(text)) seen.refusals.push(text);
    else seen.consoleErrors.push(text);
  });
  page.on('response', (response) => {
    if (response.url().startsWith(base)) seen.responses.push({url: response.url(), status: response.status(), headers: response.headers()});
  });
  return seen;
}

export async function reportCspViolations(page) {
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || 'page'}:${e.lineNumber})`);
    });
  });
}

// Loads the fleet in a fresh page with the cache off: bytes transferred (every response, as
// encoded on the wire), the time from navigation to the first render of the table, and its rows.
export async function measureFleetLoad(browser, origin = base) {
  const page = await browser.newPage();
  await page.setViewport({width: 1360, height: 900});
  let bytes = 0;
  const cdp = browser.protocol === 'cdp';
  if (cdp) {
    const session = await page.createCDPSession();
    await session.send('Network.enable');
    await session.send('Network.setCacheDisabled', {cacheDisabled: true});
    session.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  } else {
    await page.setCacheEnabled(false);  // WebDriver BiDi: network.setCacheBehavior
  }
  await page.goto(`${origin}/#/`, {waitUntil: 'domcontentloaded'});
  await page.waitForSelector('html[data-rendered="true"]', {timeout: 60000});
  const firstRenderMs = await page.evaluate(() => performance.getEntriesByName('spaceport-first-render')[0].startTime);
  const rows = await page.$$eval('#fleet-table tbody tr[data-key]', (trs) => trs.length);
  await new Promise((r) => setTimeout(r, 1000));  // the timeline and the event stream's start
  // Without CDP, the page's own Resource Timing: every finished response as transferred (headers
  // and encoded body); the event stream, never finished, is not counted (nor is it by CDP).
  if (!cdp) {
    bytes = await page.evaluate(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      .reduce((sum, entry) => sum + entry.transferSize, 0));
  }
  await page.close();
  return {bytes, firstRenderMs, rows};
}

// A row of the fleet table as the page shows it now.
export async function fleetRow(page, key) {
  return page.evaluate((k) => {
    const tr = [...document.querySelectorAll('#fleet-table tbody tr')].find((r) => r.dataset.key === k);
    return tr ? {state: tr.dataset.state, drift: tr.dataset.drift, text: tr.textContent} : null;
  }, key);
}
