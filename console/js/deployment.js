// One deployment: its conditions and drift, its Spaces side by side with desired and observed
// field by field (secret names only, with "changed" — never a value), the log tail of a Space in
// BUILD_ERROR or RUNTIME_ERROR, its last reconciles with what each did, and links to the build
// run and the Spaces. "Reconcile now" appears only when the controller has a trigger secret.

import {triggerReconcile} from './api.js';
import {h, listen, replace} from './dom.js';
import {driftBadge, stageBadge, stateBadge} from './fleet.js';
import {plural, relative, shortDigest} from './format.js';

let triggerSecret = '';  // kept in this page's memory only, never stored
const lastTrigger = {key: '', text: ''};  // the last answer, shown again after a live re-render

function digestish(value) {
  return /^sha256:[0-9a-f]{64}$/.test(value) ? h('code', {title: value}, shortDigest(value)) : value;
}

function keyValues(title, map) {
  const entries = Object.entries(map || {});
  if (!entries.length) return null;
  return h('section', {class: 'meta-list'}, h('h2', null, title),
    h('dl', null, entries.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])));
}

function renderTrigger(key) {
  const secret = h('input', {id: 'trigger-secret', type: 'password', autocomplete: 'off', value: triggerSecret});
  const result = h('span', {id: 'trigger-result', role: 'status', 'aria-live': 'polite'},
    lastTrigger.key === key ? lastTrigger.text : '');
  const say = (text) => {
    Object.assign(lastTrigger, {key, text});
    if (result.isConnected) replace(result, text);
    else replace(document.getElementById('trigger-result') || result, text);
  };
  const form = h('form', {class: 'trigger', id: 'trigger-form'},
    h('label', {for: 'trigger-secret'}, 'Trigger secret'), secret,
    h('button', {type: 'submit', id: 'reconcile-now'}, 'Reconcile now'), result);
  listen(form, 'submit', async (event) => {
    event.preventDefault();
    triggerSecret = secret.value;
    say('sending…');
    try {
      await triggerReconcile(key, triggerSecret);
      say('queued: the page updates when the pass ends');
    } catch (error) {
      say(error.status === 401 ? 'the trigger secret is wrong' : `failed: ${error.message}`);
    }
  });
  return form;
}

function renderSpace(space) {
  const fields = h('table', {class: 'compare'},
    h('caption', null, 'Desired and observed'),
    h('thead', null, h('tr', null, h('th', {scope: 'col'}, 'Field'), h('th', {scope: 'col'}, 'Desired'),
      h('th', {scope: 'col'}, 'Observed'), h('th', {scope: 'col'}, ''))),
    h('tbody', null, space.fields.map((f) => h('tr', {dataset: {field: f.field, state: f.state}},
      h('th', {scope: 'row'}, f.field),
      h('td', null, f.state === 'unmanaged' ? h('span', {class: 'muted'}, 'not managed') : digestish(f.desired)),
      h('td', null, digestish(f.observed)),
      h('td', null, h('span', {class: `cmp cmp-${f.state}`}, f.state === 'corrected' ? 'corrected' : f.state))))));
  const secrets = space.secretsManaged
    ? h('div', {class: 'secrets'}, h('h4', null, 'Secrets'),
      space.secrets.length ? h('ul', null, space.secrets.map((s) => h('li', {dataset: {secret: s.name, state: s.state}},
        h('code', null, s.name), ' ', h('span', {class: `cmp cmp-${s.state === 'in sync' ? 'same' : 'differs'}`}, s.state))))
        : h('p', {class: 'muted'}, 'none declared'))
    : null;
  let tail = null;
  if (space.logTail) {
    const t = space.logTail;
    tail = h('div', {class: 'log-tail'},
      h('h4', null, `${t.kind === 'build' ? 'Build' : 'Run'} log (${t.stage}, read ${relative(t.fetchedAt)})`),
      t.error ? h('p', {class: 'error'}, `The log could not be read: ${t.error}`)
        : h('pre', {tabindex: '0', 'aria-label': `${t.kind} log of ${space.space}`}, t.lines.join('\n')));
  }
  return h('article', {class: 'space-card', dataset: {space: space.space}},
    h('h3', null, space.url ? h('a', {href: space.url, rel: 'noopener noreferrer', target: '_blank'}, space.space) : space.space,
      ' ', stageBadge(space.stage)),
    space.commit ? h('p', {class: 'muted'}, 'commit ', h('code', null, space.commit.slice(0, 12))) : null,
    fields, secrets, tail);
}

function renderReconciles(reconciles) {
  if (!reconciles.length) return h('p', {class: 'muted'}, 'Not reconciled yet.');
  return h('table', {class: 'reconciles'},
    h('thead', null, h('tr', null, ['When', 'Result', 'Reason', 'Did', 'Message', 'Actions'].map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', null, reconciles.map((r) => h('tr', {dataset: {result: r.result}},
      h('td', {title: r.time}, relative(r.time)),
      h('td', null, h('span', {class: `result result-${r.result}`}, r.result), h('span', {class: 'muted'}, ` ${r.seconds.toFixed(2)} s`)),
      h('td', null, r.reason),
      h('td', null, r.did.length ? r.did.join(', ') : h('span', {class: 'muted'}, 'nothing to change')),
      h('td', {class: 'message'}, r.message),
      h('td', null, r.actions.length ? h('details', null, h('summary', null, plural(r.actions.length, 'action', 'actions')),
        h('ul', null, r.actions.map((a) => h('li', null, h('strong', null, a.kind), ` ${a.target}: ${a.outcome}`,
          a.detail ? h('span', {class: 'muted'}, ` — ${a.detail}`) : '')))) : '')))));
}

export function renderDeployment(container, detail, info) {
  const row = detail.row;
  const links = [];
  if (detail.buildUrl) links.push(h('a', {href: detail.buildUrl, rel: 'noopener noreferrer', target: '_blank'}, 'build run'));
  for (const s of row.spaces)
    if (s.url) links.push(h('a', {href: s.url, rel: 'noopener noreferrer', target: '_blank'}, `Space ${s.space}`));
  replace(container,
    h('p', {class: 'crumbs'}, h('a', {href: '#/'}, 'Fleet'), ' / ', row.namespace),
    h('h1', {id: 'view-title', tabindex: '-1', dataset: {key: row.key, state: row.state, drift: row.drift}},
      row.name, ' ', stateBadge(row.state), ' ', driftBadge(row.drift, row.driftItems)),
    h('p', {class: 'summary'}, h('strong', null, row.ready.reason), ': ', h('span', {id: 'ready-message'}, row.ready.message)),
    h('p', {class: 'muted'}, `${row.image}:${row.resolvedVersion || row.desiredVersion}`,
      row.resolvedDigest ? [' ', h('code', {title: row.resolvedDigest}, shortDigest(row.resolvedDigest))] : '',
      ` · driftPolicy ${row.driftPolicy} · declared at ${detail.source} · last reconcile ${relative(row.lastReconcile)}`,
      row.nextReconcile ? `, next ${relative(row.nextReconcile)}` : ''),
    links.length ? h('p', {class: 'links'}, links.flatMap((a, i) => (i ? [' · ', a] : [a]))) : null,
    info && info.trigger ? renderTrigger(row.key) : null,
    detail.drift.length ? h('section', null, h('h2', null, 'Drift'),
      h('table', {class: 'drift-table', id: 'drift-table'},
        h('thead', null, h('tr', null, ['Target', 'Field', 'Desired', 'Observed'].map((c) => h('th', {scope: 'col'}, c)))),
        h('tbody', null, detail.drift.map((d) => h('tr', {dataset: {field: d.field}},
          h('td', null, d.target), h('th', {scope: 'row'}, d.field), h('td', null, digestish(d.desired)), h('td', null, digestish(d.observed))))))) : null,
    h('section', null, h('h2', null, 'Spaces'), h('div', {class: 'spaces'}, detail.spaces.map(renderSpace))),
    h('section', null, h('h2', null, 'Last reconciles'), renderReconciles(detail.reconciles)),
    h('section', {class: 'conditions'}, h('h2', null, 'Conditions'),
      h('ul', null, detail.conditions.map((c) => h('li', null, h('strong', null, `${c.type}=${c.status}`), ` ${c.reason}: ${c.message}`,
        h('span', {class: 'muted'}, ` (since ${relative(c.since)})`))))),
    keyValues('Labels', detail.labels),
    keyValues('Annotations', detail.annotations),
    h('section', {id: 'timeline', 'aria-labelledby': 'timeline-title'}, h('h2', {id: 'timeline-title'}, 'Timeline'),
      h('p', {class: 'muted'}, 'Loading…')));
}
