// The header menu on a phone: the "Menu" button (aria-expanded) shows and hides the links. The
// stylesheet folds the menu only on narrow screens and only under <html class="js"> (set by
// js/theme.js), so without JavaScript every link stays visible. Escape closes the open menu and
// puts the focus back on the button.
(function () {
  'use strict';
  var button = document.getElementById('menu-toggle');
  var menu = document.getElementById('site-menu');
  if (!button || !menu) {
    return;
  }

  function setOpen(open) {
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    menu.classList.toggle('open', open);
  }

  button.addEventListener('click', function () {
    setOpen(button.getAttribute('aria-expanded') !== 'true');
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && button.getAttribute('aria-expanded') === 'true') {
      setOpen(false);
      button.focus();
    }
  });
})();
