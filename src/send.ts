/**
 * Posting a comment and making sense of whatever comes back. Every outcome, however broken the network or the
 * server, ends as one of three plain results; nothing here throws.
 */
import { createdAnswer, fieldErrorsAnswer, type CommentRequest, type CreatedAnswer } from './contract.js';

/** The request body: the contract's request plus the optional spam signals. */
export type CommentPayload = CommentRequest & { elapsed?: number; website?: string };

/** Why a comment was not sent; each has its own message for the reader. */
export type FailureReason = 'offline' | 'unreachable' | 'timeout' | 'busy' | 'serverError' | 'unreadable' | 'rejected';

export type Outcome =
  | { kind: 'created'; answer: CreatedAnswer }
  | { kind: 'invalid'; errors: Record<string, string>; status: number }
  | { kind: 'failed'; reason: FailureReason; status?: number; detail?: string };

export interface SendOptions {
  timeout: number;
  credentials?: RequestCredentials;
}

const readJson = async (response: Response): Promise<unknown> => {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
};

export async function sendComment(endpoint: string, request: CommentPayload, options: SendOptions): Promise<Outcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeout);
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(request),
      credentials: options.credentials ?? 'same-origin',
      signal: controller.signal,
    });
    // The timer stays armed while the body is read: a server that sends headers and then stalls times out too.
    const body = await readJson(response);
    const { status } = response;
    if (response.ok) {
      const created = createdAnswer.safeParse(body);
      return created.success ? { kind: 'created', answer: created.data } : { kind: 'failed', reason: 'unreadable', status };
    }
    if (status === 429) return { kind: 'failed', reason: 'busy', status };
    if (status >= 400 && status < 500) {
      const invalid = fieldErrorsAnswer.safeParse(body);
      if (invalid.success && Object.keys(invalid.data.errors).length) {
        return { kind: 'invalid', errors: invalid.data.errors, status };
      }
      const message = (body as { message?: unknown } | undefined)?.message;
      if (status !== 408 && typeof message === 'string') {
        return { kind: 'failed', reason: 'rejected', status, detail: message };
      }
    }
    return { kind: 'failed', reason: 'serverError', status };
  } catch {
    if (controller.signal.aborted) return { kind: 'failed', reason: 'timeout' };
    return { kind: 'failed', reason: navigator.onLine === false ? 'offline' : 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}
