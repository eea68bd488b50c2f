// Haven search box (issue 7): results as you type from the site's own search/ folder.
// `/` focuses the box, ↑/↓ move through the results, Enter opens one, Esc closes the list.
// Loads search/haven-search.mjs (the client) on first use; nothing is fetched from another host.
(() => {
  'use strict';
  if (window.__havenSearchUi) return; // the partial may be included twice on a page
  window.__havenSearchUi = true;

  const strings = {
    en: { loading: 'Searching…', none: 'No results for “{q}”.', error: 'Search is unavailable.', count: '{n} results' },
    zh: { loading: '正在搜索……', none: '没有找到与“{q}”相关的文章。', error: '搜索暂不可用。', count: '{n} 条结果' },
    'zh-tw': { loading: '正在搜尋……', none: '沒有找到與「{q}」相關的文章。', error: '搜尋暫不可用。', count: '{n} 筆結果' },
    ja: { loading: '検索中…', none: '「{q}」に一致する記事はありません。', error: '検索は利用できません。', count: '{n} 件' },
  };
  const lang = (document.documentElement.lang || 'en').toLowerCase();
  const t = strings[lang] || strings[lang.startsWith('zh-tw') || lang.startsWith('zh-hk') ? 'zh-tw' : lang.slice(0, 2)] || strings.en;
  const fill = (s, v) => s.replace(/\{(\w)\}/g, (_, k) => v[k]);
  const LIMIT = 10; // results shown: a screenful
  const DEBOUNCE_MS = 60; // typing faster than this waits for the next key

  const clients = new Map(); // base URL → Promise of a search client
  function clientFor(base) {
    const root = new URL(base, location.href);
    const key = root.href;
    if (!clients.has(key)) {
      const load = (p) => fetch(new URL(p, root), { credentials: 'same-origin' }).then((r) => {
        if (!r.ok) throw new Error(`${r.status} ${p}`);
        return r.arrayBuffer();
      });
      const p = import(new URL('haven-search.mjs', root).href).then((m) => m.createSearch({ load }));
      p.catch(() => clients.delete(key));
      clients.set(key, p);
    }
    return clients.get(key);
  }

  let uid = 0;
  function setup(box) {
    const input = box.querySelector('.haven-search-input');
    const panel = box.querySelector('.haven-search-panel');
    const status = box.querySelector('.haven-search-status');
    const list = box.querySelector('.haven-search-results');
    const form = box.querySelector('.haven-search-form');
    if (!input || !panel || !list) return;
    const id = `haven-search-${++uid}`;
    list.id = `${id}-list`;
    input.setAttribute('aria-controls', list.id);
    const inline = box.closest('.is-search') !== null || box.classList.contains('haven-search-inline');
    let seq = 0;
    let active = -1;
    let timer = 0;

    const items = () => Array.from(list.children);
    const open = (yes) => {
      panel.hidden = !yes;
      input.setAttribute('aria-expanded', String(yes));
    };
    const select = (i) => {
      const all = items();
      if (!all.length) { active = -1; input.removeAttribute('aria-activedescendant'); return; }
      active = (i + all.length) % all.length;
      all.forEach((li, k) => li.setAttribute('aria-selected', String(k === active)));
      input.setAttribute('aria-activedescendant', all[active].id);
      all[active].scrollIntoView({ block: 'nearest' });
    };
    const render = (q, results) => {
      list.textContent = '';
      active = -1;
      input.removeAttribute('aria-activedescendant');
      results.forEach((r, k) => {
        const li = document.createElement('li');
        li.className = 'haven-search-result';
        li.id = `${id}-r${k}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        const a = document.createElement('a');
        a.href = r.url;
        a.tabIndex = -1;
        const title = document.createElement('span');
        title.className = 'haven-search-title';
        title.innerHTML = r.titleHtml || ''; // the client escapes text; only <mark> is markup
        if (!r.titleHtml) title.textContent = r.title || r.url;
        const ex = document.createElement('span');
        ex.className = 'haven-search-excerpt';
        ex.innerHTML = r.excerpt;
        a.append(title, ex);
        li.append(a);
        li.addEventListener('mousemove', () => { if (active !== k) select(k); });
        list.append(li);
      });
      status.textContent = results.length ? (inline ? fill(t.count, { n: results.length }) : '') : fill(t.none, { q });
      open(true);
    };
    const run = async () => {
      const q = input.value.trim();
      const mine = ++seq;
      if (!q) { list.textContent = ''; status.textContent = ''; open(false); return; }
      if (!list.children.length) { status.textContent = t.loading; open(true); }
      try {
        const search = await clientFor(box.dataset.searchBase || '/search/');
        const results = await search.query(q, { limit: LIMIT });
        if (mine === seq) render(q, results);
      } catch (e) {
        if (mine !== seq) return;
        list.textContent = '';
        status.textContent = t.error;
        open(true);
        console.warn('haven search:', e);
      }
    };

    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE_MS);
    });
    input.addEventListener('focus', () => {
      clientFor(box.dataset.searchBase || '/search/').then((s) => s.preload()).catch(() => {});
      if (input.value.trim() && list.children.length) open(true);
    });
    input.addEventListener('keydown', (e) => {
      if (e.isComposing || e.keyCode === 229) return; // an IME is composing: its keys are not ours
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (!items().length) return;
        e.preventDefault();
        open(true);
        select(active < 0 ? (e.key === 'ArrowDown' ? 0 : -1) : active + (e.key === 'ArrowDown' ? 1 : -1));
      } else if (e.key === 'Enter') {
        const all = items();
        const target = all[active >= 0 ? active : 0];
        if (target && !panel.hidden) {
          e.preventDefault();
          location.href = target.querySelector('a').href;
        } else if (!all.length) {
          e.preventDefault();
          clearTimeout(timer);
          run();
        }
      } else if (e.key === 'Escape') {
        if (!panel.hidden && !inline) { e.preventDefault(); open(false); } else { input.value = ''; run(); }
      }
    });
    form.addEventListener('submit', (e) => e.preventDefault());
    if (!inline) {
      document.addEventListener('pointerdown', (e) => { if (!box.contains(e.target)) open(false); });
      box.addEventListener('focusout', (e) => { if (!box.contains(e.relatedTarget)) open(false); });
    }
    // the search page (or any page reached with ?q=) runs the query it was given
    const q = new URLSearchParams(location.search).get('q');
    if (q && inline) {
      input.value = q;
      run();
    }
  }

  const init = () => document.querySelectorAll('.haven-search').forEach(setup);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();

  const editable = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || editable(e.target)) return;
    const inputs = Array.from(document.querySelectorAll('.haven-search-input'));
    const input = inputs.find((i) => i.offsetParent !== null) || inputs[0];
    if (!input) return;
    e.preventDefault();
    input.focus();
    input.select();
  });
})();
