/* Haven theme: dark-mode toggle (remembered) and a table of contents that follows the scroll. */
(function () {
  'use strict';
  var root = document.documentElement;
  var KEY = 'haven-theme';
  var media = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

  function effective() {
    var t = root.getAttribute('data-theme');
    if (t === 'light' || t === 'dark') return t;
    return media && media.matches ? 'dark' : 'light';
  }
  var toggle = document.querySelector('.theme-toggle');
  function sync() {
    if (toggle) toggle.setAttribute('aria-pressed', effective() === 'dark' ? 'true' : 'false');
  }
  if (toggle) {
    toggle.addEventListener('click', function () {
      var next = effective() === 'dark' ? 'light' : 'dark';
      root.setAttribute('data-theme', next);
      try { localStorage.setItem(KEY, next); } catch (e) { /* private mode: not remembered */ }
      sync();
    });
    if (media && media.addEventListener) media.addEventListener('change', sync);
    sync();
  }

  // Task-list checkboxes from Markdown carry no label: name them by their item's text.
  Array.prototype.forEach.call(document.querySelectorAll('.post-body li > input[type="checkbox"]:not([aria-label])'), function (box) {
    box.setAttribute('aria-label', box.parentNode.textContent.trim().slice(0, 80));
  });

  // Table of contents: mark the section being read.
  var links = Array.prototype.slice.call(document.querySelectorAll('.toc a.toc-link[href^="#"]'));
  if (!links.length) return;
  var targets = [];
  var ids = links.map(function (a) {
    var id = a.getAttribute('href').slice(1);
    try { id = decodeURIComponent(id); } catch (e) { /* keep as written */ }
    var el = document.getElementById(id);
    if (el && targets.indexOf(el) < 0) targets.push(el);
    return id;
  });
  var current = null;
  function update() {
    var active = null;
    for (var i = 0; i < targets.length; i++) {
      if (targets[i].getBoundingClientRect().top <= 96) active = targets[i]; else break;
    }
    if (active === current) return;
    current = active;
    links.forEach(function (a, i) {
      var on = !!active && ids[i] === active.id;
      a.classList.toggle('is-active', on);
      if (on) a.setAttribute('aria-current', 'location'); else a.removeAttribute('aria-current');
    });
  }
  var ticking = false;
  window.addEventListener('scroll', function () {
    if (ticking) return;
    ticking = true;
    requestAnimationFrame(function () { ticking = false; update(); });
  }, { passive: true });
  update();

  // Close the folded TOC after a jump on small screens.
  var inline = document.querySelector('details.toc-inline');
  if (inline) inline.addEventListener('click', function (e) {
    if (e.target.closest && e.target.closest('a')) inline.open = false;
  });
})();
