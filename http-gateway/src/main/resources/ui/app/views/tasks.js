// Tasks: filtered by state, type, suite, worker and text in the guid; newest first, a page at a
// time (the API's `next` cursor). The first page follows the live feed.

import { api } from '../api.js';
import { el, fill, link, row, state, table, time } from '../dom.js';
import { subscribe } from '../live.js';
import { navigate } from '../main.js';

const STATES = ['', 'queued', 'dispatched', 'working', 'paused', 'completed', 'failed', 'cancelled'];
const FILTERS = [['state', 'State'], ['task_type', 'Type'], ['suite_guid', 'Suite'], ['worker', 'Worker'], ['guid_contains', 'Guid contains']];

export default async function tasks(section, { query }) {
  const form = el('form', { class: 'filters', role: 'search', 'aria-label': 'Filter tasks' },
    FILTERS.map(([name, label]) => el('label', {}, label + ' ',
      name === 'state'
        ? el('select', { name }, STATES.map(s => el('option', { value: s, selected: (query.get(name) || '') === s }, s || 'any')))
        : el('input', { name, type: 'search', value: query.get(name) || '', autocomplete: 'off' }))),
    el('button', { type: 'submit' }, 'Apply'));
  const list = el('div', { id: 'task-list', class: 'reserve-tall' });
  const pager = el('div', { class: 'pager' });
  fill(section, el('h1', {}, 'Tasks'), form, list, pager);

  form.addEventListener('submit', e => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [name] of FILTERS) {
      const v = form.elements[name].value.trim();
      if (v) {
        q.set(name, v);
      }
    }
    navigate('/ui/tasks' + (q.toString() ? '?' + q : ''));
  });

  const before = query.get('before');
  async function load() {
    const q = new URLSearchParams(query);
    q.set('limit', '50');
    const page = await api('GET', '/api/tasks?' + q);
    fill(list, table(page.count ? 'Newest first' : 'No tasks match', ['Guid', 'Type', 'State', 'Priority', 'Attempt', 'Worker', 'Suite', 'Created'],
      page.tasks.map(t => row(link('/ui/tasks/' + encodeURIComponent(t.guid), t.guid), t.task_type, state(t.state), t.priority, t.attempt,
        t.worker || '', t.suite_guid ? link('/ui/suites/' + encodeURIComponent(t.suite_guid), t.suite_guid) : '', time(t.created_at))),
      'No tasks match these filters.'));
    const older = new URLSearchParams(query);
    older.set('before', page.next || '');
    const newest = new URLSearchParams(query);
    newest.delete('before');
    fill(pager,
      before ? el('a', { href: '/ui/tasks' + (newest.toString() ? '?' + newest : ''), class: 'button' }, 'Newest') : null,
      page.next ? el('a', { href: '/ui/tasks?' + older, class: 'button', rel: 'next' }, 'Older') : null);
  }
  await load();
  // Only the first page moves: an older page stays as it was read.
  let last = '';
  const stop = before ? () => {} : subscribe(tick => {
    const d = tick.dispatcher || {};
    const now = [d.live, d.queued, d.waiting, tick.changed.tasks.join(','), tick.changed.more_tasks].join('|');
    if (now !== last) {
      last = now;
      load().catch(() => {});
    }
  });
  return { destroy: stop };
}
