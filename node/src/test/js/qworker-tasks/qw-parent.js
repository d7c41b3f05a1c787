module.exports = function (worker, task) {
  worker.task(task.id, function (job, done) {
    worker.scheduleTask('now', 'qw-echo', { child_of: job.attrs.data.name });
    done();
  });
};
