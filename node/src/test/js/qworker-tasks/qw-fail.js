module.exports = function (worker, task) {
  worker.task(task.id, function (job, done) {
    job.warn('about to fail');
    done(new Error('no disk for ' + job.attrs.data.file));
  });
};
