// The search box: filters the page index as the user types and offers links to matching settings pages.
(function () {
  const input = document.getElementById('search');
  const list = document.getElementById('search-results');
  const index = JSON.parse(document.getElementById('search-index').textContent);
  function matches(q) {
    q = q.trim().toLowerCase();
    if (!q) return [];
    const words = q.split(/\s+/);
    return index.filter(e => {
      const hay = (e.Name + ' ' + e.Keywords).toLowerCase();
      return e.Name.toLowerCase().includes(q) || words.every(w => hay.includes(w));
    });
  }
  function render() {
    const found = matches(input.value);
    list.replaceChildren(...found.map(e => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = e.Url; a.textContent = e.Name;
      li.appendChild(a); return li;
    }));
    list.hidden = found.length === 0;
  }
  input.addEventListener('input', render);
  // Text typed before this deferred script ran (a fast typist, a restored form on Back) gets its suggestions too.
  if (input.value) render();
  input.addEventListener('keydown', ev => {
    if (ev.key === 'ArrowDown') { const a = list.querySelector('a'); if (a) { ev.preventDefault(); a.focus(); } }
    if (ev.key === 'Escape') { list.hidden = true; }
  });
  list.addEventListener('keydown', ev => {
    const links = [...list.querySelectorAll('a')]; const i = links.indexOf(document.activeElement);
    if (ev.key === 'ArrowDown' && i < links.length - 1) { ev.preventDefault(); links[i + 1].focus(); }
    if (ev.key === 'ArrowUp') { ev.preventDefault(); (i > 0 ? links[i - 1] : input).focus(); }
  });
})();

// Copy buttons (loaded on every signed-in page with the search box): <button data-copy="element-id">
// copies that element's value or text, e.g. a new API key or a provider's ACS URL.
(function () {
  document.addEventListener('click', async ev => {
    const button = ev.target.closest('button[data-copy]');
    if (!button) return;
    const el = document.getElementById(button.dataset.copy);
    if (!el) return;
    const text = 'value' in el ? el.value : el.textContent;
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(text.trim());
      button.textContent = 'Copied';
    } catch {
      // No clipboard access (an insecure origin or a denied permission): select it for Ctrl+C instead.
      if (el.select) el.select(); else window.getSelection().selectAllChildren(el);
      button.textContent = 'Press Ctrl+C';
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
})();
