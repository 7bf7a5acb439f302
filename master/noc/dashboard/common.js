// provisor NOC dashboard: the small helpers the other scripts share (DOM
// lookups and number/time formatting). No state, no side effects.

export function $(id) {
  return document.getElementById(id);
}

export function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Orders slave ids as people read them: s2 before s10.
export function byId(a, b) {
  return a.localeCompare(b, undefined, {numeric: true});
}

export function num(x) {
  return typeof x === 'number' && isFinite(x);
}

export function fmtInt(x) {
  return num(x) ? Math.round(x).toLocaleString('en-US') : '\u2013';
}

export function fmtRate(x) {
  if (!num(x)) return '\u2013';
  if (x === 0) return '0';
  if (Math.abs(x) < 100) return x.toFixed(1);
  return Math.round(x).toLocaleString('en-US');
}

export function fmtWeight(x) {
  if (!num(x)) return '\u2013';
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

export function fmtPercent(x) {
  return num(x) ? (x * 100).toFixed(1) + ' %' : '\u2013';
}

function two(v) {
  return String(v).padStart(2, '0');
}

export function fmtDuration(seconds) {
  if (!num(seconds)) return '\u2013';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return h + 'h ' + two(m) + 'm ' + two(r) + 's';
  if (m > 0) return m + 'm ' + two(r) + 's';
  return r + 's';
}

export function fmtAge(seconds) {
  if (!num(seconds) || seconds < 0) return 'never';
  if (seconds < 60) return seconds.toFixed(1) + ' s ago';
  return fmtDuration(seconds) + ' ago';
}

// Local wall-clock time; with the date when it is not today.
export function fmtClock(ms) {
  const d = new Date(ms);
  const time = two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return time;
  return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + time;
}
