// Fields marked data-select-on-click select their whole text when clicked (a token or a command to
// copy). A file instead of onclick="this.select()": the Content-Security-Policy allows no inline handler.
(function () {
  'use strict';
  document.querySelectorAll('[data-select-on-click]').forEach(function (field) {
    field.addEventListener('click', function () { field.select(); });
  });
})();
