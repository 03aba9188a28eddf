// The job page, live: follows /jobs/{id}/events (Server-Sent Events) and re-renders the status
// fragment (/jobs/{id}/status, through htmx) each time the server says the job changed. While the
// stream is open this script cancels the fragment's own 3 s polls (htmx:confirm on #job-status; a
// trigger filter such as [!jobStreamLive] would need eval, which the Content-Security-Policy forbids);
// without EventSource, or while the stream is broken, that polling keeps the page current.
// The tab title follows the fragment's data-title on every swap, streamed or polled.
(function () {
  'use strict';
  var page = document.getElementById('job-page');
  window.jobStreamLive = false;
  function showTitle() {
    var status = document.getElementById('job-status');
    if (status && status.dataset.title) {
      document.title = status.dataset.title;
    }
  }
  document.body.addEventListener('htmx:afterSettle', showTitle);
  document.body.addEventListener('htmx:confirm', function (event) {
    // the fragment's poll comes from #job-status itself; the stream's htmx.ajax comes from <body>
    if (window.jobStreamLive && event.detail.elt && event.detail.elt.id === 'job-status') {
      event.preventDefault();
    }
  });
  showTitle();
  var status = document.getElementById('job-status');
  if (!page || !window.EventSource || !window.htmx || !status || !status.hasAttribute('hx-trigger')) {
    return;
  }
  var source = new EventSource(page.dataset.jobEvents);
  source.onopen = function () { window.jobStreamLive = true; };
  source.onerror = function () { window.jobStreamLive = false; }; // EventSource reconnects by itself
  source.addEventListener('job', function (event) {
    var job = JSON.parse(event.data);
    window.jobStreamLive = !job.final;
    if (job.final) {
      source.close();
    }
    htmx.ajax('GET', page.dataset.jobStatus, { target: '#job-status', swap: 'outerHTML' });
  });
  window.addEventListener('pagehide', function () { source.close(); });
})();
