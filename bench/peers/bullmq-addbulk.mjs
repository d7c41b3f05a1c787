// BullMQ's bulk submission, for comparison with TEF's (bench/.../BulkMain): Queue.addBulk of
// N no-op jobs in chunks of B, K chunks in flight, into the machine's Redis (127.0.0.1:6379,
// REDIS_PORT to change). Prints jobs/s added and the CPU per job of this process and of Redis.
//   setup once:  mkdir -p /some/dir && cd /some/dir && npm i bullmq@6.7.0 ioredis@5
//   run:         NODE_PATH=/some/dir/node_modules node bullmq-addbulk.mjs [N=200000] [B=1000] [K=2]
import { createRequire } from 'node:module';
import fs from 'node:fs';
const require = createRequire(process.env.NODE_PATH ? process.env.NODE_PATH + '/' : import.meta.url);
const { Queue } = require('bullmq');
const IORedis = require('ioredis');
const connection = { host: '127.0.0.1', port: Number(process.env.REDIS_PORT || 6379), maxRetriesPerRequest: null };
const cpuOf = pid => { const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
const [N = 200000, B = 1000, K = 2] = process.argv.slice(2).map(Number);
const redisPid = Number(/process_id:(\d+)/.exec(await new IORedis(connection).info('server'))[1]);
const queue = new Queue(`bulk-${process.pid}`, { connection });
await queue.waitUntilReady();
const run = async (n, prefix) => {
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const from = next; next = Math.min(n, next + B);
      const jobs = [];
      for (let i = from; i < next; i++) jobs.push({ name: 'noop', data: { i }, opts: { jobId: `${prefix}-${i}` } });
      await queue.addBulk(jobs);
    }
  };
  await Promise.all(Array.from({ length: K }, lane));
};
await run(Math.max(B, N / 10), 'warm');
const cpu0 = process.cpuUsage(), redis0 = cpuOf(redisPid), t0 = process.hrtime.bigint();
await run(N, 'bulk');
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const self = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e3 / N;
const redis = (cpuOf(redisPid) - redis0) * 1000 / N;
console.log(`bullmq addBulk: ${N} jobs in chunks of ${B}, ${K} in flight: ${Math.round(N / secs)} jobs/s added, cpu ms/job: redis ${redis.toFixed(3)}, producer ${self.toFixed(3)}`);
await queue.obliterate({ force: true });
await queue.close();
process.exit(0);
