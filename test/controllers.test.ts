/**
 * The element's controllers on their own, each with a stand-in host: no element, no rendering. What a reader sees is
 * tested through the element in the other files; these pin down each concern's rules.
 */
import { expect, waitUntil } from '@open-wc/testing';
import type { ReactiveController } from 'lit';
import { DraftController, type DraftSource } from '../src/controllers/drafts.js';
import { InteractionController } from '../src/controllers/interaction.js';
import { SendingController } from '../src/controllers/sending.js';
import { DEFAULTS, SettingsController, type Attributes } from '../src/controllers/settings.js';
import { ViewportController } from '../src/controllers/viewport.js';
import { received, warningsDuring } from './support/helpers.js';

/** A host that counts the updates its controllers ask for, and keeps them to call their hooks by hand. */
function standIn<T extends object>(extra: T = {} as T) {
  const controllers: ReactiveController[] = [];
  const host = Object.assign(document.createElement('div'), extra, {
    updates: 0,
    addController: (controller: ReactiveController) => void controllers.push(controller),
    removeController: () => undefined,
    requestUpdate() {
      host.updates++;
    },
    updateComplete: Promise.resolve(true),
  });
  return { host, controllers };
}

const attributes = (overrides: Partial<Attributes> = {}): Attributes => ({
  endpoint: '/mock/published',
  articleId: 'an-article',
  articleTitle: 'A title',
  articleUrl: 'https://news.example/a',
  maxLength: DEFAULTS.maxLength,
  timeout: DEFAULTS.timeout,
  credentials: DEFAULTS.credentials,
  rememberReader: 'on',
  ...overrides,
});

describe('SettingsController', () => {
  it('resolves every attribute once, with the defaults for what is unusable, and warns once', async () => {
    const { host } = standIn(attributes({ endpoint: 'javascript:alert(1)', maxLength: 0, timeout: -5, credentials: 'all' as RequestCredentials }));
    const settings = new SettingsController(host);
    const first = await warningsDuring(async () => settings.refresh());
    expect(first.split('\n')).to.have.length(4);
    expect(settings.value).to.include({ endpoint: undefined, maxLength: 2000, timeout: 15000, credentials: 'same-origin' });
    const again = await warningsDuring(async () => settings.refresh());
    expect(again).to.equal('');
  });

  it('says when the article changes, and only then', () => {
    const { host } = standIn(attributes());
    const settings = new SettingsController(host);
    expect(settings.refresh().articleChanged).to.equal(true);
    expect(settings.refresh().articleChanged).to.equal(false);
    host.articleTitle = 'Another title';
    expect(settings.refresh().articleChanged).to.equal(false);
    expect(settings.value.article.title).to.equal('Another title');
    host.articleId = 'another-article';
    const { articleChanged, previous } = settings.refresh();
    expect([articleChanged, previous.id]).to.deep.equal([true, 'an-article']);
  });
});

describe('InteractionController', () => {
  it('shows a field’s error once it was left, and every error once send was pressed', () => {
    const { host } = standIn();
    const interaction = new InteractionController(host);
    expect(interaction.checking).to.equal(false);
    interaction.leave('email');
    expect([interaction.showsError('email'), interaction.showsError('name')]).to.deep.equal([true, false]);
    interaction.submit();
    expect(interaction.showsError('name')).to.equal(true);
    interaction.reset();
    expect([interaction.checking, interaction.showsError('email')]).to.deep.equal([false, false]);
  });

  it('holds back the error of a field left by pressing a button until the click is over', async () => {
    const { host } = standIn();
    const interaction = new InteractionController(host);
    interaction.pointerDown();
    interaction.leave('comment');
    expect(interaction.showsError('comment')).to.equal(false);
    dispatchEvent(new PointerEvent('pointerup'));
    expect(interaction.showsError('comment')).to.equal(false);
    await waitUntil(() => interaction.showsError('comment'), 'never shown');
  });
});

describe('DraftController', () => {
  const source = (values: Partial<DraftSource['values']> = {}): DraftSource => ({
    articleId: 'drafted',
    enabled: true,
    values: { title: 'T', comment: 'Words', name: 'Asha', email: 'asha@example.com', ...values },
    titleEdited: false,
    rememberReader: false,
  });

  it('restores what it saved, and keeps only the key and fingerprint once the comment is sent', () => {
    const { host } = standIn();
    const drafts = new DraftController(host, () => source());
    drafts.key = { key: 'k-1', keyFor: 'abcdef0123456789' };
    drafts.save();
    const restored = drafts.restore('drafted', 'T', { title: '', comment: '', name: '', email: '' }, false);
    expect(restored.values).to.deep.equal({ title: 'T', comment: 'Words', name: 'Asha', email: 'asha@example.com' });
    expect([drafts.restored, drafts.key?.key]).to.deep.equal([true, 'k-1']);
    drafts.sent('drafted', drafts.key);
    const kept = localStorage.getItem('news-comments:draft:drafted')!;
    expect(kept).not.to.contain('Words');
    expect(kept).not.to.contain('asha@example.com');
    expect(JSON.parse(kept)).to.include({ key: 'k-1', keyFor: 'abcdef0123456789' });
    // remember-reader="off": the reader's name and email are not kept across articles either.
    expect(localStorage.getItem('news-comments:reader')).to.equal(null);
  });

  it('discards the draft and its key', () => {
    const { host } = standIn();
    const drafts = new DraftController(host, () => source());
    drafts.key = { key: 'k-2', keyFor: 'f' };
    drafts.save();
    drafts.discard('drafted');
    expect([localStorage.getItem('news-comments:draft:drafted'), drafts.key, drafts.restored]).to.deep.equal([null, undefined, false]);
  });
});

describe('SendingController', () => {
  const request = {
    articleId: 'sending-controller',
    articleUrl: '',
    title: 'T',
    comment: 'A comment',
    name: 'Asha',
    email: 'asha@example.com',
  };

  it('goes from sending to sent, and reuses the key of the same request', async () => {
    const run = crypto.randomUUID();
    const { host } = standIn();
    const drafts = new DraftController(host, () => ({ articleId: request.articleId, enabled: true, values: request, titleEdited: false, rememberReader: false }));
    const sending = new SendingController(host, drafts, ['title', 'comment', 'name', 'email']);
    const options = { endpoint: `${location.origin}/mock/published?run=${run}`, timeout: 5000, credentials: 'same-origin' as const, elapsed: 5000 };
    const sent = sending.send(request.articleId, request, options);
    expect(sending.phase).to.equal('sending');
    expect((await sent)?.kind).to.equal('created');
    expect(sending.phase).to.equal('sent');
    await sending.send(request.articleId, request, options);
    const [first, second] = await received(run);
    expect(second.idempotencyKey).to.equal(first.idempotencyKey);
  });

  it('drops the outcome of a send the form has moved past', async () => {
    const run = crypto.randomUUID();
    const { host } = standIn();
    const drafts = new DraftController(host, () => ({ articleId: request.articleId, enabled: true, values: request, titleEdited: false, rememberReader: false }));
    const sending = new SendingController(host, drafts, ['title', 'comment', 'name', 'email']);
    const sent = sending.send(request.articleId, request, {
      endpoint: `${location.origin}/mock/server-error@300?run=${run}`,
      timeout: 5000,
      credentials: 'same-origin',
      elapsed: 5000,
    });
    sending.reset();
    expect(await sent).to.equal(undefined);
    expect([sending.phase, sending.outcome]).to.deep.equal(['editing', undefined]);
  });
});

describe('ViewportController', () => {
  it('says when its target comes near, and watches again after the host was moved', async () => {
    const scroller = document.createElement('div');
    scroller.style.cssText = 'height: 100px; overflow: auto';
    scroller.innerHTML = '<div style="height: 3000px"></div>';
    document.body.append(scroller);
    const { host, controllers } = standIn();
    scroller.append(host);
    const viewport = new ViewportController(host, () => host, '0px');
    controllers.forEach((controller) => controller.hostConnected?.());
    controllers.forEach((controller) => controller.hostUpdated?.());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(viewport.near).to.equal(false);
    controllers.forEach((controller) => controller.hostDisconnected?.());
    document.body.append(host);
    controllers.forEach((controller) => controller.hostConnected?.());
    controllers.forEach((controller) => controller.hostUpdated?.());
    await waitUntil(() => viewport.near, 'never near after the move');
    scroller.remove();
    host.remove();
  });
});
