// The fleet view: counts, filters, and a sortable table with a row per SpaceDeployment.
// Rows carry data-key, data-state and data-drift, so a row's meaning is readable by scripts too.

import {h, listen, replace} from './dom.js';
import {relative, shortDigest} from './format.js';

const STATES = ['Ready', 'Progressing', 'Failed', 'Drifted', 'Suspended'];
const COLUMNS = [
  {id: 'name', label: 'Deployment', value: (r) => r.key},
  {id: 'state', label: 'Ready', value: (r) => `${STATES.indexOf(r.state)} ${r.key}`},
  {id: 'version', label: 'Version', value: (r) => r.resolvedVersion || r.desiredVersion},
  {id: 'wrappers', label: 'Wrappers', value: (r) => r.wrappers.map((w) => w.platform).join(',')},
  {id: 'spaces', label: 'Spaces', value: (r) => r.spaces.map((s) => s.stage).join(',')},
  {id: 'drift', label: 'Drift', value: (r) => ({reported: 0, corrected: 1, none: 2})[r.drift] ?? 3},
  {id: 'last', label: 'Last reconcile', value: (r) => r.lastReconcile || ''},
  {id: 'next', label: 'Next', value: (r) => r.nextReconcile || '~'},
  {id: 'budget', label: 'Hub budget', value: (r) => (r.budgetLimited ? 0 : 1)},
];

export function stateBadge(state, extra) {
  return h('span', {class: `badge state-${state.toLowerCase()}`}, state, extra ? ` ${extra}` : '');
}

export function stageBadge(stage) {
  const kind = !stage ? 'unknown' : stage === 'RUNNING' ? 'ok'
    : /ERROR|NO_APP_FILE/.test(stage) ? 'bad' : stage === 'PAUSED' || stage === 'SLEEPING' ? 'idle' : 'busy';
  return h('span', {class: `stage stage-${kind}`}, stage || 'unknown');
}

export function driftBadge(drift, items) {
  const text = drift === 'reported' ? `reported (${items})` : drift;
  return h('span', {class: `drift drift-${drift}`}, text);
}

function matches(row, filter) {
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    if (!row.key.toLowerCase().includes(needle) && !row.spaces.some((s) => s.space.toLowerCase().includes(needle)))
      return false;
  }
  if (filter.namespace && row.namespace !== filter.namespace) return false;
  if (filter.state === 'Drifted') return row.drift === 'reported' || row.state === 'Drifted';
  if (filter.state && row.state !== filter.state) return false;
  return true;
}

function sorted(rows, sort) {
  const column = COLUMNS.find((c) => c.id === sort.column) || COLUMNS[0];
  const dir = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = column.value(a), y = column.value(b);
    return (x < y ? -1 : x > y ? 1 : a.key < b.key ? -1 : 1) * dir;
  });
}

export function renderRow(row) {
  const ready = row.ready || {};
  return h('tr', {dataset: {key: row.key, state: row.state, drift: row.drift}},
    h('th', {scope: 'row', 'data-label': 'Deployment'},
      h('a', {href: `#/d/${row.key}`}, row.name), h('span', {class: 'ns'}, row.namespace)),
    h('td', {'data-label': 'Ready'}, stateBadge(row.state), h('span', {class: 'reason', title: ready.message || ''}, ready.reason || '')),
    h('td', {'data-label': 'Version'}, row.desiredVersion,
      row.resolvedVersion && row.resolvedVersion !== row.desiredVersion ? [' → ', h('strong', null, row.resolvedVersion)] : ''),
    h('td', {'data-label': 'Wrappers'}, row.wrappers.map((w) =>
      h('div', {class: 'wrapper', title: w.tag || ''}, h('span', {class: 'platform'}, w.platform), ' ',
        w.digest ? h('code', null, shortDigest(w.digest)) : h('span', {class: 'muted'}, 'not published')))),
    h('td', {'data-label': 'Spaces'}, row.spaces.map((s) =>
      h('div', {class: 'space'}, h('span', {class: 'space-id'}, s.space), ' ', stageBadge(s.stage)))),
    h('td', {'data-label': 'Drift'}, driftBadge(row.drift, row.driftItems), h('span', {class: 'muted'}, ` ${row.driftPolicy}`)),
    h('td', {'data-label': 'Last reconcile', title: row.lastReconcile || ''}, relative(row.lastReconcile)),
    h('td', {'data-label': 'Next', title: row.nextReconcile || ''}, row.suspended ? 'suspended' : relative(row.nextReconcile)),
    h('td', {'data-label': 'Hub budget'}, row.budgetLimited ? h('span', {class: 'badge state-failed'}, 'limited') : 'ok'),
  );
}

function countButton(label, n, state, filter, onFilter) {
  const pressed = filter.state === state;
  return listen(h('button', {type: 'button', class: `count count-${label.toLowerCase()}`, 'aria-pressed': String(pressed),
    dataset: {count: label.toLowerCase()}},
  h('span', {class: 'n'}, String(n)), h('span', {class: 'label'}, label)), 'click', () => onFilter({state: pressed ? '' : state}));
}

export function renderCounts(fleet, filter, onFilter) {
  const c = fleet.counts;
  const hub = fleet.hub || {};
  return h('div', {class: 'counts', role: 'group', 'aria-label': 'Deployments by state'},
    countButton('Ready', c.ready, 'Ready', filter, onFilter),
    countButton('Progressing', c.progressing, 'Progressing', filter, onFilter),
    countButton('Failed', c.failed, 'Failed', filter, onFilter),
    countButton('Drifted', c.drifted, 'Drifted', filter, onFilter),
    h('p', {class: 'budget-line'}, `${c.total} deployments`, c.suspended ? `, ${c.suspended} suspended` : '',
      hub.limit ? ` · Hub: ${hub.used} of ${hub.limit} requests in this ${Math.round(hub.windowSeconds / 60)}-minute window` : '',
      hub.pausedUntil ? ` · paused until ${hub.pausedUntil}` : ''));
}

function renderFilters(fleet, filter, onFilter) {
  const namespaces = [...new Set(fleet.items.map((r) => r.namespace))].sort();
  const text = h('input', {id: 'filter-text', type: 'search', placeholder: 'name or Space', value: filter.text || '', autocomplete: 'off'});
  listen(text, 'input', () => onFilter({text: text.value}, true));
  const ns = h('select', {id: 'filter-namespace'}, h('option', {value: ''}, 'all'),
    namespaces.map((n) => h('option', {value: n, selected: n === filter.namespace}, n)));
  listen(ns, 'change', () => onFilter({namespace: ns.value}));
  const state = h('select', {id: 'filter-state'}, h('option', {value: ''}, 'all'),
    STATES.map((s) => h('option', {value: s, selected: s === filter.state}, s)));
  listen(state, 'change', () => onFilter({state: state.value}));
  return h('form', {class: 'filters', role: 'search'},
    h('label', {for: 'filter-text'}, 'Filter'), text,
    h('label', {for: 'filter-namespace'}, 'Namespace'), ns,
    h('label', {for: 'filter-state'}, 'State'), state);
}

function renderHead(sort, onSort) {
  return h('thead', null, h('tr', null, COLUMNS.map((c) => {
    const active = sort.column === c.id;
    const button = listen(h('button', {type: 'button', class: 'sort'}, c.label,
      h('span', {class: 'arrow', 'aria-hidden': 'true'}, active ? (sort.descending ? ' ▼' : ' ▲') : '')), 'click', () =>
      onSort({column: c.id, descending: active ? !sort.descending : false}));
    return h('th', {scope: 'col', 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none'}, button);
  })));
}

// The table's body alone, so a filter keystroke or a live update does not rebuild the controls.
export function renderBody(fleet, filter, sort) {
  const rows = sorted(fleet.items.filter((r) => matches(r, filter)), sort);
  return h('tbody', null, rows.length ? rows.map(renderRow)
    : h('tr', {class: 'empty'}, h('td', {colspan: COLUMNS.length}, fleet.items.length ? 'No deployment matches the filter.' : 'No SpaceDeployment in the desired state.')));
}

export function renderFleet(container, fleet, view, handlers) {
  const table = h('table', {class: 'fleet', id: 'fleet-table'},
    h('caption', {class: 'visually-hidden'}, 'SpaceDeployments'),
    renderHead(view.sort, handlers.onSort), renderBody(fleet, view.filter, view.sort));
  replace(container,
    h('h1', {id: 'view-title', tabindex: '-1'}, 'Fleet'),
    h('div', {id: 'counts'}, renderCounts(fleet, view.filter, handlers.onFilter)),
    renderFilters(fleet, view.filter, handlers.onFilter),
    h('div', {class: 'table-wrap'}, table),
    h('section', {id: 'timeline', 'aria-labelledby': 'timeline-title'},
      h('h2', {id: 'timeline-title'}, 'Timeline'), h('p', {class: 'muted'}, 'Loading…')));
}

// A live update: the row is replaced where it stands (the order stays until the next full render,
// so rows do not jump under the pointer), keeping keyboard focus on the same link.
export function patchRow(container, fleet, row, filter) {
  const tbody = container.querySelector('#fleet-table tbody');
  if (!tbody) return;
  const old = [...tbody.rows].find((tr) => tr.dataset.key === row.key);
  const fresh = renderRow(row);
  const hadFocus = old && old.contains(document.activeElement);
  if (old && matches(row, filter)) old.replaceWith(fresh);
  else if (old) old.remove();
  else if (matches(row, filter)) tbody.append(fresh);
  if (hadFocus) fresh.querySelector('a')?.focus();
}
