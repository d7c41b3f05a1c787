// Suites: find one (or pick a recent one), see its progress by state as a bar, pause, ready or stop it.

import { api, may } from '../api.js';
import { el, fill, link, row, state, table, time } from '../dom.js';
import { subscribe } from '../live.js';
import { act, navigate } from '../main.js';

const ORDER = ['completed', 'failed', 'cancelled', 'working', 'dispatched', 'queued', 'paused'];

export default async function suites(section, { params: [id] }) {
  return id ? suite(section, id) : index(section);
}

async function index(section) {
  const input = el('input', { id: 'suite-input', name: 'suite', required: true, autocomplete: 'off' });
  const form = el('form', { class: 'filters', onsubmit: e => {
    e.preventDefault();
    navigate('/ui/suites/' + encodeURIComponent(input.value.trim()));
  } }, el('label', { for: 'suite-input' }, 'Suite guid '), input, el('button', { type: 'submit' }, 'Open'));
  const recent = el('div', { id: 'recent-suites' });
  fill(section, el('h1', {}, 'Suites'), form, el('h2', {}, 'Suites of the newest tasks'), recent);
  const page = await api('GET', '/api/tasks?limit=500');
  const seen = new Map();
  for (const t of page.tasks) {
    if (t.suite_guid && !seen.has(t.suite_guid)) {
      seen.set(t.suite_guid, t.created_at);
    }
  }
  fill(recent, table('Among the last 500 tasks submitted', ['Suite', 'Newest task'],
    [...seen].map(([s, at]) => row(link('/ui/suites/' + encodeURIComponent(s), s), time(at))), 'No suites among the newest tasks.'));
  return {};
}

async function suite(section, id) {
  const bar = el('div', { class: 'bar', id: 'suite-bar', role: 'img' });
  const counts = el('div', { class: 'cards', id: 'suite-counts' });
  const actions = el('div', { class: 'actions' });
  const list = el('div', { id: 'suite-tasks', class: 'reserve-tall' });
  fill(section, el('p', {}, link('/ui/suites', '← Suites')), el('h1', {}, 'Suite ', el('code', {}, id)), bar, counts, actions, list);
  const path = '/api/suites/' + encodeURIComponent(id);
  if (may.submit) {
    for (const [what, label] of [['pause', 'Pause'], ['ready', 'Ready'], ['stop', 'Stop']]) {
      actions.append(el('button', { type: 'button', id: 'suite-' + what, onclick: () => act(label, () => api('POST', path + '/' + what)).then(load) }, label));
    }
  }
  async function load() {
    const s = await api('GET', path + '?limit=100');
    const total = s.total || 0;
    const states = ORDER.filter(k => s.counts[k]).concat(Object.keys(s.counts).filter(k => !ORDER.includes(k)));
    bar.setAttribute('aria-label', states.map(k => s.counts[k] + ' ' + k).join(', ') || 'no tasks');
    fill(bar, states.map(k => el('span', { class: 'seg state-' + k, style: null, 'data-width': (100 * s.counts[k] / total).toFixed(2) })));
    bar.querySelectorAll('.seg').forEach(seg => { seg.style.width = seg.dataset.width + '%'; });
    fill(counts, el('div', { class: 'card' }, el('span', { class: 'label' }, 'Total'), el('span', { class: 'value', id: 'suite-total' }, total)),
      states.map(k => el('div', { class: 'card' }, el('span', { class: 'label' }, k), el('span', { class: 'value', id: 'suite-' + k + '-count' }, s.counts[k]))));
    fill(list, table('Its tasks (the first ' + s.tasks.length + ' of ' + total + ')', ['Guid', 'Type', 'State', 'Worker', 'Created'],
      s.tasks.map(t => row(link('/ui/tasks/' + encodeURIComponent(t.guid), t.guid), t.task_type, state(t.state), t.worker || '', time(t.created_at))),
      'No tasks in this suite.'));
  }
  await load();
  const stop = subscribe(() => load().catch(() => {}));
  return { destroy: stop };
}
