/*
 * The e-mail channel (R33): notifications sent over SMTP with nodemailer, through a pool of
 * connections kept open for the whole run of the dispatcher. Each message has a text part, an
 * HTML part when the template gave one, UTF-8 throughout (RFC 2047 encoded words in headers), and
 * the notification's own Message-ID, the same on every attempt. Every failure is classed as the
 * dispatcher needs it (channel.ts); the relay's password never appears in what this returns.
 */
import nodemailer from 'nodemailer';
import { parseSmtpUrl, redactUrl, type SmtpSettings } from '../config/smtp.js';
import type { Channel, Outgoing, SendOutcome } from './channel.js';

export { redactUrl };

export interface EmailChannelConfig {
  /** smtp://[user:password@]host[:port][?tls=required|off|insecure] or smtps://user:password@host[:port][?tls=insecure] */
  url: string;
  /** Connections kept open at once (nodemailer's maxConnections); default 5. */
  poolSize?: number;
  /** Connecting, the greeting, and any silence of the server once connected; default 30 s. */
  timeoutMs?: number;
}

export const DEFAULT_POOL_SIZE = 5;
export const DEFAULT_TIMEOUT_MS = 30_000;

/** What nodemailer puts on the errors it reports (smtp-connection's _formatError). */
interface SmtpError extends Error {
  /** nodemailer's class: ECONNECTION, ESOCKET, ETIMEDOUT, EDNS, ETLS, EAUTH, EENVELOPE, EMESSAGE, EPROTOCOL, ... */
  code?: string;
  /** The system's code under nodemailer's (ECONNREFUSED, ENOTFOUND, ECONNRESET, a certificate error). */
  originalCode?: string;
  /** The SMTP reply code that refused, when a server replied. */
  responseCode?: number;
  /** The command in flight: CONN, EHLO, AUTH PLAIN, MAIL FROM, RCPT TO, DATA, ... */
  command?: string;
  /** Which timeout fired: CONNECT_TIMEOUT, GREETING_TIMEOUT, SOCKET_TIMEOUT, UPGRADE_TIMEOUT. */
  timeoutType?: string;
}

/** No server answered at that address: tried again later, and `deliver` exits 5 when every attempt is this. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
/** A certificate that does not check out, or TLS spoken to a port that does not speak it: the URL or the relay must change. */
const TLS_CONFIGURATION = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|^ERR_SSL_|^ERR_TLS_/;
/** Refusals that no retry changes: the login, the envelope or the message itself, the configuration. */
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'EENVELOPE', 'EMESSAGE', 'ECONFIG', 'EREQUIRETLS', 'EMAXRECIPIENTS', 'EFILEACCESS', 'EURLACCESS']);

/**
 * The class of a failed attempt (R33, channel.ts):
 * - an SMTP reply 4xx, at any step (greeting, EHLO, AUTH, MAIL, RCPT, DATA): temporary;
 * - an SMTP reply 5xx: permanent, except 503 (bad sequence of commands: the session's state, not
 *   the message; a fresh connection may take it), which is temporary;
 * - connection refused, no such host, no route, or no TCP connection within the timeout: unreachable;
 * - the greeting or a reply not coming within the timeout, the connection cut (ECONNRESET, closed
 *   mid-DATA): temporary;
 * - a certificate that is not trusted (or TLS against a port that does not speak it), a failed
 *   login without a reply code, an envelope nodemailer refuses (no valid recipient): permanent;
 * - anything else: temporary.
 */
export function classifySmtpError(e: unknown): 'temporary' | 'permanent' | 'unreachable' {
  const err = (e ?? {}) as SmtpError;
  const code = err.code ?? '';
  const system = err.originalCode ?? '';
  if (typeof err.responseCode === 'number' && err.responseCode >= 400 && err.responseCode < 600) {
    return err.responseCode >= 500 && err.responseCode !== 503 ? 'permanent' : 'temporary';
  }
  if (UNREACHABLE.has(system) || UNREACHABLE.has(code)) return 'unreachable';
  if (code === 'ETIMEDOUT') return err.timeoutType === 'CONNECT_TIMEOUT' ? 'unreachable' : 'temporary';
  if (TLS_CONFIGURATION.test(system) || TLS_CONFIGURATION.test(code)) return 'permanent';
  if (PERMANENT_CODES.has(code)) return 'permanent';
  return 'temporary';
}

/**
 * The forms a password can take in text: as given, percent-encoded, and in an AUTH PLAIN/LOGIN
 * exchange. Forms shorter than 4 characters are left alone: such a password is in any text
 * already, and cutting every "p" out of "smtps" would hide the error, not the secret.
 */
function secretForms(s: SmtpSettings): string[] {
  if (s.pass === undefined) return [];
  const forms = [s.pass, encodeURIComponent(s.pass), Buffer.from(s.pass).toString('base64'), Buffer.from(`\0${s.user ?? ''}\0${s.pass}`).toString('base64')];
  return [...new Set(forms.filter((f) => f.length >= 4))].sort((a, b) => b.length - a.length);
}

/** A text with every form of the password replaced by ***, cut to a readable length. */
function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 1000 ? `${out.slice(0, 999)}…` : out;
}

/** The words of an error: what nodemailer says (the server's reply included), and the command it was at. */
/** OpenSSL's text without its source paths and codes (`…:SSL routines:ssl3_get_record:wrong version number:../deps/…`). */
const oneLineOf = (m: string) => (/(?:SSL routines:)?[a-z0-9_]*:?(wrong version number|packet length too long|unknown protocol)/i.exec(m)?.[1] ?? m).trim();

function describe(err: SmtpError, where: string, timeoutMs: number): string {
  const at = err.command && err.command !== 'CONN' && err.command !== 'API' ? ` (at ${err.command})` : '';
  if (err.code === 'ETIMEDOUT') {
    const which = err.timeoutType ? err.timeoutType.toLowerCase().replace(/_/g, ' ') : 'timeout';
    return `SMTP ${where}: ${err.message || 'Timeout'}: no answer within ${timeoutMs} ms (${which})${at}`;
  }
  let message = err.message || String(err);
  const reply = (err as { response?: unknown }).response;
  // nodemailer's "Invalid greeting. response=421 …: 421 …" says the reply twice.
  if (typeof reply === 'string' && reply) message = message.replace(`. response=${reply}: ${reply}`, `: ${reply}`);
  // OpenSSL's words for TLS spoken to a port that speaks plain SMTP (smtps:// against 587 or 25).
  if (/wrong version number|packet length too long|unknown protocol/i.test(message)) {
    message = `this port does not speak TLS from the start (use smtp://… for STARTTLS, or the relay's implicit-TLS port, usually 465): ${oneLineOf(message)}`;
  }
  return `SMTP ${where}: ${message}${at}`;
}

/** nodemailer's options for a pooled transport to the server of an SMTP URL. */
export function transportOptions(s: SmtpSettings, poolSize: number, timeoutMs: number) {
  return {
    pool: true as const,
    maxConnections: poolSize,
    // A message whose connection closed under it goes back to the queue once (an idle connection
    // the server dropped just then); past that the dispatcher retries, with its own delays.
    maxRequeues: 1,
    host: s.host,
    port: s.port,
    secure: s.secure,
    requireTLS: s.tls === 'required',
    ignoreTLS: s.tls === 'off',
    ...(s.user !== undefined ? { auth: { user: s.user, pass: s.pass ?? '' } } : {}),
    tls: { rejectUnauthorized: s.tls !== 'insecure' },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    logger: false,
    debug: false,
  };
}

/**
 * The e-mail channel, through the SMTP server of `url` (see src/config/smtp.ts for its forms). An
 * invalid URL throws an invalid-input error (exit 2) that never repeats the password. Messages
 * may be sent concurrently: they wait for a free connection of the pool. A failed connection
 * leaves the pool; the next message gets a new one.
 */
export function emailChannel(config: EmailChannelConfig): Channel {
  const settings = parseSmtpUrl(config.url, 'the SMTP URL');
  const poolSize = config.poolSize ?? DEFAULT_POOL_SIZE;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new RangeError('emailChannel: poolSize must be a positive integer');
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('emailChannel: timeoutMs must be a positive number of milliseconds');
  const where = redactUrl(config.url);
  const secrets = secretForms(settings);
  const transporter = nodemailer.createTransport(transportOptions(settings, poolSize, timeoutMs));
  // The pool reports a broken connection to the message it was sending (its callback); the
  // transport's own 'error' event must never go unheard (an unheard 'error' ends the process).
  transporter.on('error', () => {});

  return {
    async send(m: Outgoing): Promise<SendOutcome> {
      if (!m.from) {
        return { status: 'permanent', error: 'no sender for e-mail: set the setting notifications.from (deskctl settings set notifications.from "Helpdesk <helpdesk@example.com>")' };
      }
      try {
        const info = await transporter.sendMail({
          from: m.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          ...(m.html !== null ? { html: m.html } : {}),
          // R33: the notification's own id, the same on every attempt (nodemailer makes none of its own then).
          messageId: m.messageId,
          // RFC 3834: an automatic message; auto-responders do not answer it (no loops with the helpdesk).
          headers: { 'Auto-Submitted': 'auto-generated' },
          disableFileAccess: true,
          disableUrlAccess: true,
        });
        return { status: 'accepted', reply: scrub(String(info.response ?? ''), secrets) };
      } catch (e) {
        const err = (e instanceof Error ? e : new Error(String(e))) as SmtpError;
        return { status: classifySmtpError(err), error: scrub(describe(err, where, timeoutMs), secrets) };
      }
    },
    async close(): Promise<void> {
      transporter.close();
    },
  };
}
