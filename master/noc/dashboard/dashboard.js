// provisor NOC dashboard. Polls the master that served this page:
//   /api/v1/cluster every 2 s (header, totals, slave table),
//   /api/v1/events  every 2 s, only what is new (after=<last seq>),
//   /api/v1/history every 5 s (the two charts, drawn on <canvas> here).
// Read-only unless the master says "admin": true; then drain/undrain and
// weight actions POST with the token the operator typed (kept in memory and
// in this tab's sessionStorage, never in a URL).
'use strict';

(function () {
  const CLUSTER_EVERY_MS = 2000;
  const EVENTS_EVERY_MS = 2000;
  const HISTORY_EVERY_MS = 5000;
  const FETCH_TIMEOUT_MS = 5000;
  const EVENTS_PAGE = 1000;
  const EVENTS_KEPT = 200;
  const TOKEN_KEY = 'provisor.dashboard.admin_token';
  // 16 colours (a master has at most 16 slaves), distinct on the dark page.
  const PALETTE = [
    '#4e9bff', '#ffb020', '#3ddc84', '#ff5c7a', '#b48cff', '#2ed3d3', '#ff8c42', '#c8e64c',
    '#f06bd0', '#8fb8ff', '#ffd966', '#7be0a8', '#ff9e9e', '#d5b8ff', '#9ee6e6', '#e0a070',
  ];

  const state = {
    cluster: null,
    clusterSeq: 0,          // requests started, to drop answers that arrive out of order
    clusterApplied: 0,
    receivedAt: 0,          // Date.now() when the last cluster answer arrived
    clockOffsetMs: 0,       // master's now_unix_ms minus ours
    failingSince: 0,        // Date.now() of the first failed poll, 0 while healthy
    lastError: '',
    admin: false,
    token: '',
    rows: new Map(),        // slave id -> {tr, cells, ...}
    colours: new Map(),     // slave id -> colour, assigned once per page
    history: null,
    eventsSeq: 0,
    eventsBusy: false,
  };

  function $(id) {
    return document.getElementById(id);
  }

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function byId(a, b) {
    return a.localeCompare(b, undefined, {numeric: true});
  }

  // ---- formatting ---------------------------------------------------------

  function num(x) {
    return typeof x === 'number' && isFinite(x);
  }

  function fmtInt(x) {
    return num(x) ? Math.round(x).toLocaleString('en-US') : '\u2013';
  }

  function fmtRate(x) {
    if (!num(x)) return '\u2013';
    if (x === 0) return '0';
    if (Math.abs(x) < 100) return x.toFixed(1);
    return Math.round(x).toLocaleString('en-US');
  }

  function fmtWeight(x) {
    if (!num(x)) return '\u2013';
    return Number.isInteger(x) ? String(x) : x.toFixed(1);
  }

  function fmtPercent(x) {
    return num(x) ? (x * 100).toFixed(1) + ' %' : '\u2013';
  }

  function fmtDuration(seconds) {
    if (!num(seconds)) return '\u2013';
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const r = s % 60;
    const two = (v) => String(v).padStart(2, '0');
    if (h > 0) return h + 'h ' + two(m) + 'm ' + two(r) + 's';
    if (m > 0) return m + 'm ' + two(r) + 's';
    return r + 's';
  }

  function fmtAge(seconds) {
    if (!num(seconds) || seconds < 0) return 'never';
    if (seconds < 60) return seconds.toFixed(1) + ' s ago';
    return fmtDuration(seconds) + ' ago';
  }

  function fmtClock(ms) {
    const d = new Date(ms);
    const two = (v) => String(v).padStart(2, '0');
    const time = two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
    const now = new Date();
    if (d.toDateString() === now.toDateString()) return time;
    return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + time;
  }

  function colourFor(id) {
    if (!state.colours.has(id)) {
      state.colours.set(id, PALETTE[state.colours.size % PALETTE.length]);
    }
    return state.colours.get(id);
  }

  // Gives new slaves their colour in id order, so a fresh page is predictable.
  function learnColours(ids) {
    ids.filter((id) => !state.colours.has(id)).sort(byId).forEach(colourFor);
  }

  // ---- fetching -----------------------------------------------------------

  async function getJson(path) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
    try {
      const response = await fetch(path, {
        cache: 'no-store',
        signal: abort.signal,
        headers: {'Accept': 'application/json'},
      });
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
    const left = (tokens.next_rotation_unix_ms - (Date.now() + state.clockOffsetMs)) / 1000;
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

    const cell = make('td', 'admin-only');
    cell.dataset.col = 'actions';
    const actions = make('div', 'actions');
    cell.appendChild(actions);
    const drain = make('button', 'drain', 'Drain');
    drain.type = 'button';
    const weight = make('input', 'weight-input');
    weight.type = 'number';
    weight.min = '0';
    weight.step = '1';
    weight.inputMode = 'numeric';
    weight.setAttribute('aria-label', 'New operator weight for ' + id);
    const setWeight = make('button', 'set-weight', 'Set');
    setWeight.type = 'button';
    setWeight.setAttribute('aria-label', 'Set the operator weight of ' + id);
    actions.append(drain, weight, setWeight);
    tr.appendChild(cell);

    const row = {tr, cells, badge, drain, weight, state: ''};
    drain.addEventListener('click', () => {
      const action = row.state === 'draining' ? 'undrain' : 'drain';
      adminAction(id, action, null);
    });
    const submitWeight = () => {
      const text = weight.value.trim();
      if (!/^\d+$/.test(text)) {
        showMessage('error', 'Weight for ' + id + ' must be a whole number of 0 or more.');
        return;
      }
      adminAction(id, 'weight', {weight: Number(text)}).then((ok) => {
        if (ok) weight.value = '';
      });
    };
    setWeight.addEventListener('click', submitWeight);
    weight.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') submitWeight();
    });
    return row;
  }

  function updateRow(row, s) {
    const st = ['up', 'down', 'draining'].includes(s.state) ? s.state : 'unknown';
    row.state = st;
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

    row.drain.textContent = st === 'draining' ? 'Undrain' : 'Drain';
    row.drain.setAttribute('aria-label', (st === 'draining' ? 'Undrain ' : 'Drain ') + s.id);
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

  // ---- admin actions ------------------------------------------------------

  function renderAdmin(admin) {
    state.admin = !!admin;
    document.body.classList.toggle('admin', state.admin);
    $('admin-panel').hidden = !state.admin;
  }

  let messageTimer = 0;
  function showMessage(kind, text) {
    const node = $('admin-message');
    node.hidden = false;
    node.dataset.kind = kind;
    node.textContent = text;
    clearTimeout(messageTimer);
    if (kind === 'ok') messageTimer = setTimeout(() => { node.hidden = true; }, 8000);
  }

  // POSTs one action; resolves true when the master accepted it.
  async function adminAction(id, action, body) {
    if (!state.token) {
      showMessage('error', 'Type the admin token first (field "Admin token" above the table).');
      $('admin-token').focus();
      return false;
    }
    const path = '/api/v1/slaves/' + encodeURIComponent(id) + '/' + action;
    const init = {
      method: 'POST',
      cache: 'no-store',
      headers: {'Authorization': 'Bearer ' + state.token},
    };
    if (body !== null) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const what = action === 'weight' ? 'Setting the weight of ' + id + ' to ' + body.weight
                                     : action[0].toUpperCase() + action.slice(1) + ' ' + id;
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      showMessage('error', what + ' failed: the master did not answer (' + e.message + ').');
      return false;
    }
    let payload = null;
    try {
      payload = await response.json();
    } catch (e) {
      payload = null;
    }
    if (!response.ok) {
      const reason = payload && payload.error ? payload.error : response.statusText;
      let hint = '';
      if (response.status === 401) hint = ' Check the admin token.';
      if (response.status === 403) hint = ' This master is read-only.';
      showMessage('error', what + ' failed: HTTP ' + response.status + ': ' + reason + '.' + hint);
      return false;
    }
    showMessage('ok', what + ': done.');
    refreshCluster();
    return true;
  }

  function setupToken() {
    const input = $('admin-token');
    try {
      state.token = sessionStorage.getItem(TOKEN_KEY) || '';
    } catch (e) {
      state.token = '';
    }
    input.value = state.token;
    input.addEventListener('input', () => {
      state.token = input.value.trim();
      try {
        if (state.token) sessionStorage.setItem(TOKEN_KEY, state.token);
        else sessionStorage.removeItem(TOKEN_KEY);
      } catch (e) {
        // Storage disabled: the token stays in memory only.
      }
    });
    $('admin-forget').addEventListener('click', () => {
      input.value = '';
      state.token = '';
      try {
        sessionStorage.removeItem(TOKEN_KEY);
      } catch (e) {
        // Nothing stored.
      }
    });
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

  const CHARTS = [
    {canvas: 'chart-transfers', legend: 'legend-transfers', series: 'transfers_per_s'},
    {canvas: 'chart-next-server', legend: 'legend-next-server', series: 'next_server_per_s'},
  ];

  // A round upper bound for the y axis and its step (1, 2 or 5 times 10^n).
  function niceScale(max) {
    if (!(max > 0)) return {top: 1, step: 0.25};
    const rough = max / 4;
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
    return {top: Math.ceil(max / step) * step, step};
  }

  function drawChart(spec) {
    const canvas = $(spec.canvas);
    const legend = $(spec.legend);
    const h = state.history;
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
    const end = times.length ? times[times.length - 1]
                             : Date.now() + state.clockOffsetMs;
    const start = end - windowMs;
    let max = 0;
    for (const id of ids) {
      for (const v of series[id] || []) if (num(v) && v > max) max = v;
    }
    const scale = niceScale(max);
    const x = (t) => left + ((t - start) / windowMs) * w;
    const y = (v) => top + plotH - (v / scale.top) * plotH;

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
      const label = Number.isInteger(v) ? String(v) : v.toFixed(scale.step < 0.1 ? 2 : 1);
      g.fillText(label, left - 6, py);
    }
    g.textAlign = 'center';
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

  function drawCharts() {
    CHARTS.forEach(drawChart);
  }

  async function refreshHistory() {
    state.history = await getJson('/api/v1/history');
    drawCharts();
  }

  // ---- start -----------------------------------------------------------------

  function start() {
    setupToken();
    drawCharts();
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
        drawCharts();
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
