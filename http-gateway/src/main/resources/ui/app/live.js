// The live feed: GET /api/events read with fetch (an EventSource cannot send the key header).
// One `history` event (the last hour, a row a second), then a `tick` a second; reconnects by itself.

import { headers } from './api.js';

const listeners = new Set();
let history = { columns: [], seconds: [] };
let lastTick = null;
let status = () => {};

export function onStatus(show) {
  status = show;
}

/** Calls back with every tick until the returned function is called. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function seconds() {
  return history.seconds;
}

export function latest() {
  return lastTick;
}

export async function connect(onUnauthorized) {
  let wait = 1000;
  for (;;) {
    try {
      const r = await fetch('/api/events', { headers: headers({ accept: 'text/event-stream' }) });
      if (r.status === 401) {
        status('key needed');
        const body = await r.json().catch(() => ({}));
        await onUnauthorized(body.error);
        continue;
      }
      if (!r.ok) {
        throw new Error('HTTP ' + r.status);
      }
      status('live');
      wait = 1000;
      await read(r.body);
      status('reconnecting');
    } catch (e) {
      status('offline, retrying');
    }
    await new Promise(done => setTimeout(done, wait));
    wait = Math.min(wait * 2, 15000);
  }
}

async function read(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    pending += value;
    let end;
    while ((end = pending.indexOf('\n\n')) >= 0) {
      frame(pending.slice(0, end));
      pending = pending.slice(end + 2);
    }
  }
}

function frame(text) {
  let name = 'message';
  let data = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('event: ')) {
      name = line.slice(7);
    } else if (line.startsWith('data: ')) {
      data += line.slice(6);
    }
  }
  const event = JSON.parse(data);
  if (name === 'history') {
    history = event;
  } else if (name === 'tick') {
    history.seconds.push(event.second);
    if (history.seconds.length > 3600) {
      history.seconds.shift();
    }
    lastTick = event;
    for (const l of listeners) {
      try {
        l(event);
      } catch (e) {
        console.warn('a view failed to update', e);
      }
    }
  }
}
