/**
 * The English texts of the published comments under the form. They arrive with the list's own chunk; the other
 * languages carry them in their catalogues.
 */
import type { Message } from './messages.js';

export const listMessages = {
  commentsHeading: { one: '{count} comment', other: '{count} comments' },
  noComments: 'No comments yet. Be the first.',
  order: 'Order',
  newest: 'Newest first',
  oldest: 'Oldest first',
  loadingComments: 'Loading comments…',
  showMore: 'Show more comments',
  moreLoaded: { one: '{count} more comment shown.', other: '{count} more comments shown.' },
  listFailed: 'The comments could not be loaded.',
  listOffline: 'You are offline. The comments will load when the connection returns.',
  awaiting: 'Awaiting moderation: only you can see this comment.',
  report: 'Report',
  reportLegend: 'Why should a moderator look at this comment?',
  abusive: 'Abusive',
  spam: 'Spam',
  defamatory: 'Defamatory or unlawful',
  personal: 'Personal information',
  other: 'Something else',
  sendReport: 'Send report',
  reportSent: 'Thank you. A moderator will look at this comment.',
  reportFailed: 'The report was not sent. Please try again.',
} satisfies Record<string, Message>;
