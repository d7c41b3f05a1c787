// Workers: each one, its door, status, task, heartbeat, counters; remove.

import { api, may } from '../api.js';
import { el, fill, link, row, table, time } from '../dom.js';
import { subscribe } from '../live.js';
import { act } from '../main.js';

const DOORS = { event_bus: 'event bus', amqp: 'AMQP', rest: 'REST', wokmanager: 'REST (wokmanager)', zmq: 'ZeroMQ', qworker: 'Qworker (mubsub)' };

export default async function workers(section) {
  const list = el('div', { id: 'worker-list', class: 'reserve' });
  const opened = new Set(); // whose messages are shown: they stay open as the list refreshes
  fill(section, el('h1', {}, 'Workers'), list);
  async function load() {
    const w = await api('GET', '/api/workers');
    const columns = ['Name', 'Door', 'Status', 'Task', 'Last heartbeat', 'Ping interval', 'Dispatched', 'Completed', 'Failed', 'Messages and errors'];
    if (may.admin) {
      columns.push('Actions');
    }
    fill(list, table(w.count + ' worker(s)', columns, w.workers.map(x => row(
      x.name, DOORS[x.via] || x.via || '', el('span', { class: x.alive ? 'ok' : 'error' }, (x.status || '') + (x.alive ? '' : ' (silent)')),
      x.task ? link('/ui/tasks/' + encodeURIComponent(x.task), x.task) : '', time(x.last_seen),
      x.ping_interval_ms ? (x.ping_interval_ms / 1000) + ' s' : '', x.tasks_dispatched ?? 0, x.tasks_completed ?? 0, x.tasks_failed ?? 0,
      history(x.name, opened),
      may.admin ? el('button', { type: 'button', class: 'danger', 'aria-label': 'Remove ' + x.name,
        onclick: () => act('Remove ' + x.name, () => api('DELETE', '/api/workers/' + encodeURIComponent(x.name))).then(load) }, 'Remove') : null)),
      'No workers.'));
  }
  await load();
  const stop = subscribe(tick => {
    if (tick.changed.workers) {
      load().catch(() => {});
    }
  });
  const timer = setInterval(() => load().catch(() => {}), 5000); // heartbeats are not events
  return { destroy() { stop(); clearInterval(timer); } };
}

/** The worker's messages and errors (newest 50 of each), read from its own record when opened. */
function history(name, opened) {
  const body = el('div', {}, el('span', { class: 'muted' }, 'loading'));
  const details = el('details', {}, el('summary', {}, 'Show'), body);
  details.addEventListener('toggle', async () => {
    if (!details.open) {
      opened.delete(name);
      return;
    }
    opened.add(name);
    try {
      const w = await api('GET', '/api/workers/' + encodeURIComponent(name));
      const lines = (list, cls) => (list || []).map(m => el('div', { class: cls }, typeof m === 'string' ? m : [m.at ? time(m.at) : null, ' ', m.message || m.error || JSON.stringify(m)]));
      const all = [...lines(w.messages, ''), ...lines(w.errors, 'error')];
      fill(body, all.length ? all : el('span', { class: 'muted' }, 'No messages or errors.'));
    } catch (e) {
      fill(body, el('span', { class: 'error' }, e.message));
    }
  });
  details.open = opened.has(name);
  return details;
}
