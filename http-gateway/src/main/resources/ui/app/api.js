// Every call to TEF goes through here: the REST API, with the key the user gave (x-api-key).
// The key lives in sessionStorage (this tab) unless the user asked to keep it in localStorage.

const STORE = 'tef.api-key';

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error + (body.field ? ' (' + body.field + ')' : '') : 'HTTP ' + status);
    this.status = status;
    this.body = body;
  }
}

let askForKey = async () => { throw new ApiError(401, { error: 'a key is needed' }); };

export function onKeyNeeded(ask) {
  askForKey = ask;
}

export function key() {
  return sessionStorage.getItem(STORE) || localStorage.getItem(STORE);
}

export function setKey(value, remember) {
  forgetKey();
  if (value) {
    (remember ? localStorage : sessionStorage).setItem(STORE, value);
  }
}

export function forgetKey() {
  sessionStorage.removeItem(STORE);
  localStorage.removeItem(STORE);
}

export function headers(extra = {}) {
  const h = { accept: 'application/json', ...extra };
  const k = key();
  if (k) {
    h['x-api-key'] = k;
  }
  return h;
}

/** A JSON call; a 401 asks for a key and tries again once it is given. */
export async function api(method, path, body) {
  for (;;) {
    const init = { method, headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
    }
    const r = await fetch(path, init);
    const text = await r.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = { error: text };
    }
    if (r.status === 401) {
      await askForKey(json && json.error);
      continue;
    }
    if (!r.ok) {
      throw new ApiError(r.status, json);
    }
    return json;
  }
}

/** What the key may do: {read, submit, admin}. */
export let may = { read: false, submit: false, admin: false };

export async function loadAccess() {
  const a = await api('GET', '/api/access');
  may = a.may;
  return a;
}
