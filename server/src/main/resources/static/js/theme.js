// The colour theme. Loaded in <head> without defer, so it runs before the first paint: a saved
// choice ("light" or "dark" in localStorage) goes on <html data-theme>; without one the stylesheet
// follows the system (prefers-color-scheme). It also marks <html class="js"> (the phone menu folds
// only when its script can open it) and, once the page is parsed, wires the header's theme button:
// System -> Light -> Dark -> System. A file, not an inline script: the Content-Security-Policy
// allows none.
(function () {
  'use strict';
  var KEY = 't2i-theme';
  var CHOICES = ['system', 'light', 'dark'];
  var NAMES = { system: 'System', light: 'Light', dark: 'Dark' };
  var root = document.documentElement;

  function saved() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === 'light' || value === 'dark' ? value : 'system';
    } catch (e) { // storage switched off: follow the system
      return 'system';
    }
  }

  function apply(choice) {
    if (choice === 'system') {
      root.removeAttribute('data-theme');
    } else {
      root.setAttribute('data-theme', choice);
    }
  }

  function label(button, choice) {
    var next = CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length];
    button.textContent = 'Theme: ' + NAMES[choice];
    button.setAttribute('title', 'Switch to the ' + NAMES[next].toLowerCase() + ' theme');
    button.setAttribute('data-theme-choice', choice);
  }

  var current = saved();
  root.classList.add('js');
  apply(current);

  document.addEventListener('DOMContentLoaded', function () {
    var button = document.getElementById('theme-toggle');
    if (!button) {
      return;
    }
    label(button, current);
    button.hidden = false;
    button.addEventListener('click', function () {
      var choice = CHOICES[(CHOICES.indexOf(current) + 1) % CHOICES.length];
      try {
        if (choice === 'system') {
          window.localStorage.removeItem(KEY);
        } else {
          window.localStorage.setItem(KEY, choice);
        }
      } catch (e) {
        // storage switched off: the choice lasts for this page only
      }
      current = choice;
      apply(choice);
      label(button, choice);
    });
  });
})();
