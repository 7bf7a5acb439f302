// provisor NOC dashboard: the two "last 15 minutes" charts (transfers/s and
// NextServer answers/s per slave), drawn on <canvas> from /api/v1/history,
// with a legend of each slave's colour and latest value. Each slave keeps
// one colour for the life of the page.
import {$, byId, fmtRate, make, num} from './common.js';

// 16 colours (a master has at most 16 slaves), distinct on the dark page.
const PALETTE = [
  '#4e9bff', '#ffb020', '#3ddc84', '#ff5c7a', '#b48cff', '#2ed3d3', '#ff8c42', '#c8e64c',
  '#f06bd0', '#8fb8ff', '#ffd966', '#7be0a8', '#ff9e9e', '#d5b8ff', '#9ee6e6', '#e0a070',
];

const CHARTS = [
  {canvas: 'chart-transfers', legend: 'legend-transfers', series: 'transfers_per_s'},
  {canvas: 'chart-next-server', legend: 'legend-next-server', series: 'next_server_per_s'},
];

const colours = new Map();  // slave id -> colour, assigned once per page

function colourFor(id) {
  if (!colours.has(id)) colours.set(id, PALETTE[colours.size % PALETTE.length]);
  return colours.get(id);
}

// Gives new slaves their colour in id order, so a fresh page is predictable.
export function learnColours(ids) {
  ids.filter((id) => !colours.has(id)).sort(byId).forEach(colourFor);
}

// A round upper bound for the y axis and its step (1, 2 or 5 times 10^n).
function niceScale(max) {
  if (!(max > 0)) return {top: 1, step: 0.25};
  const rough = max / 4;
  const power = Math.pow(10, Math.floor(Math.log10(rough)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
  return {top: Math.ceil(max / step) * step, step};
}

// `history` is /api/v1/history's answer (null before the first one);
// `nowMs` the master's clock, the right edge when there are no samples.
function drawChart(spec, history, nowMs) {
  const canvas = $(spec.canvas);
  const h = history;
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = Math.max(200, canvas.clientWidth);
  const cssHeight = Math.max(120, canvas.clientHeight);
  canvas.width = Math.round(cssWidth * ratio);
  canvas.height = Math.round(cssHeight * ratio);
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, cssWidth, cssHeight);

  const style = getComputedStyle(document.body);
  const ink = style.getPropertyValue('--chart-ink').trim() || '#9aa7b8';
  const grid = style.getPropertyValue('--chart-grid').trim() || '#2a3442';
  const left = 48;
  const right = 10;
  const top = 10;
  const bottom = 22;
  const w = cssWidth - left - right;
  const plotH = cssHeight - top - bottom;

  const times = h && Array.isArray(h.times_unix_ms) ? h.times_unix_ms : [];
  const series = h && h.series && h.series[spec.series] ? h.series[spec.series] : {};
  const ids = Object.keys(series).sort(byId);
  learnColours(ids);
  const windowMs = (h && num(h.window_s) ? h.window_s : 900) * 1000;
  const end = times.length ? times[times.length - 1] : nowMs;
  const start = end - windowMs;
  let max = 0;
  for (const id of ids) {
    for (const v of series[id] || []) if (num(v) && v > max) max = v;
  }
  const scale = niceScale(max);
  const x = (t) => left + ((t - start) / windowMs) * w;
  const y = (v) => top + plotH - (v / scale.top) * plotH;

  // Grid, y labels on the left, minutes below.
  g.font = '11px system-ui, sans-serif';
  g.lineWidth = 1;
  g.strokeStyle = grid;
  g.fillStyle = ink;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let v = 0; v <= scale.top + scale.step / 2; v += scale.step) {
    const py = Math.round(y(v)) + 0.5;
    g.beginPath();
    g.moveTo(left, py);
    g.lineTo(left + w, py);
    g.stroke();
    const label = String(Number(v.toFixed(6)));  // 0.25, not 0.3; no 0.30000000000000004
    g.fillText(label, left - 6, py);
  }
  g.textBaseline = 'top';
  for (let minutes = 15; minutes >= 0; minutes -= 5) {
    const px = Math.round(x(end - minutes * 60000)) + 0.5;
    g.beginPath();
    g.moveTo(px, top);
    g.lineTo(px, top + plotH);
    g.stroke();
    g.textAlign = minutes === 15 ? 'left' : minutes === 0 ? 'right' : 'center';
    g.fillText(minutes === 0 ? 'now' : '\u2212' + minutes + ' min', px, top + plotH + 6);
  }

  // One line per slave; a gap (null) breaks it, a lone sample is a dot.
  let points = 0;
  g.lineWidth = 2;
  g.lineJoin = 'round';
  for (const id of ids) {
    const values = series[id] || [];
    g.strokeStyle = colourFor(id);
    g.fillStyle = colourFor(id);
    let drawing = false;
    let last = null;
    g.beginPath();
    for (let i = 0; i < times.length && i < values.length; ++i) {
      const v = values[i];
      if (!num(v) || times[i] < start) {
        drawing = false;
        continue;
      }
      const px = x(times[i]);
      const py = y(v);
      const alone = !num(values[i - 1]) && !num(values[i + 1]);
      if (alone) {
        g.fillRect(px - 1.5, py - 1.5, 3, 3);
      } else if (drawing) {
        g.lineTo(px, py);
      } else {
        g.moveTo(px, py);
      }
      drawing = true;
      last = [px, py];
      ++points;
    }
    g.stroke();
    if (last) {
      // The latest sample of each slave, so a short or sparse series shows.
      g.beginPath();
      g.arc(last[0], last[1], 3, 0, 2 * Math.PI);
      g.fill();
    }
  }
  if (points === 0) {
    g.fillStyle = ink;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(h ? 'No samples yet' : 'Waiting for the master\u2026', left + w / 2, top + plotH / 2);
  }
  canvas.dataset.series = String(ids.length);
  canvas.dataset.points = String(points);
  renderLegend($(spec.legend), ids, series);
}

// One entry per slave: its colour, its id and its latest value.
function renderLegend(legend, ids, series) {
  legend.textContent = '';
  for (const id of ids) {
    const values = series[id] || [];
    let latest = null;
    for (let i = values.length - 1; i >= 0; --i) {
      if (num(values[i])) {
        latest = values[i];
        break;
      }
    }
    const li = make('li');
    li.dataset.slave = id;
    const swatch = make('span', 'swatch');
    swatch.style.background = colourFor(id);
    swatch.setAttribute('aria-hidden', 'true');
    li.append(swatch, make('span', 'legend-id', id), make('span', 'legend-value', fmtRate(latest)));
    legend.appendChild(li);
  }
}

// Redraws both charts (after new history, or when the window is resized).
export function drawCharts(history, nowMs) {
  for (const spec of CHARTS) drawChart(spec, history, nowMs);
}
