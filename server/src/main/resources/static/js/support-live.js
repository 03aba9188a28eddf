// The support pages, live (user's /support and admin's /admin/support/{id}): follows the page's
// event stream (data-support-events, Server-Sent Events) and, on each "support" event, fetches the
// message list (data-support-messages) and puts it in place of #support-messages. Without
// EventSource, or while the stream is broken, it fetches the list every 5 s instead. A user page
// without a conversation yet has no stream: it gets one after the first message (POST-redirect-GET).
(function () {
  'use strict';
  var page = document.querySelector('[data-support-messages]');
  if (!page || !window.fetch) {
    return;
  }
  var live = false;
  var fetching = false;
  function refresh() {
    if (fetching) {
      return;
    }
    fetching = true;
    fetch(page.dataset.supportMessages, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        var list = document.getElementById('support-messages');
        if (html === null || !list) {
          return;
        }
        var parsed = new DOMParser().parseFromString(html, 'text/html').getElementById('support-messages');
        if (parsed && parsed.innerHTML !== list.innerHTML) {
          list.innerHTML = parsed.innerHTML;
          var last = list.lastElementChild;
          if (last && last.scrollIntoView) {
            last.scrollIntoView({ block: 'nearest' });
          }
        }
      })
      .catch(function () { /* the next event or poll tries again */ })
      .then(function () { fetching = false; });
  }
  window.setInterval(function () {
    if (!live) {
      refresh();
    }
  }, 5000);
  if (!page.dataset.supportEvents || !window.EventSource) {
    return;
  }
  var source = new EventSource(page.dataset.supportEvents);
  source.onopen = function () { live = true; };
  source.onerror = function () { live = false; }; // EventSource reconnects by itself
  source.addEventListener('support', refresh);
  window.addEventListener('pagehide', function () { source.close(); });
})();
