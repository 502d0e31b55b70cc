/**
 * The SMTP server e-mail notifications go through (R33): where its URL comes from
 * (DESKCTL_SMTP_URL, else the active profile's, set with `deskctl profile set-smtp`), what the URL
 * says, and how it is shown. The URL carries the relay's password: it is never printed, logged
 * or put in an error as it is, only through redactUrl(). No I/O and no nodemailer here, so the
 * profile commands can use it without loading a mail library.
 */
import { invalid } from '../core/errors.js';
import type { ProfileSource } from './profiles.js';

/**
 * How a connection uses TLS, from the URL's `tls` parameter:
 * - `auto` (default): smtps:// is TLS from the first byte; smtp:// upgrades with STARTTLS when the
 *   server offers it, and sends in clear when it does not. Certificates are checked.
 * - `required`: smtp:// only: STARTTLS or no message (a server that does not offer it is refused).
 * - `off`: smtp:// only: never STARTTLS, even when offered (a local sink with a broken certificate).
 * - `insecure`: TLS as for auto, but the server's certificate is not checked (a relay with a
 *   self-signed certificate on a network you trust; the tests' servers).
 */
export type SmtpTls = 'auto' | 'required' | 'off' | 'insecure';
const TLS_MODES: readonly SmtpTls[] = ['auto', 'required', 'off', 'insecure'];

/** What an SMTP URL says, decoded. */
export interface SmtpSettings {
  /** smtps://: implicit TLS (port 465). */
  secure: boolean;
  /** A name or an address (an IPv6 address without its brackets). */
  host: string;
  port: number;
  /** The AUTH user and password, percent-decoded; both or neither. */
  user?: string;
  pass?: string;
  tls: SmtpTls;
}

/** The forms a person can copy, for errors. */
const FORMS = 'smtp://host:587, smtp://user:password@host:587?tls=required, or smtps://user:password@host:465';
const ENCODE = 'percent-encode @ : / ? # % in the user or password as %40 %3A %2F %3F %23 %25';

/** Query parameters whose value is a secret, whatever the URL (a password given as a parameter). */
const SECRET_PARAMETER = /pass|secret|token|key|auth|credential/i;

/**
 * A URL as it may be shown to people: its password replaced by `***`, and so the value of any
 * parameter that looks like a secret; the scheme, user, host, port and the rest stay. A string
 * that is no URL shows only its scheme and what follows its last `@` (never what comes before).
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const k of [...new Set(u.searchParams.keys())]) if (SECRET_PARAMETER.test(k)) u.searchParams.set(k, '***');
    return u.toString();
  } catch {
    const scheme = /^[a-z][a-z0-9+.-]*:(\/\/)?/i.exec(url)?.[0] ?? '';
    const at = url.lastIndexOf('@');
    if (at < 0) return scheme ? `${scheme}…` : '…';
    return `${scheme}***@${url.slice(at + 1).split(/[?#]/)[0]}`;
  }
}

function decode(part: string, from: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(`${from}: the user or password has a malformed %-escape (${ENCODE})`);
  }
}

/**
 * Reads an SMTP URL: `smtp://[user:password@]host[:port][?tls=…]` (port 587 by default; STARTTLS
 * when offered) or `smtps://user:password@host[:port]` (implicit TLS, port 465 by default). A bad
 * URL is one invalid-input error (exit 2) naming `from` (DESKCTL_SMTP_URL, a profile) and never
 * repeating the URL's user part or password.
 */
export function parseSmtpUrl(url: string, from: string): SmtpSettings {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    // The TypeError's `input` is the whole URL, password included: never passed on.
    throw invalid(`${from}: not a URL (expected ${FORMS}; ${ENCODE})`);
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'smtp' && scheme !== 'smtps') throw invalid(`${from}: must be an smtp:// or smtps:// URL, not ${scheme}: (expected ${FORMS})`);
  const secure = scheme === 'smtps';
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw invalid(`${from}: names no host (expected ${FORMS})`);
  if (u.pathname !== '' && u.pathname !== '/') throw invalid(`${from}: an SMTP URL has no path (expected ${FORMS}; ${ENCODE})`);
  if (u.hash) throw invalid(`${from}: an SMTP URL has no #fragment (${ENCODE})`);
  const port = u.port === '' ? (secure ? 465 : 587) : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw invalid(`${from}: the port must be 1-65535`);

  let tls: SmtpTls = 'auto';
  for (const [k, v] of u.searchParams) {
    if (k !== 'tls') throw invalid(`${from}: unknown parameter "${SECRET_PARAMETER.test(k) ? '***' : k}" (the only one is tls=${TLS_MODES.join('|')})`);
    if (!(TLS_MODES as readonly string[]).includes(v)) throw invalid(`${from}: tls must be one of ${TLS_MODES.join(', ')}`);
    tls = v as SmtpTls;
  }
  if (secure && (tls === 'required' || tls === 'off')) {
    throw invalid(`${from}: smtps:// is TLS from the start; tls=${tls} is for smtp:// (STARTTLS)`);
  }

  const user = u.username === '' ? undefined : decode(u.username, from);
  const pass = u.password === '' ? undefined : decode(u.password, from);
  if (user !== undefined && pass === undefined) throw invalid(`${from}: a user needs a password (smtp://user:password@host; ${ENCODE})`);
  if (user === undefined && pass !== undefined) throw invalid(`${from}: a password needs a user (smtp://user:password@host)`);
  return { secure, host, port, user, pass, tls };
}

/** What an SMTP URL is read from besides the environment: a profile's name and its stored URL. */
export interface SmtpProfile {
  name: string;
  /** The URL saved with `deskctl profile set-smtp NAME --url-stdin` (credentials.json), if any. */
  smtpUrl?: string;
}

/**
 * The profile whose SMTP URL counts: the one whose target this run uses (`Resolution.profile`;
 * like its token, a profile's SMTP URL travels with its target), or none.
 */
export function smtpProfileOf(profiles: Pick<ProfileSource, 'smtpUrl'>, name: string | undefined): SmtpProfile | null {
  if (name === undefined) return null;
  const smtpUrl = profiles.smtpUrl(name);
  return smtpUrl === undefined ? { name } : { name, smtpUrl };
}

/** The SMTP URL and where it came from (`DESKCTL_SMTP_URL`, `profile staging`), checked; null when none is set. */
export function smtpSource(env: NodeJS.ProcessEnv, profile: SmtpProfile | null): { url: string; from: string } | null {
  const fromEnv = env.DESKCTL_SMTP_URL?.trim();
  if (fromEnv) {
    parseSmtpUrl(fromEnv, 'DESKCTL_SMTP_URL');
    return { url: fromEnv, from: 'DESKCTL_SMTP_URL' };
  }
  const saved = profile?.smtpUrl?.trim();
  if (profile && saved) {
    const from = `profile ${profile.name}`;
    parseSmtpUrl(saved, `the SMTP URL of profile "${profile.name}" (deskctl profile set-smtp ${profile.name} --url-stdin)`);
    return { url: saved, from };
  }
  return null;
}

/**
 * The SMTP URL e-mail goes through: DESKCTL_SMTP_URL when set (the environment wins), else the
 * profile's; null when neither is. A malformed one is an invalid-input error (exit 2) naming
 * where it came from, without its password.
 */
export function smtpUrlOf(env: NodeJS.ProcessEnv, profile: SmtpProfile | null): string | null {
  return smtpSource(env, profile)?.url ?? null;
}
