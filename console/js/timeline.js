// The timeline: an SVG the page draws from /api/v1/timeline — a lane per kind of event
// (reconciles, builds, drift found, drift corrected, deploys) over the last hours, and the Hub
// budget used in each rate window as bars under them. Every mark has a <title> (its text set as
// text), and the figure's caption says in words what the picture shows.

import {h, svg} from './dom.js';
import {clockTime, plural} from './format.js';

const WIDTH = 960;
const LEFT = 110;
const RIGHT = 12;
const LANE = 26;
const LANES = [
  {kind: 'reconcile', label: 'Reconciles'},
  {kind: 'build', label: 'Builds'},
  {kind: 'drift', label: 'Drift found'},
  {kind: 'corrected', label: 'Corrected'},
  {kind: 'deploy', label: 'Deploys'},
];
const BUDGET_HEIGHT = 60;

function laneOf(event) {
  return event.kind === 'deployed' || event.kind === 'failed' ? 'deploy' : event.kind;
}

function ticks(from, to) {
  const span = to - from;
  const steps = [5, 15, 30, 60, 120, 240].map((m) => m * 60000);
  const step = steps.find((s) => span / s <= 8) || steps[steps.length - 1];
  const out = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}

const MIN_SPAN_MS = 15 * 60000;

// The span drawn: the requested hours, narrowed to the events when they all fall in its last part
// (a controller that started recently), but never under 15 minutes.
function span(data) {
  const to = Date.parse(data.to);
  const times = [...data.events.map((e) => Date.parse(e.time)), ...data.budget.map((w) => Date.parse(w.start))];
  const earliest = times.length ? Math.min(...times) : to;
  const from = Math.max(Date.parse(data.from), Math.min(to - MIN_SPAN_MS, to - (to - earliest) * 1.1));
  return [from, to];
}

function describeSpan(ms) {
  const minutes = Math.round(ms / 60000);
  return minutes < 90 ? plural(minutes, 'minute', 'minutes') : plural(Math.round(minutes / 60), 'hour', 'hours');
}

export function renderTimeline(data, {title = 'Timeline'} = {}) {
  const [from, to] = span(data);
  const x = (t) => LEFT + ((t - from) / Math.max(1, to - from)) * (WIDTH - LEFT - RIGHT);
  const top = 8;
  const budgetTop = top + LANES.length * LANE + 14;
  const height = budgetTop + BUDGET_HEIGHT + 24;
  const marks = [];
  LANES.forEach((lane, i) => {
    const y = top + i * LANE;
    marks.push(svg('text', {x: 4, y: y + LANE / 2 + 4, class: 'lane-label'}, lane.label));
    marks.push(svg('line', {x1: LEFT, x2: WIDTH - RIGHT, y1: y + LANE / 2, y2: y + LANE / 2, class: 'lane'}));
  });
  const counts = {};
  for (const event of data.events) {
    const lane = laneOf(event);
    const i = LANES.findIndex((l) => l.kind === lane);
    if (i < 0) continue;
    counts[lane] = (counts[lane] || 0) + 1;
    const t = Date.parse(event.time);
    if (t < from) continue;
    const cls = `mark mark-${event.kind}${event.result ? ` result-${event.result}` : ''}`;
    marks.push(svg('circle', {cx: x(t).toFixed(1), cy: top + i * LANE + LANE / 2, r: lane === 'reconcile' ? 3 : 5, class: cls,
      dataset: {kind: event.kind}},
    svg('title', null, `${clockTime(event.time)} ${event.deployment}: ${event.detail}`)));
  }
  const limit = Math.max(1, ...data.budget.map((w) => w.limit));
  const windowMs = data.windowSeconds * 1000;
  marks.push(svg('text', {x: 4, y: budgetTop + BUDGET_HEIGHT / 2, class: 'lane-label'}, 'Hub budget'));
  marks.push(svg('line', {x1: LEFT, x2: WIDTH - RIGHT, y1: budgetTop + BUDGET_HEIGHT, y2: budgetTop + BUDGET_HEIGHT, class: 'axis'}));
  for (const w of data.budget) {
    const start = Math.max(from, Date.parse(w.start));
    const end = Math.min(to, Date.parse(w.start) + windowMs);
    if (end <= start) continue;
    const barHeight = Math.max(1, (w.used / limit) * BUDGET_HEIGHT);
    marks.push(svg('rect', {x: x(start).toFixed(1), width: Math.max(1, x(end) - x(start) - 1).toFixed(1),
      y: (budgetTop + BUDGET_HEIGHT - barHeight).toFixed(1), height: barHeight.toFixed(1),
      class: w.used >= w.limit ? 'budget budget-full' : 'budget'},
    svg('title', null, `${clockTime(w.start)}: ${w.used} of ${w.limit} Hub requests`)));
  }
  for (const t of ticks(from, to)) {
    marks.push(svg('line', {x1: x(t).toFixed(1), x2: x(t).toFixed(1), y1: top, y2: budgetTop + BUDGET_HEIGHT, class: 'tick'}));
    marks.push(svg('text', {x: x(t).toFixed(1), y: height - 6, class: 'tick-label'}, clockTime(new Date(t).toISOString()).slice(0, 5)));
  }
  const summary = LANES.map((l) => `${l.label.toLowerCase()}: ${counts[l.kind] || 0}`).join(', ');
  const last = describeSpan(to - from);
  const picture = svg('svg', {viewBox: `0 0 ${WIDTH} ${height}`, class: 'timeline', role: 'img',
    'aria-label': `${title} of the last ${last}: ${summary}`}, marks);
  return h('figure', {class: 'timeline-figure'}, picture,
    h('figcaption', null, `Last ${last} — ${summary}; ` +
      `${plural(data.budget.length, 'Hub budget window', 'Hub budget windows')} sampled.`));
}
