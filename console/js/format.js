// Small formatting helpers: times relative to the server's clock, short digests, plurals.

let skewMs = 0;  // server time minus browser time, from the last document's "now"

export function syncClock(serverNow) {
  const t = Date.parse(serverNow);
  if (!Number.isNaN(t)) skewMs = t - Date.now();
}

export function serverNow() {
  return Date.now() + skewMs;
}

export function relative(iso) {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const seconds = Math.round((t - serverNow()) / 1000);
  const abs = Math.abs(seconds);
  let text;
  if (abs < 5) return 'now';
  if (abs < 90) text = `${abs} s`;
  else if (abs < 5400) text = `${Math.round(abs / 60)} min`;
  else if (abs < 129600) text = `${Math.round(abs / 3600)} h`;
  else text = `${Math.round(abs / 86400)} d`;
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

export function shortDigest(digest) {
  if (!digest) return '';
  const [algo, hex] = digest.split(':');
  return hex ? `${algo}:${hex.slice(0, 12)}` : digest.slice(0, 19);
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

export function clockTime(iso) {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toISOString().slice(11, 19) + 'Z';
}
