// Overview: live tasks by type and state, the last hour's throughput and submit-to-start latency
// (Chart.js), queues by type, the dispatcher with its switch, and the cluster's nodes.

import { api, may } from '../api.js';
import { el, fill, row, state, table, time } from '../dom.js';
import { latest, seconds, subscribe } from '../live.js';
import { act } from '../main.js';

const STATES = ['queued', 'dispatched', 'working', 'paused'];

export default async function overview(section) {
  const dispatcher = el('div', { class: 'cards', id: 'dispatcher' });
  const switcher = el('fieldset', { class: 'switch', id: 'dispatcher-switch' },
    el('legend', {}, 'Switch the dispatcher' + (may.admin ? '' : ' (an admin key may)')),
    ['running', 'paused', 'stopped'].map(s => el('label', {},
      el('input', { type: 'radio', name: 'dispatcher-state', value: s, disabled: !may.admin, onchange: () => setState(s) }), ' ' + s)));
  const liveByType = el('div', { id: 'live-by-type', class: 'reserve' });
  const ended = el('div', { class: 'cards', id: 'ended' });
  const queues = el('div', { id: 'queues', class: 'reserve' });
  const nodes = el('div', { id: 'nodes' });
  const throughput = el('canvas', { id: 'throughput-chart', role: 'img', 'aria-label': 'Tasks ended per minute over the last hour' });
  const latency = el('canvas', { id: 'latency-chart', role: 'img', 'aria-label': 'Submit to start latency per minute over the last hour' });
  fill(section,
    el('h1', {}, 'Overview'),
    el('div', { class: 'grid' },
      el('section', { 'aria-labelledby': 'h-dispatcher' }, el('h2', { id: 'h-dispatcher' }, 'Dispatcher'), switcher, dispatcher),
      el('section', { 'aria-labelledby': 'h-ended' }, el('h2', { id: 'h-ended' }, 'Ended in the last hour'), ended)),
    el('section', { 'aria-labelledby': 'h-live' }, el('h2', { id: 'h-live' }, 'Live tasks by type and state'), liveByType),
    el('div', { class: 'grid' },
      el('section', { 'aria-labelledby': 'h-throughput' }, el('h2', { id: 'h-throughput' }, 'Throughput (tasks ended per minute)'),
        el('div', { class: 'chart' }, throughput)),
      el('section', { 'aria-labelledby': 'h-latency' }, el('h2', { id: 'h-latency' }, 'Submit → start latency (ms, per minute)'),
        el('div', { class: 'chart' }, latency))),
    el('section', { 'aria-labelledby': 'h-queues' }, el('h2', { id: 'h-queues' }, 'Queues by type'), queues),
    el('section', { 'aria-labelledby': 'h-nodes' }, el('h2', { id: 'h-nodes' }, 'Nodes'), nodes));

  const charts = makeCharts(throughput, latency);

  async function setState(s) {
    await act('Set the dispatcher ' + s, () => api('PUT', '/api/dispatcher/state', { state: s }));
    showDispatcher(await api('GET', '/api/dispatcher/state'));
  }

  function showDispatcher(d) {
    if (!d || d.error) {
      return;
    }
    for (const input of switcher.querySelectorAll('input')) {
      input.checked = input.value === d.state;
    }
    fill(dispatcher,
      card('State', state(d.state), 'dispatcher-state'),
      card('Live', d.live), card('Queued', d.queued), card('Waiting for their time', d.waiting), card('Workers', d.workers));
    const types = Object.keys(d.by_type || {}).sort();
    const extra = [...new Set(types.flatMap(t => Object.keys(d.by_type[t])))].filter(s => !STATES.includes(s)).sort();
    const columns = [...STATES, ...extra];
    fill(liveByType, table('Live tasks of this dispatcher, by type and state', ['Type', ...columns, 'Total'],
      types.map(t => {
        const counts = d.by_type[t];
        return row(el('a', { href: '/ui/tasks?task_type=' + encodeURIComponent(t) }, t),
          ...columns.map(c => counts[c] || 0), Object.values(counts).reduce((a, b) => a + b, 0));
      }), 'No live tasks.'));
    const q = Object.entries(d.queues || {}).sort(([a], [b]) => a.localeCompare(b));
    fill(queues, table('Tasks due and waiting for a worker, by type', ['Type', 'Depth', 'Oldest waiting'],
      q.map(([t, v]) => row(t, v.depth, age(v.oldest_age_seconds))), 'No task is waiting for a worker.'));
  }

  function showEnded() {
    const s = seconds();
    const sum = i => s.reduce((a, r) => a + r[i], 0);
    fill(ended, card('Completed', sum(1), 'ended-completed'), card('Failed', sum(2), 'ended-failed'), card('Cancelled', sum(3), 'ended-cancelled'));
    charts.update(s);
  }

  async function showNodes() {
    const c = await api('GET', '/api/cluster');
    fill(nodes, table(c.clustered ? 'The nodes of this cluster' : 'This node (not clustered)', ['Name', 'Roles', 'Host', 'HTTP port', 'Status', 'Started'],
      c.nodes.map(n => row(n.name, (n.roles || []).join(', '), n.host || '', n.http_port || '', n.status || '', time(n.started_at)))));
  }

  showDispatcher(latest() ? latest().dispatcher : await api('GET', '/api/dispatcher/state'));
  showEnded();
  await showNodes();
  const nodesTimer = setInterval(() => showNodes().catch(() => {}), 10000);
  const stop = subscribe(tick => {
    showDispatcher(tick.dispatcher);
    showEnded();
  });
  return {
    destroy() {
      stop();
      clearInterval(nodesTimer);
      charts.destroy();
    },
  };
}

function card(label, value, id) {
  return el('div', { class: 'card', id }, el('span', { class: 'label' }, label), el('span', { class: 'value' }, value));
}

function age(secondsOld) {
  if (secondsOld < 60) {
    return secondsOld.toFixed(1) + ' s';
  }
  if (secondsOld < 3600) {
    return (secondsOld / 60).toFixed(1) + ' min';
  }
  return (secondsOld / 3600).toFixed(1) + ' h';
}

/** Seconds rolled up into minutes: counts summed; latency p50 weighted by tasks, p99 the worst second's. */
function perMinute(rows) {
  const minutes = new Map();
  for (const [at, completed, failed, cancelled, p50, p99] of rows) {
    const m = Math.floor(at / 60000) * 60000;
    let v = minutes.get(m);
    if (!v) {
      v = { completed: 0, failed: 0, cancelled: 0, weighted: 0, n: 0, p99: null };
      minutes.set(m, v);
    }
    v.completed += completed;
    v.failed += failed;
    v.cancelled += cancelled;
    const n = completed + failed + cancelled;
    if (p50 >= 0 && n > 0) {
      v.weighted += p50 * n;
      v.n += n;
      v.p99 = Math.max(v.p99 ?? 0, p99);
    }
  }
  return [...minutes.entries()].sort(([a], [b]) => a - b);
}

function makeCharts(throughputCanvas, latencyCanvas) {
  if (typeof Chart === 'undefined') {
    return { update() {}, destroy() {} };
  }
  const common = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true } },
  };
  const throughput = new Chart(throughputCanvas, {
    type: 'bar',
    data: { labels: [], datasets: [
      { label: 'completed', data: [], backgroundColor: '#2e7d32' },
      { label: 'failed', data: [], backgroundColor: '#c62828' },
      { label: 'cancelled', data: [], backgroundColor: '#757575' }] },
    options: { ...common, scales: { x: { stacked: true, ticks: { maxTicksLimit: 8 } }, y: { stacked: true, beginAtZero: true } } },
  });
  const latency = new Chart(latencyCanvas, {
    type: 'line',
    data: { labels: [], datasets: [
      { label: 'p50', data: [], borderColor: '#1565c0', pointRadius: 0, spanGaps: true },
      { label: 'p99', data: [], borderColor: '#ef6c00', pointRadius: 0, spanGaps: true }] },
    options: common,
  });
  return {
    update(rows) {
      const minutes = perMinute(rows);
      const labels = minutes.map(([m]) => new Date(m).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }));
      throughput.data.labels = labels;
      throughput.data.datasets[0].data = minutes.map(([, v]) => v.completed);
      throughput.data.datasets[1].data = minutes.map(([, v]) => v.failed);
      throughput.data.datasets[2].data = minutes.map(([, v]) => v.cancelled);
      latency.data.labels = labels;
      latency.data.datasets[0].data = minutes.map(([, v]) => v.n ? Math.round(v.weighted / v.n) : null);
      latency.data.datasets[1].data = minutes.map(([, v]) => v.p99);
      throughput.update('none');
      latency.update('none');
    },
    destroy() {
      throughput.destroy();
      latency.destroy();
    },
  };
}
