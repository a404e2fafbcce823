// What the console's browser tests share: the controller process (started, stopped and restarted
// on one port), Debian's Chromium through puppeteer-core with the flags this closed machine needs,
// the Hub emulator's control API, and polling helpers (no fixed sleeps).

import {spawn} from 'node:child_process';
import {mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import puppeteer from 'puppeteer-core';

export const env = {
  spaceport: process.env.SPACEPORT,
  hub: process.env.HUB,
  world: process.env.WORLD,
  desired: process.env.CONSOLE_DESIRED,
  config: process.env.CONSOLE_CONFIG,
  screenshots: process.env.CONSOLE_SCREENSHOTS,
  port: Number(process.env.CONSOLE_PORT),
  chromium: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
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

// --- the browser ---
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'spaceport-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: env.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
  });
  // Chromium may still be flushing its profile as it goes: retry, and never fail a test on it.
  browser.once('disconnected', () => {
    try {
      rmSync(profile, {recursive: true, force: true, maxRetries: 5, retryDelay: 200});
    } catch (error) {
      console.warn(`the browser profile ${profile} was not removed: ${error.message}`);
    }
  });
  return browser;
}

// Everything a page does that a safe console never does: dialogs (alert from an injected
// handler), uncaught errors, console errors (a CSP violation is one). Network errors while the
// controller is deliberately down are kept apart.
export function watchPage(page) {
  const seen = {dialogs: [], errors: [], consoleErrors: [], networkErrorsWhileDown: [], refusals: [], responses: [], down: false,
    expectRefusal: false};
  page.on('dialog', async (dialog) => {
    seen.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on('pageerror', (error) => seen.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    const network = /ERR_CONNECTION_REFUSED|Failed to load resource|net::ERR_/.test(text);
    if (seen.down && network) seen.networkErrorsWhileDown.push(text);
    else if (seen.expectRefusal && /status of 401/.test(text)) seen.refusals.push(text);
    else seen.consoleErrors.push(text);
  });
  page.on('response', (response) => {
    if (response.url().startsWith(base)) seen.responses.push({url: response.url(), status: response.status(), headers: response.headers()});
  });
  return seen;
}

// Loads the fleet in a fresh page with the cache off: bytes transferred (every response, as
// encoded on the wire), the time from navigation to the first render of the table, and its rows.
export async function measureFleetLoad(browser, origin = base) {
  const page = await browser.newPage();
  await page.setViewport({width: 1360, height: 900});
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', {cacheDisabled: true});
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await page.goto(`${origin}/#/`, {waitUntil: 'domcontentloaded'});
  await page.waitForSelector('html[data-rendered="true"]', {timeout: 60000});
  const firstRenderMs = await page.evaluate(() => performance.getEntriesByName('spaceport-first-render')[0].startTime);
  const rows = await page.$$eval('#fleet-table tbody tr[data-key]', (trs) => trs.length);
  await new Promise((r) => setTimeout(r, 1000));  // the timeline and the event stream's start
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
