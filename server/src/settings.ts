/** The server's settings, each from an environment variable with a default. README lists them all. */
export interface Settings {
  port: number;
  host: string;
  /** Folder of the SQLite file; created when missing. Unused with `databaseUrl`. */
  dataDir: string;
  /** `postgres://…`: comments are kept in that PostgreSQL database, shared by any number of processes. */
  databaseUrl?: string;
  /** Connections each process keeps to PostgreSQL at most. */
  databasePoolSize: number;
  /** A PostgreSQL statement running longer is cancelled (and answered 503). */
  databaseStatementTimeoutMs: number;
  /** TLS to PostgreSQL; unset: as the URL's `sslmode` says. */
  databaseSsl?: DatabaseSsl;
  /** `true`: new comments wait for a moderator (`pending`); `false`: they are `published` at once. */
  moderation: boolean;
  /** Origins allowed to post from a browser. */
  allowedOrigins: string[];
  /** Allow those origins to send cookies with comments (`credentials="include"` on the element). */
  allowCredentials: boolean;
  /**
   * A bearer token for automation on the admin API, at least 16 characters; never taken from a cookie. The desk is
   * closed while neither it nor a moderator account exists.
   */
  adminToken?: string;
  /** At most `signInLimitCount` failed sign-ins or wrong admin tokens per client in `signInLimitWindowSeconds`; then 429. */
  signInLimitCount: number;
  signInLimitWindowSeconds: number;
  /** At most `rateLimitCount` comments per client in `rateLimitWindowSeconds`. */
  rateLimitCount: number;
  rateLimitWindowSeconds: number;
  /** Most clients each rate limit remembers at once (about 0.5 KB each); past it, the quietest is forgotten. */
  rateLimitMaxClients: number;
  /**
   * How many proxies in front of the server append to `X-Forwarded-For`: the client is the entry that many from the
   * right. 0: the socket's peer is the client.
   */
  trustProxy: number;
  /** A comment reported by this many different readers goes back to moderation until a moderator approves it. */
  reportThreshold: number;
  /** Longest comment in characters; should equal the element's `max-length`. */
  maxCommentLength: number;
  /** Largest request body in bytes. */
  maxBodyBytes: number;
  /** A form sent sooner than this after it appeared is taken for a bot's. */
  minFillSeconds: number;
  /** A request's headers must arrive within this many seconds of its start, and the whole request within the next. */
  headersTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  /** A desk session ends this many hours after sign-in, or `sessionIdleMinutes` after its last request. */
  sessionHours: number;
  sessionIdleMinutes: number;
  /**
   * An email with at least this many published comments in the last six months and none rejected in them is
   * published without waiting; 0 (the default) trusts no one, since emails are not verified.
   */
  trustAfter: number;
  /** Days a comment's sender record (IP address, user agent) is kept; 0 keeps none. */
  senderRecordDays: number;
  /** An article takes no new comments this many days after its first one; 0 (the default) never closes one. */
  closeAfterDays: number;
  /** Called (POST, signed with `webhookSecret`) for each new pending or reported comment; unset: no alerts. */
  webhookUrl?: string;
  webhookSecret?: string;
  /** The pause before an alert's first retry; it doubles at each, to at most an hour. */
  webhookRetrySeconds: number;
  /** How often the purge of old sender records, sessions and delivered alerts runs while the server runs. */
  purgeIntervalSeconds: number;
}

/** `off`: plain TCP; `require`: encrypted, the certificate unchecked (libpq's meaning); `verify-full`: checked. */
export type DatabaseSsl = 'off' | 'require' | 'verify-full';

const databaseUrl = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('DATABASE_URL must be a URL such as postgres://user:password@host:5432/comments');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql://, not ${url.protocol}//`);
  }
  return value;
};

const databaseSsl = (value: string | undefined): DatabaseSsl | undefined => {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '') return undefined;
  if (text === 'off' || text === 'require' || text === 'verify-full') return text;
  throw new Error(`DATABASE_SSL must be off, require or verify-full, not ${JSON.stringify(value)}`);
};

const whole = (value: string | undefined, fallback: number, name: string, min: number): number => {
  const parsed = number(value, fallback, name);
  if (!Number.isInteger(parsed) || parsed < min) throw new Error(`${name} must be a whole number ≥ ${min}, not ${JSON.stringify(value)}`);
  return parsed;
};

/** A TCP port: 0 (any free one) to 65535. */
const port = (value: string | undefined): number => {
  const parsed = number(value, 8787, 'PORT');
  if (!Number.isInteger(parsed) || parsed > 65535) throw new Error(`PORT must be a whole number from 0 to 65535, not ${JSON.stringify(value)}`);
  return parsed;
};

const number = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} must be a number ≥ 0, not ${JSON.stringify(value)}`);
  return parsed;
};

// Even at ten guesses per client per quarter hour, a short token falls to a botnet; 16 random characters do not.
const MIN_ADMIN_TOKEN = 16;

const adminToken = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  if ([...value].length < MIN_ADMIN_TOKEN) {
    throw new Error(
      `ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN} characters; make one with: node -e "console.log(crypto.randomUUID())"`,
    );
  }
  return value;
};

const onOrOff = (value: string | undefined, name: string): boolean => {
  const text = (value ?? '').trim().toLowerCase();
  if (text === 'on' || text === 'off' || text === '') return text === 'on';
  throw new Error(`${name} must be on or off, not ${JSON.stringify(value)}`);
};

const proxies = (value: string | undefined): number => {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '' || text === 'off') return 0;
  if (text === 'on') return 1;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  throw new Error(`TRUST_PROXY must be off, on (one proxy) or the number of proxies, not ${JSON.stringify(value)}`);
};

const wholeNumber = (value: string | undefined, fallback: number, name: string): number => {
  const text = (value ?? '').trim();
  if (text === '') return fallback;
  if (!/^[1-9]\d{0,5}$/.test(text)) throw new Error(`${name} must be a whole number from 1, not ${JSON.stringify(value)}`);
  return Number(text);
};

const webhook = (url: string | undefined, secret: string | undefined): Pick<Settings, 'webhookUrl' | 'webhookSecret'> => {
  if (!url) return {};
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'http:' && protocol !== 'https:') throw new Error(`WEBHOOK_URL must be an http(s) URL, not ${JSON.stringify(url)}`);
  // The receiver trusts an alert for its signature alone, so the secret must be as hard to guess as the admin token.
  if (!secret || [...secret].length < MIN_ADMIN_TOKEN) {
    throw new Error(`WEBHOOK_SECRET must be at least ${MIN_ADMIN_TOKEN} characters when WEBHOOK_URL is set`);
  }
  return { webhookUrl: url, webhookSecret: secret };
};

export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Settings {
  const headersTimeoutSeconds = number(env.HEADERS_TIMEOUT_SECONDS, 10, 'HEADERS_TIMEOUT_SECONDS');
  const requestTimeoutSeconds = number(env.REQUEST_TIMEOUT_SECONDS, 30, 'REQUEST_TIMEOUT_SECONDS');
  if (!(headersTimeoutSeconds > 0 && headersTimeoutSeconds <= requestTimeoutSeconds)) {
    throw new Error('HEADERS_TIMEOUT_SECONDS must be more than 0 and at most REQUEST_TIMEOUT_SECONDS');
  }
  return {
    port: port(env.PORT),
    host: env.HOST || '127.0.0.1',
    dataDir: env.DATA_DIR || 'data',
    databaseUrl: databaseUrl(env.DATABASE_URL),
    databasePoolSize: whole(env.DATABASE_POOL_SIZE, 10, 'DATABASE_POOL_SIZE', 1),
    databaseStatementTimeoutMs: whole(env.DATABASE_STATEMENT_TIMEOUT_MS, 5000, 'DATABASE_STATEMENT_TIMEOUT_MS', 1),
    databaseSsl: databaseSsl(env.DATABASE_SSL),
    // Anything but a clear `off` would be a guess: moderation stays on only when asked for, or left unsaid.
    moderation: (env.MODERATION ?? '').trim() === '' || onOrOff(env.MODERATION, 'MODERATION'),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? 'http://127.0.0.1:5173,http://localhost:5173')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    allowCredentials: onOrOff(env.ALLOW_CREDENTIALS, 'ALLOW_CREDENTIALS'),
    adminToken: adminToken(env.ADMIN_TOKEN),
    signInLimitCount: number(env.SIGN_IN_LIMIT_COUNT, 10, 'SIGN_IN_LIMIT_COUNT'),
    signInLimitWindowSeconds: number(env.SIGN_IN_LIMIT_WINDOW_SECONDS, 900, 'SIGN_IN_LIMIT_WINDOW_SECONDS'),
    rateLimitCount: whole(env.RATE_LIMIT_COUNT, 5, 'RATE_LIMIT_COUNT', 1),
    rateLimitWindowSeconds: number(env.RATE_LIMIT_WINDOW_SECONDS, 60, 'RATE_LIMIT_WINDOW_SECONDS'),
    rateLimitMaxClients: Math.max(1, number(env.RATE_LIMIT_MAX_CLIENTS, 100_000, 'RATE_LIMIT_MAX_CLIENTS')),
    trustProxy: proxies(env.TRUST_PROXY),
    reportThreshold: wholeNumber(env.REPORT_THRESHOLD, 3, 'REPORT_THRESHOLD'),
    maxCommentLength: whole(env.MAX_COMMENT_LENGTH, 2000, 'MAX_COMMENT_LENGTH', 1),
    maxBodyBytes: number(env.MAX_BODY_BYTES, 100_000, 'MAX_BODY_BYTES'),
    minFillSeconds: number(env.MIN_FILL_SECONDS, 3, 'MIN_FILL_SECONDS'),
    headersTimeoutSeconds,
    requestTimeoutSeconds,
    sessionHours: number(env.SESSION_HOURS, 12, 'SESSION_HOURS'),
    sessionIdleMinutes: number(env.SESSION_IDLE_MINUTES, 60, 'SESSION_IDLE_MINUTES'),
    trustAfter: Math.floor(number(env.TRUST_AFTER, 0, 'TRUST_AFTER')),
    senderRecordDays: number(env.SENDER_RECORD_DAYS, 180, 'SENDER_RECORD_DAYS'),
    closeAfterDays: number(env.CLOSE_AFTER_DAYS, 0, 'CLOSE_AFTER_DAYS'),
    ...webhook(env.WEBHOOK_URL, env.WEBHOOK_SECRET),
    webhookRetrySeconds: Math.max(0.01, number(env.WEBHOOK_RETRY_SECONDS, 10, 'WEBHOOK_RETRY_SECONDS')),
    purgeIntervalSeconds: Math.max(1, number(env.PURGE_INTERVAL_SECONDS, 3600, 'PURGE_INTERVAL_SECONDS')),
  };
}
