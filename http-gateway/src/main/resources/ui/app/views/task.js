// A task: its envelope, timeline (every attempt with its worker and outcome), progress, logs,
// result or failure, and what the key may do to it: cancel, retry now, change priority.

import { api, may } from '../api.js';
import { el, fill, json, link, state, time } from '../dom.js';
import { subscribe } from '../live.js';
import { act } from '../main.js';

const ENDED = ['completed', 'failed', 'cancelled'];

export default async function task(section, { params: [guid] }) {
  const heading = el('h1', {}, 'Task ', el('code', {}, guid));
  const summary = el('div', { id: 'task-summary' });
  const actions = el('div', { class: 'actions', id: 'task-actions' });
  const body = el('div', { id: 'task-body' });
  fill(section, el('p', {}, link('/ui/tasks', '← Tasks')), heading, summary, actions, body);

  let shown = null;
  async function load() {
    const t = await api('GET', '/api/tasks/' + encodeURIComponent(guid));
    const key = JSON.stringify(t);
    if (key === shown) {
      return t;
    }
    shown = key;
    fill(summary, el('dl', { class: 'facts' },
      fact('State', state(t.state), 'task-state'), fact('Type', t.task_type), fact('Priority', t.priority),
      fact('Attempt', t.attempt + ' of at most ' + t.max_attempts), fact('Worker', t.worker || '—'),
      fact('Progress', el('progress', { max: 100, value: t.progress, 'aria-label': 'Progress' }, t.progress + '%'), null, t.progress + '%'),
      fact('Suite', t.suite_guid ? link('/ui/suites/' + encodeURIComponent(t.suite_guid), t.suite_guid) : '—')));
    showActions(t);
    fill(body,
      el('section', { 'aria-labelledby': 'h-timeline' }, el('h2', { id: 'h-timeline' }, 'Timeline'), timeline(t)),
      t.state === 'failed' || t.fail_reason ? el('section', { 'aria-labelledby': 'h-failure' }, el('h2', { id: 'h-failure' }, 'Failure'),
        el('p', { class: 'error' }, t.fail_reason || 'no reason given'), el('p', {}, t.fail_count + ' failed attempt(s), ' + t.lost_count + ' lost with their worker')) : null,
      t.state === 'completed' ? el('section', { 'aria-labelledby': 'h-result' }, el('h2', { id: 'h-result' }, 'Result'), json(t.result)) : null,
      el('section', { 'aria-labelledby': 'h-logs' }, el('h2', { id: 'h-logs' }, 'Logs'), logs(t.logs || [])),
      el('section', { 'aria-labelledby': 'h-envelope' }, el('h2', { id: 'h-envelope' }, 'Envelope'), json(envelope(t))));
    return t;
  }

  function showActions(t) {
    const buttons = [];
    if (may.submit && !ENDED.includes(t.state)) {
      buttons.push(el('button', { type: 'button', id: 'cancel-task', onclick: () => act('Cancel', () => api('DELETE', '/api/tasks/' + encodeURIComponent(guid))).then(load) }, 'Cancel'));
    }
    if (may.submit && (t.state === 'failed' || t.state === 'cancelled')) {
      buttons.push(el('button', { type: 'button', id: 'retry-task', onclick: () => act('Retry', () => api('POST', '/api/tasks/' + encodeURIComponent(guid) + '/retry')).then(load) }, 'Retry now'));
    }
    if (may.submit && (t.state === 'queued' || t.state === 'paused')) {
      const input = el('input', { type: 'number', id: 'priority-input', step: 1, value: t.priority, required: true });
      buttons.push(el('form', { class: 'inline', onsubmit: e => {
        e.preventDefault();
        act('Change priority', () => api('PATCH', '/api/tasks/' + encodeURIComponent(guid), { priority: Number(input.value) })).then(load);
      } }, el('label', { for: 'priority-input' }, 'Priority '), input, el('button', { type: 'submit' }, 'Change')));
    }
    fill(actions, buttons);
  }

  await load();
  const stop = subscribe(tick => {
    const ended = shown && ENDED.includes(JSON.parse(shown).state);
    if (!ended || tick.changed.tasks.includes(guid) || tick.changed.more_tasks) {
      load().catch(() => {});
    }
  });
  return { destroy: stop };
}

function fact(label, value, id, text) {
  return [el('dt', {}, label), el('dd', { id, 'data-text': text }, value)];
}

function envelope(t) {
  const e = {};
  for (const k of ['guid', 'task_type', 'priority', 'resources', 'time_limit', 'max_attempts', 'task_data', 'suite_guid', 'run_at', 'repeat_every', 'repeat_timezone']) {
    if (t[k] !== null && t[k] !== undefined) {
      e[k] = t[k];
    }
  }
  return { ...e, ...(t.extra || {}) };
}

/** Submitted, due, each ended attempt (TEF's own log lines), the last start and the end. */
function timeline(t) {
  const events = [['submitted (queued)', t.created_at]];
  if (t.run_at && t.run_at !== t.created_at) {
    events.push(['due', t.run_at]);
  }
  for (const line of t.logs || []) {
    if (line.source === 'tef' && line.outcome) {
      events.push([line.message, line.at]);
    }
  }
  if (t.started_at) {
    events.push(['attempt ' + t.attempt + ' working' + (t.worker ? ' on ' + t.worker : ''), t.started_at]);
  }
  if (t.finished_at && ENDED.includes(t.state)) {
    events.push([t.state, t.finished_at]);
  }
  events.sort((a, b) => new Date(a[1] || 0) - new Date(b[1] || 0));
  return el('ol', { class: 'timeline', id: 'timeline' }, events.map(([what, at]) => el('li', {}, time(at), ' ', what)));
}

function logs(lines) {
  if (!lines.length) {
    return el('p', { class: 'muted' }, 'No log lines.');
  }
  return el('ol', { class: 'logs' }, lines.map(l => el('li', { class: 'log-' + (l.level || 'info') }, time(l.at), ' ',
    el('span', { class: 'muted' }, '[' + (l.source === 'tef' ? 'tef' : 'attempt ' + (l.attempt ?? '?')) + ' ' + (l.level || 'info') + '] '), l.message)));
}
