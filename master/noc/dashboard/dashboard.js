// provisor NOC dashboard: the page's entry point. Polls the master that
// served this page:
//   /api/v1/cluster every 2 s (header, totals, slave table),
//   /api/v1/events  every 2 s, only what is new (after=<last seq>),
//   /api/v1/history every 5 s (the two charts, drawn by charts.js),
// and shows when the master stops answering. Read-only unless the master
// says "admin": true; then admin.js adds the token field and each row's
// drain/undrain and weight actions.
import {askForToken, currentToken, makeActions, renderAdmin, setupAdmin} from './admin.js';
import {drawCharts, learnColours} from './charts.js';
import {
  $, byId, fmtAge, fmtClock, fmtDuration, fmtInt, fmtPercent, fmtRate, fmtWeight, make, num,
} from './common.js';

const CLUSTER_EVERY_MS = 2000;
const EVENTS_EVERY_MS = 2000;
const HISTORY_EVERY_MS = 5000;
const FETCH_TIMEOUT_MS = 5000;
const EVENTS_PAGE = 1000;
const EVENTS_KEPT = 200;

const state = {
  cluster: null,
  clusterSeq: 0,          // requests started, to drop answers that arrive out of order
  clusterApplied: 0,
  receivedAt: 0,          // Date.now() when the last cluster answer arrived
  clockOffsetMs: 0,       // master's now_unix_ms minus ours
  failingSince: 0,        // Date.now() of the first failed poll, 0 while healthy
  lastError: '',
  rows: new Map(),        // slave id -> {tr, cells, badge, actions}
  history: null,          // the last /api/v1/history answer
  eventsSeq: 0,
  eventsBusy: false,
};

// Now on the master's clock.
function masterNow() {
  return Date.now() + state.clockOffsetMs;
}

// ---- fetching -----------------------------------------------------------

// Reads go without credentials until the master answers 401 (a page opened
// from off loopback): from then on they carry the token typed in the field.
let readsNeedToken = false;

async function getJson(path) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
  const headers = {'Accept': 'application/json'};
  if (readsNeedToken && currentToken()) headers['Authorization'] = 'Bearer ' + currentToken();
  try {
    const response = await fetch(path, {cache: 'no-store', signal: abort.signal, headers});
    if (response.status === 401) {
      readsNeedToken = true;
      askForToken();
      throw new Error('this master shows its data only with an API token: type one in the ' +
                      'token field');
    }
    if (!response.ok) throw new Error('HTTP ' + response.status + ' from ' + path);
    return await response.json();
  } catch (e) {
    if (e.name === 'AbortError') throw new Error('no answer within ' + FETCH_TIMEOUT_MS / 1000 + ' s');
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

// Runs `task` now and then `everyMs` after each run ends (never overlapping).
function every(everyMs, task) {
  const run = async () => {
    try {
      await task();
    } catch (e) {
      // Each task reports its own failures; keep polling regardless.
    }
    setTimeout(run, everyMs);
  };
  run();
}

// ---- connection indicator -------------------------------------------------

function renderConnection() {
  const node = $('connection');
  const now = Date.now();
  let kind;
  let text;
  if (state.failingSince === 0 && state.cluster) {
    kind = 'live';
    text = 'Live \u00b7 updated ' + fmtClock(state.receivedAt);
  } else if (!state.cluster) {
    kind = state.failingSince ? 'stale' : 'connecting';
    text = state.failingSince ? 'Master not answering: ' + state.lastError
                              : 'Connecting to the master\u2026';
  } else {
    kind = 'stale';
    text = 'Stale: master not answering for ' + fmtDuration((now - state.failingSince) / 1000) +
           ', showing data from ' + fmtDuration((now - state.receivedAt) / 1000) + ' ago (' +
           state.lastError + ')';
  }
  node.dataset.state = kind;
  node.textContent = text;
  document.body.classList.toggle('stale', kind === 'stale');
}

// ---- header and totals --------------------------------------------------------

function setText(id, text) {
  const node = $(id);
  if (node.textContent !== text) node.textContent = text;
}

function renderHeader(c) {
  let role = c.role === 'relay' ? 'relay' : 'root';
  if (c.role === 'relay') {
    role += ' of ' + (c.upstream || '?') + (c.upstream_connected ? ' (connected)' : ' (disconnected)');
  }
  setText('role', role);
  setText('revision', fmtInt(c.revision));
  const tokens = c.tokens || {};
  setText('token-epoch', tokens.epoch ? fmtInt(tokens.epoch) : 'no keys yet');
  setText('mode', c.admin ? 'admin actions enabled' : 'read-only');
  renderRotation();

  const t = c.totals || {};
  setText('total-up', fmtInt(t.up) + (num(t.slaves) ? ' / ' + fmtInt(t.slaves) : ''));
  setText('total-down', fmtInt(t.down));
  setText('total-draining', fmtInt(t.draining));
  setText('total-sessions', fmtInt(t.active_sessions));
  setText('total-transfers', fmtRate(t.transfers_per_s));
  setText('total-failures', fmtRate(t.failures_per_s));
  setText('total-next-server', fmtRate(t.next_server_per_s));
  $('total-down').classList.toggle('alarm', t.down > 0);

  const ns = c.next_server || {};
  const parts = [['answered', 'answered'], ['default_class', 'default class'],
                 ['unknown_device', 'unknown device'], ['no_slave', 'no slave'],
                 ['bad_request', 'bad request'], ['error', 'error']]
      .filter(([key]) => num(ns[key]))
      .map(([key, label]) => label + ' ' + fmtInt(ns[key]));
  setText('next-server-counts', parts.length ? 'NextServer requests since the master started: ' +
                                               parts.join(' \u00b7 ') : '');

  // Each Kea hook's own totals, fallbacks served without a master included.
  const frontEnds = (c.dhcp_front_ends || []).map((f) =>
      f.id + ': answered ' + fmtInt(f.answered) + ', refused ' + fmtInt(f.refused) +
      ', fallback ' + fmtInt(f.fallback) + ', unanswered ' + fmtInt(f.unanswered) +
      ' (reported ' + fmtAge(f.report_age_s) + ')');
  setText('front-end-counts', frontEnds.length ? 'DHCP front ends \u2014 ' +
                                                 frontEnds.join(' \u00b7 ') : '');
}

// Counts down locally between polls, on the master's clock.
function renderRotation() {
  const c = state.cluster;
  if (!c) return;
  const tokens = c.tokens || {};
  if (!tokens.next_rotation_unix_ms) {
    setText('token-rotation', '\u2013');
    return;
  }
  const left = (tokens.next_rotation_unix_ms - masterNow()) / 1000;
  setText('token-rotation', left > 0 ? 'in ' + fmtDuration(left) : 'due now');
}

// ---- slave table ------------------------------------------------------

const COLUMNS = ['state', 'address', 'weight', 'effective_weight', 'answer_share',
                 'active_sessions', 'transfers_per_s', 'failures_per_s', 'revision',
                 'heartbeat'];
const NUMERIC = new Set(['weight', 'effective_weight', 'answer_share', 'active_sessions',
                         'transfers_per_s', 'revision', 'heartbeat']);

function makeRow(id) {
  const tr = make('tr');
  tr.dataset.slave = id;
  const head = make('th', 'slave-id', id);
  head.scope = 'row';
  tr.appendChild(head);
  const cells = {};
  for (const column of COLUMNS) {
    const td = make('td', NUMERIC.has(column) ? 'num' : '');
    td.dataset.col = column;
    cells[column] = td;
    tr.appendChild(td);
  }
  const badge = make('span', 'state');
  cells.state.appendChild(badge);

  const actions = makeActions(id);
  tr.appendChild(actions.cell);
  return {tr, cells, badge, actions};
}

function updateRow(row, s) {
  const st = ['up', 'down', 'draining'].includes(s.state) ? s.state : 'unknown';
  row.tr.dataset.state = st;
  row.badge.className = 'state state-' + st;
  // `syncing` is true while the slave's Sync stream is open: say so only when it is not.
  const unsynced = st !== 'down' && s.syncing === false;
  row.badge.textContent = st + (unsynced ? ' (no sync)' : '');
  row.badge.title = unsynced ? 'No Sync stream from this slave is open' : '';
  const c = row.cells;
  c.address.textContent = s.address || '\u2013';

  c.weight.textContent = fmtWeight(s.weight);
  c.weight.classList.toggle('overridden', !!s.weight_overridden);
  c.weight.title = s.weight_overridden ? 'Set by an operator (overrides the slave\'s own weight)'
                                       : 'The slave\'s configured weight';
  if (s.weight_overridden) c.weight.appendChild(make('span', 'override-mark', ' *'));
  c.weight.dataset.overridden = s.weight_overridden ? 'true' : 'false';

  c.effective_weight.textContent = fmtWeight(s.effective_weight);
  c.answer_share.textContent = fmtPercent(s.answer_share);
  c.answer_share.title = num(s.next_server_answers)
      ? fmtInt(s.next_server_answers) + ' answers since the master started' : '';
  c.active_sessions.textContent = fmtInt(s.active_sessions);
  c.transfers_per_s.textContent = fmtRate(s.transfers_per_s);

  const failures = s.failures_per_s || {};
  const reasons = Object.keys(failures).filter((k) => failures[k] > 0).sort();
  c.failures_per_s.textContent = reasons.length
      ? reasons.map((k) => k + ' ' + fmtRate(failures[k])).join(', ') : 'none';
  c.failures_per_s.classList.toggle('alarm', reasons.length > 0);
  const totals = s.failures || {};
  const totalKeys = Object.keys(totals).sort();
  c.failures_per_s.title = totalKeys.length
      ? 'Since the slave started: ' + totalKeys.map((k) => k + ' ' + fmtInt(totals[k])).join(', ')
      : '';

  c.revision.textContent = fmtInt(s.applied_revision) +
      (num(s.revision_lag) ? ' (' + fmtInt(s.revision_lag) + ')' : '');
  c.revision.classList.toggle('alarm', s.revision_lag > 0);

  c.heartbeat.textContent = fmtAge(s.heartbeat_age_s);
  row.actions.update(st);
}

function renderSlaves(slaves) {
  const tbody = $('slave-rows');
  const sorted = slaves.slice().sort((a, b) => byId(a.id, b.id));
  learnColours(sorted.map((s) => s.id));
  const placeholder = tbody.querySelector('tr.placeholder');
  if (sorted.length > 0 && placeholder) placeholder.remove();
  const seen = new Set();
  sorted.forEach((s, i) => {
    let row = state.rows.get(s.id);
    if (!row) {
      row = makeRow(s.id);
      state.rows.set(s.id, row);
    }
    updateRow(row, s);
    const at = tbody.children[i] || null;
    if (at !== row.tr) tbody.insertBefore(row.tr, at);
    seen.add(s.id);
  });
  for (const [id, row] of state.rows) {
    if (!seen.has(id)) {
      row.tr.remove();
      state.rows.delete(id);
    }
  }
  if (sorted.length === 0 && !tbody.querySelector('tr.placeholder')) {
    const tr = make('tr', 'placeholder');
    const td = make('td', '', 'No slave has registered with this master yet.');
    td.colSpan = 12;
    tr.appendChild(td);
    tbody.appendChild(tr);
  }
}

// ---- cluster poll -------------------------------------------------------

async function refreshCluster() {
  const seq = ++state.clusterSeq;
  let c;
  try {
    c = await getJson('/api/v1/cluster');
  } catch (e) {
    if (seq < state.clusterApplied) return;
    if (!state.failingSince) state.failingSince = Date.now();
    state.lastError = e.message || String(e);
    renderConnection();
    return;
  }
  if (seq < state.clusterApplied) return;
  state.clusterApplied = seq;
  state.cluster = c;
  state.receivedAt = Date.now();
  state.failingSince = 0;
  state.lastError = '';
  if (num(c.now_unix_ms)) state.clockOffsetMs = c.now_unix_ms - state.receivedAt;
  renderHeader(c);
  renderAdmin(c.admin);
  renderSlaves(Array.isArray(c.slaves) ? c.slaves : []);
  renderConnection();
}

// ---- events -------------------------------------------------------------

function eventItem(ev) {
  const li = make('li', 'event kind-' + (ev.kind || 'other'));
  li.dataset.seq = String(ev.seq);
  li.dataset.event = ev.id || '';
  li.dataset.kind = ev.kind || '';
  li.dataset.slave = ev.slave_id || '';
  const time = make('time', 'event-time', num(ev.time_unix_ms) ? fmtClock(ev.time_unix_ms) : (ev.time || ''));
  if (ev.time) time.dateTime = ev.time;
  if (ev.time) time.title = ev.time;
  li.append(time, make('span', 'event-id', ev.id || ev.kind || 'EVENT'));
  li.append(make('span', 'event-slave', ev.slave_id || 'cluster'));
  if (ev.reason) li.append(make('span', 'event-reason', ev.reason));
  return li;
}

async function refreshEvents() {
  if (state.eventsBusy) return;
  state.eventsBusy = true;
  try {
    const list = $('events');
    for (let page = 0; page < 20; ++page) {
      const data = await getJson('/api/v1/events?after=' + state.eventsSeq + '&limit=' + EVENTS_PAGE);
      const events = Array.isArray(data.events) ? data.events : [];
      if (num(data.last_seq) && data.last_seq < state.eventsSeq) {
        // The master restarted and numbers from 1 again: start over.
        state.eventsSeq = 0;
        list.textContent = '';
        continue;
      }
      for (const ev of events) {
        if (!num(ev.seq) || ev.seq <= state.eventsSeq) continue;
        state.eventsSeq = ev.seq;
        list.insertBefore(eventItem(ev), list.firstChild);
      }
      if (events.length < EVENTS_PAGE) break;
    }
    while (list.children.length > EVENTS_KEPT) list.lastChild.remove();
    $('events-empty').hidden = list.children.length > 0;
  } finally {
    state.eventsBusy = false;
  }
}

// ---- charts ---------------------------------------------------------------

async function refreshHistory() {
  state.history = await getJson('/api/v1/history');
  drawCharts(state.history, masterNow());
}

// ---- start -----------------------------------------------------------------

// A module script runs once the page is parsed: the elements are all there.
function start() {
  setupAdmin(refreshCluster);
  drawCharts(state.history, masterNow());
  every(CLUSTER_EVERY_MS, refreshCluster);
  every(EVENTS_EVERY_MS, refreshEvents);
  every(HISTORY_EVERY_MS, refreshHistory);
  setInterval(() => {
    renderRotation();
    renderConnection();
  }, 1000);
  let pending = false;
  window.addEventListener('resize', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      drawCharts(state.history, masterNow());
    });
  });
}

start();
