// A Qworker worker for the tests: Qworker's protocol and task layout (lib/worker.js, lib/task.js,
// lib/support.js of fabien/qworker) on the libraries it used, agenda 0.7.9 and mubsub 1.4.0.
// Qworker itself is not on npm; this follows what its code does, message for message.
//   node qworker-worker.cjs --id ID --mongo URL [--paths DIR] [--standalone] task...
// It prints one line per thing that happens ("qworker: <what>"), read by QworkerTest.
const path = require('path');
const fs = require('fs');
const mubsub = require('mubsub');
const Agenda = require('agenda');

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf('--' + name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const flag = (name) => { const i = args.indexOf('--' + name); if (i < 0) return false; args.splice(i, 1); return true; };
const mongo = opt('mongo');
const id = opt('id', 'worker-' + process.pid);
const paths = (opt('paths', path.join(process.cwd(), 'tasks'))).split(',');
const standalone = flag('standalone');
const taskIds = args;
const say = (what) => console.log('qworker: ' + what);
if (!mongo) { console.error('No mongo specified'); process.exit(2); }
if (taskIds.length === 0) { console.error('No tasks specified'); process.exit(2); }

// lib/support.js loadDefinitions: <name>.json beside <name>.js; id urlified, name capitalized.
const definitions = {};
for (const dir of paths) {
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const base = file.slice(0, -5);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    const tid = (meta.id || base).toLowerCase().replace(/\s+/g, '-');
    definitions[tid] = Object.assign({}, meta, { id: tid, name: meta.name || tid.charAt(0).toUpperCase() + tid.slice(1), definition: path.join(dir, base + '.js') });
  }
}

const client = mubsub(mongo);
const channel = client.channel('mubsub');
client.on('error', (e) => say('mubsub error ' + (e && e.message)));
channel.on('error', (e) => say('channel error ' + (e && e.message)));
const startedAt = new Date();
let agenda = null;
let agendaReady = false;
let pingTimer = null;
let pingInterval = 5000;
const running = {};

const toBSON = () => ({ id, pid: process.pid, taskIds, startedAt, pingedAt: new Date(), standalone });
const trigger = (event, data) => channel.publish('worker:' + event, data || toBSON());

// sendNotification(sourceType, sourceId, type, msg) of lib/worker.js
const sendNotification = (sourceType, sourceId, type, msg) => {
  const n = { workerId: id, sourceType, sourceId, type, triggeredAt: new Date() };
  if (typeof msg === 'string') n.msg = msg; else if (msg) Object.assign(n, msg);
  trigger('notification', n);
};
const pick = (attrs, list) => {
  const out = {};
  for (const p of list) {
    const parts = p.split('.');
    let v = attrs;
    for (const k of parts) v = v == null ? undefined : v[k];
    if (v === undefined) continue;
    let o = out;
    parts.slice(0, -1).forEach((k) => { o = o[k] = o[k] || {}; });
    o[parts[parts.length - 1]] = v;
  }
  return out;
};

const worker = {
  id,
  // worker.task(name, fn): agenda.define with Qworker's helpers on the job
  task(name, fn) {
    const task = loaded[name];
    agenda.define(name, {}, (job, done) => {
      if (!task) return done(new Error('Invalid task: ' + name));
      const attrs = (event) => task.meta['job' + event + 'Attributes'] || task.meta.jobAttributes || ['data', 'lastRunAt', 'nextRunAt', 'lastFinishedAt'];
      const jobId = String(job.attrs._id);
      const notify = (type, msg, event) => sendNotification('Job', jobId, type, Object.assign({ taskId: name, job: pick(job.attrs, attrs(event || '')) }, msg || {}));
      job.log = (m) => sendNotification('Job', jobId, 'log', { taskId: name, msg: m });
      job.info = (m) => sendNotification('Job', jobId, 'log:info', { taskId: name, msg: m });
      job.warn = (m) => sendNotification('Job', jobId, 'log:warn', { taskId: name, msg: m });
      job.error = (m) => sendNotification('Job', jobId, 'log:error', { taskId: name, msg: m });
      job.progress = (n) => { n = typeof n === 'number' ? Math.max(0, Math.min(100, n)) : 0; notify('progress', { progress: n }, 'Progress'); };
      running[jobId] = job;
      say('job ' + name + ' ' + jobId + ' ' + JSON.stringify(job.attrs.data));
      notify('start', null, 'Start');
      fn(job, (err) => {
        delete running[jobId];
        if (job.cancelled) return done();
        if (err) {
          const error = Object.assign({}, err, { message: err.message });
          notify('fail', { error }, 'Fail');
          say('failed ' + name + ' ' + jobId);
        } else {
          notify('success', null, 'Success');
          say('completed ' + name + ' ' + jobId);
        }
        done(err);
      });
    });
  },
  scheduleTask(when, name, options) {
    channel.publish('schedule:task', { when: when === 'now' || when === true ? new Date() : when, name, options });
  },
};
const loaded = {};

const startAgenda = (options) => {
  if (agenda) {
    // Started again (the manager came back): resume once its database is ready.
    say('started again');
    if (agendaReady) agenda.start();
    return;
  }
  pingInterval = options.pingInterval || pingInterval;
  agenda = new Agenda({ processEvery: options.processEvery || 5000 });
  agenda.name(id);
  agenda.database(options.db, options.collection || 'QueuedJob');
  for (const meta of options.tasks || []) {
    // lib/task.js: the metadata, with the log helpers (log/info/warn/error) as Task notifications
    const note = (type) => (m) => sendNotification('Task', meta.id, type, m);
    loaded[meta.id] = Object.assign({ meta, log: note('log'), info: note('log:info'), warn: note('log:warn'), error: note('log:error') }, meta);
    // Qworker would throw here; the test says why instead (the manager must send the definition).
    if (!meta.definition) { say('no definition for task ' + meta.id + ' in start'); continue; }
    require(meta.definition)(worker, loaded[meta.id]);
  }
  // Qworker's policy: a one-off job is removed once finished (after Agenda saved it so).
  agenda.on('complete', (job) => { if (!job.attrs.repeatInterval) job.remove(() => {}); });
  agenda.on('ready', () => {
    // lib/worker.js unlockTasks, then start
    agenda._collection.update({ name: { $in: taskIds }, lockedAt: { $exists: true } }, { $set: { lockedAt: null } }, { multi: true }, () => {
      agendaReady = true;
      agenda.start();
      trigger('start');
      say('started collection=' + options.collection + ' ping=' + pingInterval + ' tasks=' + (options.tasks || []).map((t) => t.id + ':' + t.name).join(','));
      clearInterval(pingTimer);
      pingTimer = setInterval(() => trigger('ping'), pingInterval);
    });
  });
};

channel.on('ready', () => {
  channel.subscribe(process.pid + '/start', (options) => startAgenda(options));
  channel.subscribe(process.pid + '/terminate', (m) => {
    say('terminated: ' + (m && m.reason));
    trigger('terminate');
    setTimeout(() => process.exit(3), 200);
  });
  channel.subscribe('manager:start', () => {
    if (!agenda) return trigger('initialize');
    if (!agendaReady) return;
    channel.publish('define:tasks', taskIds.map((t) => definitions[t]).filter(Boolean));
    agenda.start();
    say('resumed');
  });
  channel.subscribe('manager:stop', () => {
    if (standalone || !agenda || !agendaReady) return;
    agenda.stop(() => say('paused'));
  });
  channel.subscribe('job:cancel', (m) => {
    const job = running[m.id];
    if (job) { job.cancelled = true; say('cancelled ' + m.id); }
  });
  trigger('connected');
  channel.publish('define:tasks', taskIds.map((t) => definitions[t]).filter(Boolean));
  trigger('initialize');
  say('initialize sent, pid ' + process.pid);
});

const terminate = () => {
  clearInterval(pingTimer);
  trigger('stop');
  setTimeout(() => process.exit(0), 300);
};
process.on('SIGTERM', terminate);
process.on('SIGINT', terminate);
