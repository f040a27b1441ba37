// The inspector's page (docs/inspect.md): a plain script, no framework. Live, it reads the server's API with the
// per-run token from its own URL; as a --report-html file, it reads the items embedded in <script id="data">.
// Text from events and answers only ever goes into textContent, never into HTML.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const ROW = 28; // px: .row's height in app.css; the list draws only the rows in view (5,000 items stay cheap)
  const MORE = 12; // rows drawn above and below the view, so a fast scroll shows no gap
  const data = $('data');
  const report = data !== null;
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const state = { items: [], bySeq: new Map(), shown: [], picked: new Set(), selected: null, paused: false,
    waiting: [], incoming: [], dropped: 0, limit: Infinity, mode: '', csrf: '', steps: new Map() };

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props ?? {})) {
      if (key === 'class') node.className = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (value !== undefined && value !== false) node.setAttribute(key, value === true ? '' : String(value));
    }
    node.append(...children.flat(2).filter((child) => child !== undefined && child !== null && child !== false));
    return node;
  }
  const withToken = (path) => `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
  const api = (path, init = {}) => fetch(withToken(path), { ...init, headers: { 'X-Inspector-Token': token, ...init.headers } });

  // Type globs as --route takes them (src/lib/glob.ts): `*` is any run of characters, dots included; the literal
  // parts are found in order, each at its first place, which never loses a match.
  function globMatch(glob, type) {
    const parts = glob.split('*');
    if (parts.length === 1) return glob === type;
    const head = parts.shift();
    const tail = parts.pop();
    if (head.length + tail.length > type.length || !type.startsWith(head) || !type.endsWith(tail)) return false;
    const stop = type.length - tail.length;
    let at = head.length;
    for (const part of parts) {
      const found = type.indexOf(part, at);
      if (found === -1 || found + part.length > stop) return false;
      at = found + part.length;
    }
    return true;
  }
  window.inspectorGlob = globMatch; // for the test that holds it to src/lib/glob.ts

  const statusClass = (item) => (item.failure || item.status === null || item.status === undefined ? 'failed' : `${Math.floor(item.status / 100)}xx`);
  const statusText = (item) => (item.failure ? item.failure : item.status === null || item.status === undefined ? 'no answer' : String(item.status));
  const texts = new WeakMap();
  const textOf = (item) => {
    let text = texts.get(item);
    if (text === undefined) texts.set(item, (text = [item.type, item.id, item.route, item.url, item.status, item.failure, item.event].join(' ').toLowerCase()));
    return text;
  };

  // Filters
  const filter = { globs: [], status: '', route: '', text: '' };
  const matches = (item) =>
    (filter.globs.length === 0 || filter.globs.some((glob) => globMatch(glob, item.type ?? ''))) &&
    (filter.status === '' || statusClass(item) === filter.status) &&
    (filter.route === '' || item.route === filter.route) &&
    (filter.text === '' || textOf(item).includes(filter.text));
  function readFilters() {
    performance.mark('inspect:filter:start');
    filter.globs = $('f-type').value.split(/[\s,]+/).filter(Boolean);
    filter.status = $('f-status').value;
    filter.route = $('f-route').value;
    filter.text = $('f-text').value.trim().toLowerCase();
    state.shown = state.items.filter(matches);
    render();
    performance.measure('inspect:filter', 'inspect:filter:start');
  }
  for (const id of ['f-type', 'f-status', 'f-route', 'f-text']) $(id).addEventListener('input', readFilters);
  $('filters').addEventListener('submit', (event) => event.preventDefault());

  // The list, newest first, windowed: the spacer is as tall as every row, #rows holds the ones in view.
  const viewport = $('viewport');
  function rowOf(item) {
    const time = (item.time ?? '').slice(11, 23);
    return el('div', { class: `row${state.selected === item.seq ? ' picked' : ''}`, 'data-seq': item.seq },
      el('span', {}, el('input', { type: 'checkbox', checked: state.picked.has(item.seq), 'aria-label': 'select' })),
      el('span', {}, time), el('span', { title: item.type }, item.type ?? '?'), el('span', { title: item.id }, item.id ?? ''),
      el('span', { title: item.route }, item.route ?? ''), el('span', { class: `s${statusClass(item)}` }, statusText(item)),
      el('span', { class: 'ms' }, Math.round(item.ms ?? 0)));
  }
  function render() {
    performance.mark('inspect:render:start');
    const count = state.shown.length;
    $('spacer').style.height = `${count * ROW}px`;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - MORE);
    const last = Math.min(count, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW) + MORE);
    const rows = [];
    for (let index = first; index < last; index += 1) rows.push(rowOf(state.shown[count - 1 - index]));
    $('rows').style.transform = `translateY(${first * ROW}px)`;
    $('rows').replaceChildren(...rows);
    $('empty').hidden = state.items.length > 0;
    const total = state.items.length;
    $('count').textContent = `${count === total ? '' : `${count} of `}${total} ${total === 1 ? 'delivery' : 'deliveries'}`;
    performance.measure('inspect:render', 'inspect:render:start');
  }
  let frame = 0;
  const schedule = () => { if (frame === 0) frame = requestAnimationFrame(() => { frame = 0; flush(); render(); }); };
  viewport.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('resize', schedule);
  $('rows').addEventListener('click', (event) => {
    const row = event.target.closest('.row');
    if (!row) return;
    const seq = Number(row.dataset.seq);
    if (event.target.type === 'checkbox') {
      if (event.target.checked) state.picked.add(seq); else state.picked.delete(seq);
      showPicked();
    } else select(seq);
  });

  // Items in: batched per animation frame, so a burst costs one filter pass and one render.
  function receive(item) {
    if (state.paused) { state.waiting.push(item); $('pause').textContent = `Resume (${state.waiting.length} new)`; return; }
    state.incoming.push(item);
    schedule();
  }
  function flush() {
    if (state.incoming.length === 0) return;
    const batch = state.incoming;
    state.incoming = [];
    let sorted = true;
    for (const item of batch) {
      if (state.bySeq.has(item.seq)) continue; // the list fetched and the stream overlap
      const before = state.items.at(-1);
      if (before && before.seq > item.seq) sorted = false;
      state.items.push(item);
      state.bySeq.set(item.seq, item);
      if (item.route && ![...$('f-route').options].some((option) => option.value === item.route)) $('f-route').append(el('option', { value: item.route }, item.route));
      if (item.step !== undefined) noteStep({ index: item.step, seq: item.seq });
    }
    if (!sorted) state.items.sort((a, b) => a.seq - b.seq);
    while (state.items.length > state.limit) state.bySeq.delete(state.items.shift().seq); // the server's ring, mirrored
    state.shown = state.items.filter(matches);
    performance.mark('inspect:flushed');
  }
  function setDropped(dropped) {
    state.dropped = dropped ?? 0;
    $('dropped').hidden = state.dropped === 0;
    $('dropped').textContent = `${state.dropped} older dropped (the last ${state.limit === Infinity ? 'N' : state.limit} are kept)`;
  }
  $('pause').addEventListener('click', () => {
    state.paused = !state.paused;
    $('pause').textContent = state.paused ? 'Resume' : 'Pause';
    if (!state.paused) { state.incoming.push(...state.waiting); state.waiting = []; schedule(); }
  });
  $('pick-shown').addEventListener('change', (event) => { // every delivery the filters show, or none
    state.picked.clear();
    if (event.target.checked) for (const item of state.shown) state.picked.add(item.seq);
    showPicked();
    render();
  });
  function showPicked() {
    const link = $('export-picked');
    link.hidden = state.picked.size === 0;
    link.textContent = `Export selected (${state.picked.size})`;
    link.href = withToken(`/api/export?seq=${[...state.picked].sort((a, b) => a - b).join(',')}`);
  }

  // Flow steps (trigger-flow): a step event says pass or fail, the answer and any side effects, keyed by the step's
  // index in the flow (from 0); a delivery's own `step` is that index, which links the two.
  function noteStep(step) {
    const known = state.steps.get(step.index) ?? { index: step.index, seqs: [] };
    const { seq, ...facts } = step;
    Object.assign(known, facts);
    if (seq !== undefined && !known.seqs.includes(seq)) known.seqs.push(seq);
    state.steps.set(step.index, known);
    $('tab-steps').hidden = false;
    if (!$('steps').hidden) showSteps();
  }
  function showSteps() {
    const steps = [...state.steps.values()].sort((a, b) => a.index - b.index);
    $('steps').replaceChildren(el('h2', {}, 'Flow steps'), ...steps.map((step) => el('div', { class: 'step', 'data-step': step.index },
      el('strong', {}, `${step.index + 1}. ${step.event ?? ''} `),
      step.ok === undefined ? undefined : el('span', { class: step.ok ? 'yes' : 'no' }, step.ok ? 'pass' : 'fail'),
      step.ms === undefined ? undefined : el('span', { class: 'note' }, `${step.status ?? step.failure ?? 'no answer'} in ${step.ms} ms`),
      step.error ? el('div', { class: 'error' }, step.error) : undefined,
      step.effects?.length ? el('ul', {}, step.effects.map((effect) => el('li', {}, effect))) : undefined,
      el('div', { class: 'actions' }, step.seqs.map((seq) => el('button', { type: 'button', onclick: () => select(seq) },
        `${state.bySeq.get(seq)?.type ?? 'delivery'} #${seq}`))))));
  }
  $('tab-steps').addEventListener('click', () => {
    $('steps').hidden = !$('steps').hidden;
    $('tab-steps').textContent = $('steps').hidden ? 'Flow steps' : 'Hide steps';
    if (!$('steps').hidden) showSteps();
  });

  function select(seq) {
    state.selected = seq;
    const item = state.bySeq.get(seq);
    if (item) showDetail(item);
    render();
  }

  // One delivery: the event (a foldable tree of <details>), the request as sent, the signature explained, the answer.
  function tree(value, key) {
    const label = key === undefined ? undefined : el('span', { class: 'k' }, `${JSON.stringify(key)}: `);
    if (value === null || typeof value !== 'object') return el('div', {}, label, el('span', { class: value === null ? 'object' : typeof value }, JSON.stringify(value)));
    const entries = Array.isArray(value) ? value.map((child, index) => [index, child]) : Object.entries(value);
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return el('div', {}, label, `${open}${close}`);
    return el('details', { open: true }, el('summary', {}, label, `${open} ${entries.length} ${close}`),
      el('div', { class: 'kids' }, entries.map(([childKey, child]) => tree(child, Array.isArray(value) ? undefined : childKey))));
  }
  function eventView(text) {
    try { return el('div', { class: 'json' }, tree(JSON.parse(text))); } catch { return el('pre', {}, text); }
  }
  const table = (headers) => el('table', {}, el('tbody', {}, Object.entries(headers ?? {}).map(([name, value]) =>
    el('tr', {}, el('td', {}, name), el('td', {}, Array.isArray(value) ? value.join(', ') : value)))));
  const facts = (pairs) => el('dl', {}, pairs.filter(([, value]) => value !== undefined && value !== null && value !== '').map(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
  const yesNo = (yes, text) => el('span', { class: yes ? 'yes' : 'no' }, text);
  function bodyView(body) {
    if (body === undefined || body === '') return el('p', { class: 'note' }, '(empty body)');
    try { return el('pre', { class: 'body' }, JSON.stringify(JSON.parse(body), null, 2)); } catch { return el('pre', { class: 'body' }, body); }
  }
  function signatureView(signature) {
    if (!signature) return el('p', { class: 'note' }, 'No Stripe-Signature header.');
    const skew = Math.round(signature.skewSeconds);
    const tolerance = signature.tolerance ?? 300;
    return facts([
      ['t', `${signature.t} (${new Date(signature.t * 1000).toISOString()})`],
      ['v1', el('span', {}, (signature.v1 ?? []).map((v1) => el('div', {}, v1)))],
      ['skew', el('span', {}, `${skew} s against a tolerance of ${tolerance} s: `, yesNo(Math.abs(skew) <= tolerance, Math.abs(skew) <= tolerance ? 'within' : 'outside'))],
      ['verifies', yesNo(signature.verifies, signature.verifies ? 'yes, with this session\'s secret' : 'no, not with this session\'s secret')],
    ]);
  }
  const copyText = (text, button) => {
    const done = () => { button.textContent = 'Copied'; setTimeout(() => { button.textContent = 'Copy'; }, 1200); };
    navigator.clipboard.writeText(text).then(done, () => { button.textContent = 'Copy failed: select the text'; });
  };
  function foldAll(root, open) { for (const node of root.querySelectorAll('details')) node.open = open; }

  function showDetail(item) {
    const eventBox = eventView(item.event ?? '');
    const copy = el('button', { type: 'button', onclick: () => copyText(item.event ?? '', copy) }, 'Copy');
    const answer = item.answer ?? {};
    $('detail').replaceChildren(
      el('h2', {}, `${item.type ?? 'event'} · ${item.id ?? ''}`),
      facts([['time', item.time], ['route', item.route], ['url', item.url], ['step', item.step],
        ['status', el('span', { class: `s${statusClass(item)}` }, statusText(item))], ['error', item.error], ['latency', `${item.ms} ms`], ['seq', item.seq]]),
      report ? undefined : actionsView(item),
      el('h3', {}, 'Event'),
      el('div', { class: 'actions' }, copy, el('button', { type: 'button', onclick: () => foldAll(eventBox, false) }, 'Fold all'),
        el('button', { type: 'button', onclick: () => foldAll(eventBox, true) }, 'Unfold all')),
      eventBox,
      el('h3', {}, 'Request headers'), table(item.request?.headers),
      el('h3', {}, 'Signature'), el('div', { class: 'signature' }, signatureView(item.signature)),
      el('h3', {}, 'Answer'),
      el('div', { class: 'answer' }, item.failure && (answer.status === undefined || answer.status === null)
        ? el('p', { class: 'error' }, `No answer: ${item.failure}${item.error ? ` (${item.error})` : ''}`)
        : [facts([['status', String(answer.status ?? item.status)]]), table(answer.headers), bodyView(answer.body ?? item.body),
          answer.truncated ? el('p', { class: 'note' }, 'The body is cut at 64 KiB.') : undefined]),
      el('h3', {}, 'Timing'), facts([['sent', item.time], ['answered after', `${item.ms} ms`]]),
    );
  }

  // Actions: each POST carries the CSRF token the stream's hello gave; the result shows under the buttons.
  function actionsView(item) {
    const result = el('div', { class: 'result', 'aria-live': 'polite' });
    const url = el('input', { id: 'replay-url', placeholder: 'another URL (default: its route)', spellcheck: 'false' });
    const editor = el('textarea', { id: 'edit-event', hidden: true, spellcheck: 'false' });
    const send = (action, body) => {
      result.replaceChildren(el('p', { class: 'note' }, 'sending…'));
      api(`/api/deliveries/${item.seq}/${action}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrf }, body: JSON.stringify(body) })
        .then(async (response) => {
          if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
          const sent = await response.json();
          result.replaceChildren(el('p', {}, `${action}: `, el('span', { class: `s${statusClass(sent)}` }, statusText(sent)), ` in ${sent.ms} ms`), bodyView(sent.answer?.body));
        })
        .catch((error) => result.replaceChildren(el('p', { class: 'error' }, `${action} failed: ${error.message}`)));
    };
    const target = () => (url.value.trim() === '' ? {} : { url: url.value.trim() });
    return el('div', {},
      el('div', { class: 'actions' },
        el('button', { type: 'button', onclick: () => send('replay', target()) }, 'Replay'), url,
        el('button', { type: 'button', onclick: () => send('duplicate', {}) }, 'Duplicate'),
        el('button', { type: 'button', onclick: (event) => {
          if (editor.hidden) {
            try { editor.value = JSON.stringify(JSON.parse(item.event), null, 2); } catch { editor.value = item.event ?? ''; }
            editor.hidden = false;
            event.target.textContent = 'Send edited';
            return;
          }
          try { JSON.parse(editor.value); } catch (error) { result.replaceChildren(el('p', { class: 'error' }, `Not JSON: ${error.message}`)); return; }
          send('replay', { ...target(), event: editor.value });
        } }, 'Edit and replay'),
        el('button', { type: 'button', onclick: () => api(`/api/deliveries/${item.seq}/curl`).then((response) => response.json()).then(({ command }) => {
          const box = el('pre', { class: 'curl' }, command);
          result.replaceChildren(box);
          navigator.clipboard.writeText(command).catch(() => undefined); // shown either way, to copy by hand
        }) }, 'Copy as curl'),
        el('a', { class: 'button', href: withToken(`/api/export?seq=${item.seq}`), download: `${item.id ?? item.seq}.ndjson` }, 'Export')),
      editor, result);
  }

  // Start: the embedded data of a report, or the server's list and its live stream.
  if (report) {
    document.body.classList.add('report');
    const embedded = JSON.parse(data.textContent);
    state.mode = embedded.mode ?? 'report';
    $('mode').textContent = `report · ${state.mode}`;
    $('live').hidden = true;
    for (const step of embedded.steps ?? []) noteStep(step);
    state.incoming = embedded.items ?? [];
    setDropped(embedded.dropped);
    flush();
    render();
    performance.mark('inspect:loaded');
  } else {
    $('export-all').href = withToken('/api/export');
    const source = new EventSource(withToken('/events'));
    source.addEventListener('hello', (event) => {
      const hello = JSON.parse(event.data);
      Object.assign(state, { mode: hello.mode, limit: hello.limit ?? Infinity, csrf: hello.csrf });
      $('mode').textContent = hello.mode;
      setDropped(hello.dropped);
    });
    source.addEventListener('delivery', (event) => receive(JSON.parse(event.data)));
    source.addEventListener('step', (event) => noteStep(JSON.parse(event.data)));
    source.addEventListener('dropped', (event) => setDropped(JSON.parse(event.data).dropped));
    // After a reconnect the browser sends Last-Event-ID; reading the list again as well covers a stream that
    // broke before its first delivery (no id to send). Items are keyed by seq, so the overlap is dropped.
    let broken = false;
    const load = () => api('/api/deliveries').then((response) => response.json()).then((list) => {
      for (const item of list.items) receive(item);
      setDropped(list.dropped);
      performance.mark('inspect:loaded');
    }).catch((error) => { $('live').textContent = `cannot read the list: ${error.message}`; });
    source.addEventListener('open', () => {
      $('live').textContent = 'live';
      if (broken) void load();
      broken = false;
    });
    source.addEventListener('error', () => { broken = true; $('live').textContent = 'reconnecting…'; });
    void load();
  }
})();
