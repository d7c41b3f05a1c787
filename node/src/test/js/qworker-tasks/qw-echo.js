module.exports = function (worker, task) {
  worker.task(task.id, function (job, done) {
    job.info('echoing ' + JSON.stringify(job.attrs.data));
    job.progress(50);
    setTimeout(function () {
      job.attrs.data.result = { echoed: JSON.parse(JSON.stringify(job.attrs.data)), by: worker.id };
      done();
    }, 100);
  });
};
