/**
 * What the form needs only once the reader acts: the contract's checks (zod), sending with its retries, and the
 * words for what happens then. It is a chunk of its own, loaded right after the form first shows (`later.ts`), so
 * the form appears after Lit alone. The builds write it self-contained to `dist/chunks/deferred.js`, which both
 * scripts load.
 */
export { validateRequest } from './contract.js';
export { alertText, statusText } from './feedback.js';
export { checkMessages, lateMessages, problemText } from './messages-late.js';
export { SendingController } from './controllers/sending.js';
export { rememberOwn } from './own-comments.js';
