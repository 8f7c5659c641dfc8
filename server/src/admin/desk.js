// The moderation desk: a client of /admin/api. Plain DOM, no framework; every reader's text is set as text, never
// as markup. Keyboard first: j/k move, a/r decide, x selects, / searches, ? explains, u undoes.

const QUEUES = ['pending', 'reported', 'published', 'rejected'];
const QUEUE_NAMES = { pending: 'Pending', reported: 'Reported', published: 'Published', rejected: 'Rejected' };
const REASON_NAMES = { abusive: 'abusive', spam: 'spam', defamatory: 'defamatory or unlawful', personal: 'personal information', other: 'other' };
const PAGE_SIZE = 20;
/** How long the undo stays offered (the server allows a minute). */
const UNDO_MS = 10_000;
/** How often the queue counts are asked for, to tell of new comments. */
const POLL_MS = 20_000;

const $ = (id) => document.getElementById(id);
const dates = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const plural = (count, one, other = `${one}s`) => `${count} ${count === 1 ? one : other}`;

/** An element with attributes (`on…` as listeners) and children (strings become text nodes). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name in element && typeof value !== 'string') element[name] = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children.flat().filter((child) => child !== undefined && child !== null && child !== false));
  return element;
}

const state = {
  me: undefined,
  view: 'pending',
  filters: { q: '', articleId: '', order: 'newest' },
  /** The cursor each page started from: the first page none. */
  cursors: [undefined],
  next: null,
  comments: [],
  current: -1,
  selected: new Set(),
  counts: {},
  lastAction: undefined,
  undoTimer: 0,
  auditNext: null,
  /** The actions in flight, one after another: a key pressed meanwhile acts on what the last one left. */
  chain: Promise.resolve(),
  /** Counts the queue loads, so that an answer to one asked before the last is dropped. */
  loads: 0,
};

/** Runs `task` after the actions before it; a failure is shown and does not stop the ones after. */
const inTurn = (task) => (state.chain = state.chain.then(task).catch(showProblem));

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? Object.values(body?.errors ?? {}).join(' ') ?? `The server answered ${status}.`);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  let response;
  try {
    response = await fetch(`/admin/api/${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, { message: 'The desk cannot reach the server. Check the connection and try again.' });
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401) sessionEnded();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

function sessionEnded() {
  const problem = $('problem');
  problem.replaceChildren('Your session has ended. ', h('a', { href: '/admin/' }, 'Sign in again'), '.');
}

function showProblem(error) {
  if (error?.status === 401) return;
  $('problem').textContent = error instanceof Error ? error.message : String(error);
}

const clearProblem = () => ($('problem').textContent = '');

/** Says something to screen readers, through the polite live region. */
function announce(text) {
  const announcer = $('announcer');
  // Emptied first, so that the same words said twice are said twice.
  announcer.textContent = '';
  setTimeout(() => (announcer.textContent = text), 50);
}

// Counts

async function refreshCounts({ tell = false } = {}) {
  const counts = await api('GET', 'queues');
  const grown = QUEUES.filter((queue) => state.counts[queue] !== undefined && counts[queue] > state.counts[queue]);
  state.counts = counts;
  for (const queue of QUEUES) $(`count-${queue}`).textContent = `(${counts[queue]})`;
  document.title = `(${counts.pending + counts.reported}) Moderation desk`;
  if (tell && grown.length) {
    announce(grown.map((queue) => `${QUEUE_NAMES[queue]} now has ${plural(counts[queue], 'comment')}.`).join(' '));
  }
}

// The queue

const isQueue = (view) => QUEUES.includes(view);
const items = () => [...$('queue').querySelectorAll('article.comment')];

async function loadQueue({ keepIndex = false } = {}) {
  clearProblem();
  const params = new URLSearchParams({ queue: state.view, order: state.filters.order, limit: String(PAGE_SIZE) });
  if (state.filters.q) params.set('q', state.filters.q);
  if (state.filters.articleId) params.set('articleId', state.filters.articleId);
  const cursor = state.cursors.at(-1);
  if (cursor) params.set('cursor', cursor);
  const load = ++state.loads;
  const page = await api('GET', `comments?${params}`);
  // Another queue or page was asked for meanwhile (a quick switch of views): this answer is stale.
  if (load !== state.loads) return;
  state.comments = page.comments;
  state.next = page.next;
  state.selected.clear();
  renderQueue();
  const index = keepIndex ? Math.min(state.current, state.comments.length - 1) : -1;
  setCurrent(index, { focus: keepIndex && index >= 0 });
}

function renderQueue() {
  $('queue').replaceChildren(...state.comments.map((comment) => h('li', {}, renderComment(comment))));
  $('empty').hidden = state.comments.length > 0;
  $('empty').textContent = state.filters.q || state.filters.articleId ? 'No comments match.' : 'Nothing here.';
  $('previous-page').disabled = state.cursors.length < 2;
  $('next-page').disabled = !state.next;
  $('page-number').textContent = `Page ${state.cursors.length}`;
  updateSelection();
}

function renderComment(comment) {
  const titleId = `title-${comment.id}`;
  const article = comment.articleTitle || comment.articleId;
  const articleLink = linkTo(comment.articleUrl, article);
  const reasons = Object.entries(comment.reports.reasons).map(([reason, count]) => `${REASON_NAMES[reason] ?? reason}: ${count}`);
  const leaves = (decision) => queueAfter(comment, decision) !== state.view;
  const button = (action, label, extra = {}) =>
    h('button', { type: 'button', 'data-action': action, 'aria-describedby': titleId, ...extra }, label);
  return h(
    'article',
    { class: 'comment', tabindex: '-1', 'aria-labelledby': titleId, 'data-id': comment.id },
    h(
      'div',
      { class: 'head' },
      h('input', {
        type: 'checkbox',
        class: 'select',
        'aria-label': `Select “${comment.title}”`,
        checked: state.selected.has(comment.id),
        onchange: (event) => select(comment.id, event.target.checked),
      }),
      h('h3', { id: titleId }, h('bdi', {}, comment.title)),
    ),
    h(
      'p',
      { class: 'meta' },
      'On ',
      articleLink,
      ' · by ',
      h('bdi', {}, comment.name),
      ' ',
      h('span', { class: 'email' }, '<', h('bdi', {}, comment.email || 'no email'), '>'),
      ' · ',
      h('time', { datetime: comment.createdAt }, dates.format(new Date(comment.createdAt))),
    ),
    h(
      'p',
      { class: 'history' },
      `Sender’s comments: ${comment.history.approved} approved, ${comment.history.rejected} rejected`,
    ),
    comment.reports.count > 0 &&
      h(
        'p',
        { class: 'reports' },
        `Reported by ${plural(comment.reports.count, 'reader')} (${reasons.join(', ')}); ${
          comment.status === 'pending' ? 'hidden until you decide' : 'still published'
        }.`,
      ),
    comment.reason && h('p', { class: 'reason' }, `${comment.status === 'rejected' ? 'Rejected' : 'Note'}: `, h('bdi', {}, comment.reason)),
    h('p', { class: 'text' }, h('bdi', {}, comment.comment)),
    h(
      'div',
      { class: 'actions' },
      leaves('approve') && button('approve', comment.queue === 'reported' ? 'Approve (clear reports)' : 'Approve', { 'aria-keyshortcuts': 'A' }),
      leaves('reject') && button('reject', 'Reject', { 'aria-keyshortcuts': 'R' }),
      comment.email && button('block', 'Block this email'),
      state.me?.role === 'admin' && button('sender', 'Sender record'),
    ),
    h('div', { class: 'sender', hidden: true }),
  );
}

/** A link to an article's page, only ever http(s), opened apart from the desk; else the name as text. */
const linkTo = (url, name) =>
  /^https?:\/\//i.test(url ?? '')
    ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, h('bdi', {}, name))
    : h('bdi', {}, name);

/** The queue a comment is in after a decision. */
const queueAfter = (comment, decision) => (decision === 'approve' ? 'published' : 'rejected');

function setCurrent(index, { focus = true } = {}) {
  const all = items();
  state.current = all.length ? Math.max(0, Math.min(index, all.length - 1)) : -1;
  if (index < 0) state.current = -1;
  all.forEach((item, i) => item.classList.toggle('current', i === state.current));
  const item = all[state.current];
  if (item && focus) {
    item.focus();
    item.scrollIntoView({ block: 'nearest' });
  }
}

function select(id, selected) {
  if (selected) state.selected.add(id);
  else state.selected.delete(id);
  updateSelection();
}

function updateSelection() {
  const count = state.selected.size;
  $('selected-count').textContent = count ? `${plural(count, 'comment')} selected` : '';
  $('approve-selected').disabled = $('reject-selected').disabled = count === 0;
  const all = $('select-all');
  all.checked = count > 0 && count === state.comments.length;
  all.indeterminate = count > 0 && count < state.comments.length;
  for (const item of items()) item.querySelector('.select').checked = state.selected.has(item.dataset.id);
}

/** Approves or rejects comments, takes those that leave this queue off the page, and offers to undo. */
async function decide(decision, ids) {
  if (!ids.length) return;
  clearProblem();
  const reason = decision === 'reject' ? $('reason').value.trim() : '';
  const result = await api('POST', `comments/${decision}`, { ids, ...(reason ? { reason } : {}) });
  const decided = new Map(state.comments.filter((comment) => ids.includes(comment.id)).map((comment) => [comment.id, comment]));
  const leaving = [...decided.values()].filter((comment) => queueAfter(comment, decision) !== state.view);
  const index = state.current;
  state.comments = state.comments.filter((comment) => !leaving.includes(comment));
  for (const id of ids) state.selected.delete(id);
  for (const comment of leaving) $('queue').querySelector(`[data-id="${CSS.escape(comment.id)}"]`)?.closest('li')?.remove();
  if (decision === 'reject') $('reason').value = '';
  await refreshCounts();
  const verb = decision === 'approve' ? 'Approved' : 'Rejected';
  const what = ids.length === 1 ? `“${decided.get(ids[0])?.title ?? 'the comment'}”` : plural(ids.length, 'comment');
  const left = isQueue(state.view) ? ` ${plural(state.counts[state.view], 'comment')} left in ${QUEUE_NAMES[state.view]}.` : '';
  offerUndo(result.action, `${verb} ${what}.`);
  announce(`${verb} ${what}.${left} Press u to undo.`);
  if (!state.comments.length && (state.next || state.cursors.length > 1 || state.counts[state.view] > 0)) {
    // The page is done: the next comments move up into it.
    if (!state.next && state.cursors.length > 1) state.cursors.pop();
    await loadQueue();
    setCurrent(0, { focus: true });
  } else {
    $('empty').hidden = state.comments.length > 0;
    updateSelection();
    setCurrent(index);
  }
}

function offerUndo(actionId, text) {
  clearTimeout(state.undoTimer);
  state.lastAction = actionId;
  $('toast-text').textContent = text;
  $('toast').hidden = false;
  state.undoTimer = setTimeout(() => {
    $('toast').hidden = true;
    state.lastAction = undefined;
  }, UNDO_MS);
}

async function undo() {
  const actionId = state.lastAction;
  if (!actionId) return;
  clearTimeout(state.undoTimer);
  state.lastAction = undefined;
  $('toast').hidden = true;
  const result = await api('POST', `actions/${encodeURIComponent(actionId)}/undo`);
  await refreshCounts();
  if (isQueue(state.view)) await loadQueue({ keepIndex: true });
  announce(`Undone: ${plural(result.comments.length, 'comment')} back as before.`);
}

// Views

async function showView(view) {
  if (!document.querySelector(`[data-view="${view}"]`) || (['readers', 'audit'].includes(view) && state.me?.role !== 'admin')) {
    view = 'pending';
  }
  state.view = view;
  for (const link of document.querySelectorAll('[data-view]')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  $('queue-view').hidden = !isQueue(view);
  for (const other of ['rules', 'articles', 'readers', 'audit']) $(`${other}-view`).hidden = view !== other;
  clearProblem();
  if (isQueue(view)) {
    $('queue-heading').textContent = QUEUE_NAMES[view];
    state.cursors = [undefined];
    await loadQueue();
  } else if (view === 'rules') await loadRules();
  else if (view === 'articles') await loadArticles();
  else if (view === 'audit') await loadAudit(true);
}

// Blocks and word lists

async function loadRules() {
  const [{ blocks }, lists] = await Promise.all([api('GET', 'blocks'), api('GET', 'word-lists')]);
  $('blocks').replaceChildren(
    ...blocks.map((block) =>
      h(
        'li',
        {},
        `${block.kind === 'email' ? 'Email' : 'IP'} `,
        h('bdi', {}, block.value),
        `, by ${block.createdBy}, ${dates.format(new Date(block.createdAt))} `,
        h('button', { type: 'button', onclick: () => unblock(block).catch(showProblem) }, 'Unblock', h('span', { class: 'visually-hidden' }, ` ${block.value}`)),
      ),
    ),
  );
  if (!blocks.length) $('blocks').replaceChildren(h('li', { class: 'note' }, 'No one is blocked.'));
  $('reject-words').value = lists.reject.join('\n');
  $('hold-words').value = lists.hold.join('\n');
  $('hold-links').checked = lists.holdLinks;
}

async function unblock(block) {
  await api('DELETE', `blocks/${block.id}`);
  await loadRules();
  announce(`Unblocked ${block.value}.`);
}

/** Shows a field's problem next to it, or clears it. */
function fieldProblem(input, problemId, text) {
  $(problemId).textContent = text;
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

async function block(kind, value) {
  const input = $('block-value');
  try {
    const { block: added } = await api('POST', 'blocks', { [kind]: value });
    fieldProblem(input, 'block-problem', '');
    input.value = '';
    if (state.view === 'rules') await loadRules();
    announce(`Blocked ${added.value}. Their new comments will be rejected.`);
  } catch (error) {
    if (error.status !== 400 || state.view !== 'rules') throw error;
    fieldProblem(input, 'block-problem', error.message);
    input.focus();
  }
}

async function saveWords() {
  const lines = (id) => [...new Set($(id).value.split('\n').map((line) => line.trim()).filter(Boolean))];
  try {
    await api('PUT', 'word-lists', { reject: lines('reject-words'), hold: lines('hold-words'), holdLinks: $('hold-links').checked });
    $('words-problem').textContent = '';
    announce('The word lists are saved.');
    await loadRules();
  } catch (error) {
    if (error.status !== 400) throw error;
    $('words-problem').textContent = error.message;
  }
}

// Articles

async function loadArticles() {
  const q = $('articles-search').value.trim();
  const { articles } = await api('GET', `articles${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  $('article-list').replaceChildren(...articles.map((article) => h('option', { value: article.articleId }, article.articleTitle ?? article.articleId)));
  $('articles').replaceChildren(
    ...articles.map((article) => {
      const name = article.articleTitle || article.articleId;
      const state = article.closed
        ? 'Closed'
        : article.closesAt
          ? `Open until ${dates.format(new Date(article.closesAt))}`
          : 'Open';
      return h(
        'tr',
        {},
        h('td', {}, linkTo(article.articleUrl, name)),
        h('td', {}, article.firstCommentAt ? dates.format(new Date(article.firstCommentAt)) : '—'),
        h('td', {}, String(article.pending)),
        h('td', {}, String(article.published)),
        h(
          'td',
          {},
          `${state} `,
          h(
            'button',
            { type: 'button', onclick: () => setArticle(article.articleId, article.closed ? 'open' : 'close').catch(showProblem) },
            article.closed ? 'Open' : 'Close',
            h('span', { class: 'visually-hidden' }, ` comments on ${name}`),
          ),
        ),
      );
    }),
  );
}

async function setArticle(articleId, action) {
  await api('POST', `articles/${action}`, { articleId });
  if (state.view === 'articles') await loadArticles();
  announce(action === 'close' ? 'Comments are closed on that article.' : 'Comments are open again on that article.');
}

// Readers and sender records (admins)

function download(name, data) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function readerAction(mode) {
  const email = $('reader-email').value.trim();
  const query = `readers?email=${encodeURIComponent(email)}`;
  if (mode === 'export') {
    const data = await api('GET', query);
    download('reader-data.json', data);
    announce(`Exported ${plural(data.comments.length, 'comment')}.`);
    return;
  }
  const what = mode === 'remove' ? 'remove every comment of' : 'anonymise every comment of';
  if (!window.confirm(`Really ${what} ${email}? This cannot be undone.`)) return;
  const result = await api('DELETE', `${query}&mode=${mode}`);
  announce(`${mode === 'remove' ? 'Removed' : 'Anonymised'} ${plural(result.comments, 'comment')}.`);
  await refreshCounts();
}

async function showSender(article, id) {
  const box = article.querySelector('.sender');
  try {
    const record = await api('GET', `comments/${encodeURIComponent(id)}/sender`);
    box.replaceChildren(
      h(
        'dl',
        {},
        h('dt', {}, 'IP address'),
        h('dd', {}, record.ip),
        h('dt', {}, 'User agent'),
        h('dd', {}, record.userAgent || '—'),
        h('dt', {}, 'Sent'),
        h('dd', {}, dates.format(new Date(record.createdAt))),
      ),
      h('button', { type: 'button', onclick: () => download(`sender-${id}.json`, { commentId: id, ...record }) }, 'Download as JSON'),
    );
  } catch (error) {
    if (error.status !== 404) throw error;
    box.replaceChildren(h('p', {}, error.message));
  }
  box.hidden = false;
  announce('Sender record shown below the comment; the export is in the audit trail.');
}

// The audit trail (admins)

const ACTION_NAMES = {
  sign_in: 'signed in',
  approve: 'approved',
  reject: 'rejected',
  undo: 'undid',
  block: 'blocked',
  unblock: 'unblocked',
  word_lists: 'changed the word lists',
  export_sender: 'exported the sender record',
  export_reader: 'exported a reader’s data',
  erase_reader: 'erased a reader’s data',
  close_article: 'closed comments',
  open_article: 'opened comments',
};

async function loadAudit(fresh) {
  const cursor = fresh ? '' : `&cursor=${state.auditNext}`;
  const { entries, next } = await api('GET', `audit?limit=50${cursor}`);
  state.auditNext = next;
  const rows = entries.map((entry) =>
    h(
      'tr',
      {},
      h('td', {}, h('time', { datetime: entry.at }, dates.format(new Date(entry.at)))),
      h('td', {}, h('bdi', {}, entry.moderator)),
      h('td', {}, ACTION_NAMES[entry.action] ?? entry.action),
      h('td', {}, entry.commentId ? h('code', {}, entry.commentId) : '—'),
      h('td', {}, entry.reason ? h('bdi', {}, entry.reason) : entry.detail ? h('code', {}, JSON.stringify(entry.detail)) : ''),
    ),
  );
  if (fresh) $('audit').replaceChildren(...rows);
  else $('audit').append(...rows);
  $('audit-more').hidden = !next;
}

// Keyboard

const TYPING = /^(text|search|email|password|number|url|tel)$/;
const typingIn = (element) =>
  element instanceof HTMLTextAreaElement ||
  element instanceof HTMLSelectElement ||
  (element instanceof HTMLInputElement && TYPING.test(element.type)) ||
  element?.isContentEditable;

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (typingIn(event.target)) {
    if (event.key === 'Escape' && event.target.id === 'search') {
      event.preventDefault();
      setCurrent(Math.max(state.current, 0));
    }
    return;
  }
  if ($('help').open) return;
  const run = (task) => {
    event.preventDefault();
    inTurn(task);
  };
  switch (event.key) {
    case '?':
      event.preventDefault();
      return $('help').showModal();
    case '/':
      if (!isQueue(state.view)) return;
      event.preventDefault();
      return $('search').focus();
    case 'u':
      return run(undo);
  }
  if (!isQueue(state.view)) return;
  // Read when its turn comes: the comment in focus then, not when the key was pressed.
  const current = () => state.comments[state.current];
  const decideCurrent = (decision) => {
    const comment = current();
    if (comment && queueAfter(comment, decision) !== state.view) return decide(decision, [comment.id]);
  };
  switch (event.key) {
    case 'j':
      return run(() => setCurrent(state.current + 1));
    case 'k':
      return run(() => setCurrent(state.current < 0 ? 0 : state.current - 1));
    case 'x':
      return run(() => current() && select(current().id, !state.selected.has(current().id)));
    case 'a':
      return run(() => decideCurrent('approve'));
    case 'r':
      return run(() => decideCurrent('reject'));
    case 'A':
      return run(() => decide('approve', [...state.selected]));
    case 'R':
      return run(() => decide('reject', [...state.selected]));
  }
}

// Wiring

function wire() {
  document.addEventListener('keydown', onKey);
  window.addEventListener('hashchange', () => showView(location.hash.slice(1)).catch(showProblem));
  $('help-button').addEventListener('click', () => $('help').showModal());
  $('undo').addEventListener('click', () => inTurn(undo));
  $('queue').addEventListener('focusin', (event) => {
    const index = items().indexOf(event.target.closest('article.comment'));
    if (index >= 0 && index !== state.current) setCurrent(index, { focus: false });
  });
  $('queue').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const article = button.closest('article.comment');
    const comment = state.comments.find((c) => c.id === article.dataset.id);
    if (!comment) return;
    setCurrent(items().indexOf(article), { focus: false });
    const action = button.dataset.action;
    inTurn(() =>
      action === 'block' ? block('email', comment.email) : action === 'sender' ? showSender(article, comment.id) : decide(action, [comment.id]),
    );
  });
  $('select-all').addEventListener('change', (event) => {
    state.selected = new Set(event.target.checked ? state.comments.map((comment) => comment.id) : []);
    updateSelection();
  });
  $('approve-selected').addEventListener('click', () => inTurn(() => decide('approve', [...state.selected])));
  $('reject-selected').addEventListener('click', () => inTurn(() => decide('reject', [...state.selected])));
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    state.filters = { q: $('search').value.trim(), articleId: $('article').value.trim(), order: $('order').value };
    state.cursors = [undefined];
    loadQueue()
      .then(() => announce(`${plural(state.comments.length, 'comment')} shown${state.next ? ', more on the next page' : ''}.`))
      .catch(showProblem);
  });
  $('next-page').addEventListener('click', () => {
    if (!state.next) return;
    state.cursors.push(state.next);
    loadQueue().then(() => setCurrent(0)).catch(showProblem);
  });
  $('previous-page').addEventListener('click', () => {
    if (state.cursors.length < 2) return;
    state.cursors.pop();
    loadQueue().then(() => setCurrent(0)).catch(showProblem);
  });
  $('block-form').addEventListener('submit', (event) => {
    event.preventDefault();
    block($('block-kind').value, $('block-value').value.trim()).catch(showProblem);
  });
  $('words-form').addEventListener('submit', (event) => {
    event.preventDefault();
    saveWords().catch(showProblem);
  });
  $('articles-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadArticles().catch(showProblem);
  });
  $('close-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setArticle($('close-id').value.trim(), 'close')
      .then(() => ($('close-id').value = ''))
      .catch(showProblem);
  });
  $('reader-form').addEventListener('submit', (event) => {
    event.preventDefault();
    readerAction(event.submitter?.value ?? 'export').catch(showProblem);
  });
  $('audit-more').addEventListener('click', () => loadAudit(false).catch(showProblem));
}

async function start() {
  wire();
  state.me = await api('GET', 'me');
  $('me').textContent = `${state.me.name} (${state.me.role})`;
  for (const item of document.querySelectorAll('.admin-only')) item.hidden = state.me.role !== 'admin';
  await refreshCounts();
  await showView(location.hash.slice(1) || 'pending');
  api('GET', 'articles')
    .then(({ articles }) =>
      $('article-list').replaceChildren(...articles.map((article) => h('option', { value: article.articleId }, article.articleTitle ?? article.articleId))),
    )
    .catch(() => undefined);
  const poll = () => refreshCounts({ tell: true }).catch(() => undefined);
  setInterval(poll, POLL_MS);
  // Back at the desk after a while elsewhere: what came in meanwhile is told at once.
  window.addEventListener('focus', poll);
  document.documentElement.dataset.ready = 'true';
}

start().catch(showProblem);
