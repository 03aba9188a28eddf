// Buttons marked data-copy-target="<field id>" copy that field's text to the clipboard, and say so in
// the element named by data-copy-status. A file instead of an inline onclick: the
// Content-Security-Policy allows no inline script. The buttons stay hidden without JavaScript (the
// field is then selected by a click, js/select-on-click.js).
(function () {
  'use strict';
  document.querySelectorAll('[data-copy-target]').forEach(function (button) {
    var field = document.getElementById(button.getAttribute('data-copy-target'));
    var status = document.getElementById(button.getAttribute('data-copy-status'));
    if (!field) {
      return;
    }
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    function copyBySelection() {
      field.focus();
      field.select();
      try {
        say(document.execCommand('copy') ? 'Copied.' : 'Press Ctrl+C (or ⌘C) to copy the selected key.');
      } catch (e) {
        say('Press Ctrl+C (or ⌘C) to copy the selected key.');
      }
    }
    button.hidden = false;
    button.addEventListener('click', function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { say('Copied.'); }, copyBySelection);
      } else {
        copyBySelection();
      }
    });
  });
})();
