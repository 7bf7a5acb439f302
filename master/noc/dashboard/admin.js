// provisor NOC dashboard: the admin actions, shown only when the master says
// "admin": true. The operator types the master's admin token (kept in memory
// and in this tab's sessionStorage, never in a URL); each slave's row gets
// Drain/Undrain and a weight field, which POST to /api/v1/slaves/<id>/...
// with that token. The outcome of each action is shown above the table.
import {$, make} from './common.js';

const TOKEN_KEY = 'provisor.dashboard.admin_token';
const OK_MESSAGE_MS = 8000;

let token = '';
let afterAction = () => {};  // set by setupAdmin
let messageTimer = 0;

// Wires the token field; `onAccepted` runs after the master accepts an action
// (the page refreshes the cluster then instead of waiting for its next poll).
export function setupAdmin(onAccepted) {
  afterAction = onAccepted;
  const input = $('admin-token');
  try {
    token = sessionStorage.getItem(TOKEN_KEY) || '';
  } catch (e) {
    token = '';
  }
  input.value = token;
  input.addEventListener('input', () => {
    token = input.value.trim();
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) {
      // Storage disabled: the token stays in memory only.
    }
  });
  $('admin-forget').addEventListener('click', () => {
    input.value = '';
    token = '';
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) {
      // Nothing stored.
    }
  });
}

// The token typed in the field ('' when none): reads send it too when the
// master asks for one (off loopback).
export function currentToken() {
  return token;
}

// Shows the token field without the row actions: the master wants a token
// before it shows anything.
export function askForToken() {
  $('admin-panel').hidden = false;
}

// Shows or hides the token field and every row's actions (CSS: body.admin).
export function renderAdmin(admin) {
  document.body.classList.toggle('admin', !!admin);
  $('admin-panel').hidden = !admin;
}

function showMessage(kind, text) {
  const node = $('admin-message');
  node.hidden = false;
  node.dataset.kind = kind;
  node.textContent = text;
  clearTimeout(messageTimer);
  if (kind === 'ok') messageTimer = setTimeout(() => { node.hidden = true; }, OK_MESSAGE_MS);
}

// POSTs one action; resolves true when the master accepted it.
async function adminAction(id, action, body) {
  if (!token) {
    showMessage('error', 'Type the admin token first (field "Admin token" above the table).');
    $('admin-token').focus();
    return false;
  }
  const path = '/api/v1/slaves/' + encodeURIComponent(id) + '/' + action;
  const init = {
    method: 'POST',
    cache: 'no-store',
    headers: {'Authorization': 'Bearer ' + token},
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
  afterAction();
  return true;
}

// The actions cell of slave `id`'s row: Drain/Undrain, a weight field and
// its Set button. Returns {cell, update(state)}; update() makes the button
// undrain while the slave is draining.
export function makeActions(id) {
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

  let draining = false;
  drain.addEventListener('click', () => {
    adminAction(id, draining ? 'undrain' : 'drain', null);
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

  const update = (state) => {
    draining = state === 'draining';
    drain.textContent = draining ? 'Undrain' : 'Drain';
    drain.setAttribute('aria-label', (draining ? 'Undrain ' : 'Drain ') + id);
  };
  return {cell, update};
}
