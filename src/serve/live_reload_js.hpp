// The script `haven serve` adds to every HTML page it serves (never to built files): it listens
// to /__haven/events and reloads the page when it changed, swaps stylesheets when only CSS
// changed, and shows a build error as an overlay until the next good build.
#pragma once

#include <string_view>

namespace haven::serve {

inline constexpr std::string_view k_live_reload_js = R"js((() => {
  'use strict';
  const here = () => decodeURIComponent(location.pathname);
  const matches = (changed) => {
    const p = here();
    return changed.some((c) => c === p || c === p + 'index.html' || c === p + '/index.html' ||
      (c.endsWith('/index.html') && c.slice(0, -10) === p) || c === p + '.html');
  };
  let overlay = null;
  const hideOverlay = () => { if (overlay) { overlay.remove(); overlay = null; } };
  const showOverlay = (text) => {
    hideOverlay();
    overlay = document.createElement('div');
    overlay.id = 'haven-error-overlay';
    overlay.setAttribute('role', 'alert');
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.92);' +
      'color:#f8f8f2;overflow:auto;padding:2rem;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace';
    const title = document.createElement('div');
    title.textContent = 'Haven: the build failed — the last good version is still being served';
    title.style.cssText = 'color:#ff6b6b;font-weight:bold;margin-bottom:1rem';
    const pre = document.createElement('pre');
    pre.textContent = text;
    pre.style.cssText = 'white-space:pre-wrap;margin:0';
    overlay.append(title, pre);
    document.documentElement.append(overlay);
  };
  const swapStylesheets = () => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set('haven-reload', Date.now().toString(36));
      link.href = url.href;
    }
  };
  const source = new EventSource('/__haven/events');
  source.addEventListener('reload', (e) => {
    const data = JSON.parse(e.data);
    hideOverlay();
    if (data.css_only) swapStylesheets();
    else if (matches(data.paths)) location.reload();
  });
  source.addEventListener('build-error', (e) => showOverlay(JSON.parse(e.data).text));
  window.__havenLiveReload = source;
})();
)js";

} // namespace haven::serve
