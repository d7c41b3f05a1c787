// Agenda 6 (with @agendajs/mongo-backend) and Agendash 8 on a TEF node's store, its tasks
// collection as Agenda's job collection, for the tests.
//   node agendash-probe.mjs write <mongodb url>   writes jobs as Agenda's users do (now, schedule, every)
//                                                 and prints {"now": id, "later": id, "every": id}
//   node agendash-probe.mjs list <mongodb url>    serves Agendash (express) on a loopback port, asks its
//                                                 API for every job and prints the answer
import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import { createExpressMiddleware } from 'agendash';
import express from 'express';

const [mode, url] = process.argv.slice(2);
const agenda = new Agenda({ backend: new MongoBackend({ address: url, collection: 'tasks' }) });
await agenda.ready;
let code = 0;
try {
  if (mode === 'write') {
    const now = await agenda.now('echo', { from: 'agenda' });
    const later = await agenda.schedule('in 2 hours', 'echo', { from: 'agenda', later: true });
    const every = await agenda.every('1 hour', 'agenda-hourly', { from: 'agenda' });
    console.log(JSON.stringify({ now: String(now.attrs._id), later: String(later.attrs._id), every: String(every.attrs._id) }));
  } else if (mode === 'list') {
    const app = express();
    app.use('/dash', createExpressMiddleware(agenda));
    const server = await new Promise(resolve => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    try {
      const res = await fetch(`http://127.0.0.1:${server.address().port}/dash/api?limit=1000`);
      console.log(JSON.stringify({ status: res.status, body: await res.json() }));
    } finally {
      server.close();
    }
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} catch (e) {
  console.error(e);
  code = 1;
} finally {
  // stop() closes the backend's connection; the driver's monitors would keep the process alive otherwise.
  await Promise.race([agenda.stop(true), new Promise(resolve => setTimeout(resolve, 2000))]);
}
process.exit(code);
