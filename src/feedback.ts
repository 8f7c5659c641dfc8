/**
 * What the form says about sending, made from what happened (the sending controller's outcome) in the reader's
 * language at render time, so a change of language re-translates it. Part of the deferred code: nothing here can
 * show before the reader has pressed send.
 */
import { FIELDS } from './characters.js';
import { fieldsOf, type SendingController } from './controllers/sending.js';
import type { Translate } from './messages.js';
import type { Outcome } from './send.js';

/** The polite status: sending, waiting to retry, sent, or stopped. */
export function statusText(t: Translate, { busy, outcome, wait }: SendingController): string {
  if (busy) {
    if (!wait) return t('sending');
    return wait.reason === 'offline'
      ? t('waitingOffline')
      : t(wait.reason === 'busy' ? 'waitingBusy' : 'waitingRetry', { count: wait.seconds });
  }
  if (outcome?.kind === 'created') return t(outcome.answer.status);
  return outcome?.kind === 'failed' && outcome.reason === 'cancelled' ? t('cancelled') : '';
}

/** The alert: what to correct (`toCorrect` fields found before sending), or why the comment was not sent. */
export function alertText(t: Translate, outcome: Outcome | undefined, toCorrect: number): string {
  if (toCorrect) return t('fixProblems', { count: toCorrect });
  if (outcome?.kind === 'invalid') {
    const fields = fieldsOf(outcome.errors, FIELDS);
    // Errors on what the reader cannot change (such as the article id) are one refusal, in the server's words.
    const others = Object.entries(outcome.errors)
      .filter(([key]) => !fields.includes(key))
      .map(([, message]) => message)
      .join(' ');
    return others ? t('notSent', { reason: t('rejected', { detail: others }) }) : t('fixProblems', { count: fields.length });
  }
  if (outcome?.kind !== 'failed' || outcome.reason === 'cancelled') return '';
  return t('notSent', { reason: t(outcome.reason, { detail: outcome.detail ?? '' }) });
}
