// The console's entry point: routes (#/ the fleet, #/d/NS/NAME one deployment), loads the JSON
// documents, and keeps them live from the controller's event stream. A deployment event patches
// its fleet row in place; the open deployment and the timeline are reloaded, at most every few
// hundred milliseconds however many events arrive. After a reconnect (the controller restarted)
// everything shown is loaded again, as events may have been missed.

import {connectEvents, getJson} from './api.js';
import {renderDeployment} from './deployment.js';
import {h, replace} from './dom.js';
import {patchRow, renderBody, renderCounts, renderFleet} from './fleet.js';
import {syncClock} from './format.js';
import {renderTimeline} from './timeline.js';

const main = document.getElementById('main');
const live = document.getElementById('live');
const meta = document.getElementById('meta');

const state = {
  info: null,
  fleet: null,
  view: {filter: {text: '', namespace: '', state: ''}, sort: {column: 'name', descending: false}},
  route: {name: 'fleet'},
  firstRender: true,
};

function parseRoute() {
  const match = /^#\/d\/([^/]+)\/([^/]+)$/.exec(location.hash);
  return match ? {name: 'deployment', key: `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`} : {name: 'fleet'};
}

function showError(error) {
  replace(main, h('h1', {id: 'view-title', tabindex: '-1'}, 'Cannot load'), h('p', {class: 'error', role: 'alert'}, error.message));
}

function setLive(text, kind) {
  live.dataset.state = kind;
  replace(live, text);
}

function markRendered() {
  if (!state.firstRender) return;
  state.firstRender = false;
  // Time to first render, for the page-weight and speed figures (docs/console.md).
  performance.mark('spaceport-first-render');
  document.documentElement.dataset.rendered = 'true';
}

// --- throttling: one load in flight per document, the latest request wins ---
const pending = new Map();
function throttled(name, delayMs, load) {
  const entry = pending.get(name) || {timer: null, running: false, again: false};
  pending.set(name, entry);
  if (entry.timer || entry.running) {
    entry.again = true;
    return;
  }
  entry.timer = setTimeout(async () => {
    entry.timer = null;
    entry.running = true;
    entry.again = false;
    try {
      await load();
    } catch (error) {
      console.warn(`reload of ${name} failed: ${error.message}`);
    } finally {
      entry.running = false;
      if (entry.again) throttled(name, delayMs, load);
    }
  }, delayMs);
}

async function loadTimeline() {
  const section = document.getElementById('timeline');
  if (!section) return;
  const query = state.route.name === 'deployment' ? `&deployment=${encodeURIComponent(state.route.key)}` : '';
  const data = await getJson(`/api/v1/timeline?hours=6${query}`);
  const current = document.getElementById('timeline');
  if (current) replace(current, h('h2', {id: 'timeline-title'}, 'Timeline'), renderTimeline(data));
}

function fleetHandlers() {
  return {
    onFilter(change, keepFocus) {
      Object.assign(state.view.filter, change);
      if (keepFocus) {
        redrawFleetBody();
      } else {
        renderFleetView();
        if (change.state !== undefined) document.querySelector(`[data-count="${(change.state || 'ready').toLowerCase()}"]`)?.focus();
      }
    },
    onSort(sort) {
      state.view.sort = sort;
      renderFleetView();
      document.querySelector('#fleet-table thead th[aria-sort]:not([aria-sort="none"]) button')?.focus();
    },
  };
}

function redrawFleetBody() {
  const table = document.getElementById('fleet-table');
  if (!table || !state.fleet) return;
  table.tBodies[0].replaceWith(renderBody(state.fleet, state.view.filter, state.view.sort));
  const counts = document.getElementById('counts');
  if (counts) replace(counts, renderCounts(state.fleet, state.view.filter, fleetHandlers().onFilter));
}

function renderFleetView() {
  if (state.route.name !== 'fleet' || !state.fleet) return;
  renderFleet(main, state.fleet, state.view, fleetHandlers());
  markRendered();
  throttled('timeline', 0, loadTimeline);
}

async function loadFleet() {
  const fleet = await getJson('/api/v1/fleet');
  syncClock(fleet.now);
  state.fleet = fleet;
  replace(meta, `revision ${fleet.revision.slice(0, 19)}`);
  if (state.route.name === 'fleet') {
    if (document.getElementById('fleet-table')) redrawFleetBody();
    else renderFleetView();
  }
}

async function loadDeployment(focus) {
  const key = state.route.key;
  const detail = await getJson(`/api/v1/deployments/${key}`);
  if (state.route.name !== 'deployment' || state.route.key !== key) return;
  syncClock(detail.now);
  const keep = document.activeElement?.id;
  renderDeployment(main, detail, state.info);
  markRendered();
  if (focus) document.getElementById('view-title')?.focus();
  else if (keep) document.getElementById(keep)?.focus();
  throttled('timeline', 0, loadTimeline);
}

async function route() {
  state.route = parseRoute();
  try {
    if (state.route.name === 'fleet') {
      document.title = 'Spaceport — fleet';
      if (state.fleet) renderFleetView();
      await loadFleet();
      document.getElementById('view-title')?.focus();
    } else {
      document.title = `Spaceport — ${state.route.key}`;
      await loadDeployment(true);
    }
  } catch (error) {
    showError(error);
  }
}

function onEvent(name, data) {
  if (name === 'deployment') {
    if (state.fleet) {
      const i = state.fleet.items.findIndex((r) => r.key === data.key);
      if (i >= 0) state.fleet.items[i] = data;
      else state.fleet.items.push(data);
      throttled('counts', 100, async () => {
        const counts = document.getElementById('counts');
        if (counts && state.fleet) {
          state.fleet.counts = countRows(state.fleet.items);
          replace(counts, renderCounts(state.fleet, state.view.filter, fleetHandlers().onFilter));
        }
      });
      if (state.route.name === 'fleet') patchRow(main, state.fleet, data, state.view.filter);
    }
    if (state.route.name === 'deployment' && state.route.key === data.key) throttled('deployment', 150, () => loadDeployment(false));
    throttled('timeline', 1000, loadTimeline);
  } else if (name === 'fleet') {
    throttled('fleet', 100, loadFleet);
  }
}

function countRows(items) {
  const count = (f) => items.filter(f).length;
  return {
    total: items.length,
    ready: count((r) => r.state === 'Ready'),
    progressing: count((r) => r.state === 'Progressing'),
    failed: count((r) => r.state === 'Failed'),
    drifted: count((r) => r.drift === 'reported'),
    suspended: count((r) => r.state === 'Suspended'),
  };
}

async function start() {
  try {
    state.info = await getJson('/api/v1/console');
    syncClock(state.info.now);
  } catch (error) {
    showError(error);
  }
  window.addEventListener('hashchange', route);
  await route();
  connectEvents({
    onOpen(reconnected) {
      setLive('live', 'live');
      if (reconnected) {
        getJson('/api/v1/console').then((info) => { state.info = info; }).catch(() => {});
        throttled('fleet', 0, loadFleet);
        if (state.route.name === 'deployment') throttled('deployment', 0, () => loadDeployment(false));
        throttled('timeline', 0, loadTimeline);
      }
    },
    onDown() {
      setLive('reconnecting…', 'down');
    },
    onEvent,
  });
}

start();
