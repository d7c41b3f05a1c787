module.exports = function (worker, task) {
  worker.task(task.id, function (job, done) {
    setTimeout(function () {
      job.attrs.data.result = { slept: job.attrs.data.ms, by: worker.id };
      done();
    }, job.attrs.data.ms || 1000);
  });
};
