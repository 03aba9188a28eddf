// A LoRA training's page (training/training.html), live while the training is queued or running:
// every 5 s it fetches the training's JSON status (data-training-status: status, step, total,
// percent, timeLeft, active) and updates the step, the progress bar and the time left in place. When
// the status changes (queued → running, or the training ended), it loads the page again once, so the
// page shows what belongs to the new state. No timed page refresh: the page stays put while read.
// A failed request (a network error, a busy server) is asked again 5 s later; a 404 (the training is
// gone) stops the polling.
(function () {
  'use strict';
  var page = document.querySelector('[data-training-status]');
  if (!page || !window.fetch) {
    return;
  }
  var shown = page.dataset.trainingState;
  function text(id, value) {
    var element = document.getElementById(id);
    if (element && value !== null && value !== undefined) {
      element.textContent = value;
    }
  }
  function poll() {
    fetch(page.dataset.trainingStatus, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) {
        if (response.status === 404) {
          return 'gone';
        }
        return response.ok ? response.json() : null;
      })
      .then(function (status) {
        if (status === 'gone') {
          return;
        }
        if (!status) {
          window.setTimeout(poll, 5000);
          return;
        }
        if (status.status !== shown) {
          window.location.reload();
          return;
        }
        text('training-step', 'Step ' + status.step + ' / ' + status.total);
        var bar = document.getElementById('training-progress');
        if (bar) {
          bar.value = status.percent;
          bar.textContent = status.percent + ' %';
        }
        if (status.timeLeft) {
          text('training-time-left', 'Time left: ' + status.timeLeft);
        }
        if (status.active) {
          window.setTimeout(poll, 5000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 5000);
})();
