import { afterEach, describe, expect, it } from 'vitest';
import { parseSmtpUrl, redactUrl, smtpProfileOf, smtpSource, smtpUrlOf } from '../../src/config/smtp.js';
import { memoryProfiles } from '../../src/config/profiles.js';
import { DeskctlError } from '../../src/core/errors.js';
import type { Channel, Outgoing } from '../../src/delivery/channel.js';
import { classifySmtpError, emailChannel } from '../../src/delivery/email.js';
import { freePort, silentServer, smtpError, smtpTestServer, type TestServer } from '../helpers/smtp.js';

const MESSAGE_ID = '<n42.t1.9f3c2a@deskctl.acme.example>';

function outgoing(o: Partial<Outgoing> = {}): Outgoing {
  return {
    id: 42,
    tenantId: 1,
    tenant: 'acme',
    kind: 'draft_approved',
    to: 'jose@cliente.example',
    subject: 'Solicitação aprovada: 2026-000042',
    text: 'Olá, José!\n\nSua solicitação "Impressora não liga" foi aprovada: https://portal.acme.example/t/2026-000042\n',
    html: '<p>Olá, <b>José</b>!</p><p>Sua solicitação &quot;Impressora não liga&quot; foi aprovada.</p>',
    messageId: MESSAGE_ID,
    from: '"Suporte Açaí" <suporte@acme.example>',
    ref: { type: 'ticket', id: 7 },
    createdAt: '2026-11-02T12:00:00.000Z',
    ...o,
  };
}

// Everything opened by a test is closed after it, whatever happened.
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
async function sink(o: Parameters<typeof smtpTestServer>[0] = {}): Promise<TestServer> {
  const s = await smtpTestServer(o);
  cleanup.push(() => s.close());
  return s;
}
function channel(url: string, o: { poolSize?: number; timeoutMs?: number } = {}): Channel {
  const c = emailChannel({ url, timeoutMs: 5_000, ...o });
  cleanup.push(() => c.close());
  return c;
}
/** The header block of a raw message, as the server received it. */
const headersOf = (raw: Buffer) => raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');

const USER = 'ana@acme.example';
const PASSWORD = 'p@ss:w/rd?#%é 1';
const authUrl = (port: number, password = PASSWORD, query = '?tls=insecure') =>
  `smtps://${encodeURIComponent(USER)}:${encodeURIComponent(password)}@127.0.0.1:${port}${query}`;
const passwordForms = (p: string) => [p, encodeURIComponent(p), Buffer.from(p).toString('base64')];

describe('R33: the e-mail channel sends a real message over SMTP', () => {
  it('R33: From, To and Subject with accents (RFC 2047), the Message-ID exactly as given, a text part and an HTML part in UTF-8; accepted with the 250 reply', async () => {
    const s = await sink();
    const out = await channel(s.url).send(outgoing());
    expect(out).toMatchObject({ status: 'accepted' });
    expect(out.status === 'accepted' && out.reply).toMatch(/^250 /);
    expect(s.received).toHaveLength(1);
    const [m] = s.received;
    expect(m!.mailFrom).toBe('suporte@acme.example');
    expect(m!.rcptTo).toEqual(['jose@cliente.example']);
    const p = m!.parsed;
    expect(p.subject).toBe('Solicitação aprovada: 2026-000042');
    expect(p.from?.value).toEqual([{ name: 'Suporte Açaí', address: 'suporte@acme.example' }]);
    expect(Array.isArray(p.to) ? p.to : [p.to]).toMatchObject([{ value: [{ address: 'jose@cliente.example' }] }]);
    expect(p.messageId).toBe(MESSAGE_ID);
    expect(p.text).toBe(outgoing().text);
    expect(p.html).toContain('<p>Olá, <b>José</b>!</p>');
    expect(p.headers.get('auto-submitted')).toBe('auto-generated');
    // On the wire: headers in 7-bit ASCII, the accents as encoded words; multipart/alternative, both parts UTF-8.
    const head = headersOf(m!.raw);
    expect(head).not.toMatch(/[^\x00-\x7f]/);
    expect(head).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
    expect(head).toMatch(/^From: =\?UTF-8\?[BQ]\?.*\?= <suporte@acme\.example>/im);
    expect(head).toContain(`Message-ID: ${MESSAGE_ID}`);
    expect(head).toMatch(/^Content-Type: multipart\/alternative/im);
    const body = m!.raw.toString('latin1');
    expect(body).toMatch(/Content-Type: text\/plain; charset=utf-8/i);
    expect(body).toMatch(/Content-Type: text\/html; charset=utf-8/i);
  });

  it('R33: without HTML, one text part; a Message-ID given without brackets gets them; a second attempt carries the same Message-ID', async () => {
    const s = await sink();
    const c = channel(s.url);
    const m = outgoing({ html: null, messageId: 'n43.t1.aa@deskctl.acme.example', from: 'suporte@acme.example' });
    expect((await c.send(m)).status).toBe('accepted');
    expect((await c.send(m)).status).toBe('accepted');
    expect(s.received.map((r) => r.parsed.messageId)).toEqual(['<n43.t1.aa@deskctl.acme.example>', '<n43.t1.aa@deskctl.acme.example>']);
    const p = s.received[0]!.parsed;
    expect(p.html).toBe(false);
    expect(p.text).toBe(m.text);
    expect(headersOf(s.received[0]!.raw)).toMatch(/^Content-Type: text\/plain; charset=utf-8/im);
  });

  it('R33: messages sent at once share a pool of at most poolSize connections, and every one arrives', async () => {
    const s = await sink();
    const c = channel(s.url, { poolSize: 2 });
    const outs = await Promise.all(Array.from({ length: 12 }, (_, i) => c.send(outgoing({ id: i, messageId: `<n${i}@deskctl.test>` }))));
    expect(outs.map((o) => o.status)).toEqual(Array(12).fill('accepted'));
    expect(s.received.map((r) => r.parsed.messageId).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `<n${i}@deskctl.test>`).sort());
    expect(s.peakConnections).toBeLessThanOrEqual(2);
  });

  it('R33: no sender (setting notifications.from unset) is permanent, and nothing is sent', async () => {
    const s = await sink();
    const out = await channel(s.url).send(outgoing({ from: null }));
    expect(out).toMatchObject({ status: 'permanent', error: expect.stringContaining('notifications.from') });
    expect(s.received).toHaveLength(0);
  });
});

describe('R33: SMTP failures are classed as the dispatcher retries them, and a failure does not poison the pool', () => {
  it('R33: connection refused is unreachable; once a server listens there, the same channel delivers', async () => {
    const port = await freePort();
    const c = channel(`smtp://127.0.0.1:${port}`);
    const out = await c.send(outgoing());
    expect(out).toMatchObject({ status: 'unreachable', error: expect.stringContaining('ECONNREFUSED') });
    expect(out.status !== 'accepted' && out.error).toContain(`smtp://127.0.0.1:${port}`);
    const s = await sink({ port });
    expect((await c.send(outgoing())).status).toBe('accepted');
    expect(s.received).toHaveLength(1);
  });

  it('R33: a 4xx greeting is temporary; when the server greets again, the next message goes through', async () => {
    let busy = true;
    const s = await sink({ onConnect: (_session, cb) => cb(busy ? smtpError(421, 'Too many connections, try again later') : null) });
    const c = channel(s.url);
    const out = await c.send(outgoing());
    expect(out).toMatchObject({ status: 'temporary', error: `SMTP ${s.url}: Invalid greeting: 421 Too many connections, try again later` });
    busy = false;
    expect((await c.send(outgoing())).status).toBe('accepted');
    expect(s.received).toHaveLength(1);
  });

  it('R33: a 5xx on RCPT is permanent and a 4xx temporary; the other recipients of the pool still get theirs', async () => {
    const s = await sink({
      onRcptTo: (address, _session, cb) =>
        cb(address.address.startsWith('nobody@') ? smtpError(550, '5.1.1 No such user') : address.address.startsWith('full@') ? smtpError(452, '4.2.2 Mailbox full') : null),
    });
    const c = channel(s.url, { poolSize: 1 });
    const refused = await c.send(outgoing({ to: 'nobody@cliente.example' }));
    expect(refused).toMatchObject({ status: 'permanent', error: expect.stringMatching(/550.*No such user.*RCPT TO/) });
    expect((await c.send(outgoing({ to: 'full@cliente.example' }))).status).toBe('temporary');
    expect((await c.send(outgoing())).status).toBe('accepted');
    expect(s.received.map((r) => r.rcptTo)).toEqual([['jose@cliente.example']]);
  });

  it('R33: a refusal after DATA: 5xx permanent, 4xx temporary (only a 250 after the data is accepted)', async () => {
    const replies = [smtpError(554, '5.7.1 Message rejected as spam'), smtpError(451, '4.3.0 Try again later')];
    const s = await sink({
      onMessage: (stream, _session, cb) => {
        stream.resume();
        stream.on('end', () => cb(replies.shift() ?? null));
      },
    });
    const c = channel(s.url);
    expect(await c.send(outgoing())).toMatchObject({ status: 'permanent', error: expect.stringContaining('554') });
    expect(await c.send(outgoing())).toMatchObject({ status: 'temporary', error: expect.stringContaining('451') });
    expect((await c.send(outgoing())).status).toBe('accepted');
  });

  it('R33: the server killing the socket mid-DATA is temporary and nothing is accepted; the pool reconnects for the next', async () => {
    let kill = true;
    let accepted = 0;
    const s = await sink({
      onMessage: (stream, _session, cb, self) => {
        if (kill) {
          kill = false;
          stream.once('data', () => {
            for (const sock of self.sockets) sock.resetAndDestroy();
          });
          stream.resume();
          return;
        }
        stream.resume();
        stream.on('end', () => {
          accepted++;
          cb(null);
        });
      },
    });
    const c = channel(s.url, { poolSize: 1 });
    const out = await c.send(outgoing());
    expect(out).toMatchObject({ status: 'temporary', error: expect.stringMatching(/ECONNRESET|Connection closed/) });
    expect(accepted).toBe(0);
    expect((await c.send(outgoing())).status).toBe('accepted');
    expect(accepted).toBe(1);
  });

  it('R33: a server slower than the timeout is temporary: no reply after the data, or no greeting at all', async () => {
    let slowly = true;
    const slow = await sink({
      onMessage: (stream, _session, cb) => {
        stream.resume();
        stream.on('end', () => (slowly ? setTimeout(() => cb(null), 3_000).unref() : cb(null)));
      },
    });
    const t0 = Date.now();
    const c = channel(slow.url, { timeoutMs: 300 });
    const out = await c.send(outgoing());
    expect(out).toMatchObject({ status: 'temporary', error: expect.stringMatching(/no answer within 300 ms/) });
    slowly = false;
    expect((await c.send(outgoing())).status).toBe('accepted');
    const mute = await silentServer();
    cleanup.push(() => mute.close());
    const greeting = await channel(`smtp://127.0.0.1:${mute.port}`, { timeoutMs: 300 }).send(outgoing());
    // The greeting timeout and the socket's (silence) fire together here: either names the wait.
    expect(greeting).toMatchObject({ status: 'temporary', error: expect.stringMatching(/no answer within 300 ms \((greeting|socket) timeout\)/) });
    expect(Date.now() - t0).toBeLessThan(2_500);
  });

  it('R33: AUTH over smtps (self-signed certificate accepted with ?tls=insecure): the user and the percent-decoded password log in', async () => {
    const s = await sink({
      secure: true,
      authOptional: false,
      onAuth: (auth, _session, cb) => (auth.username === USER && auth.password === PASSWORD ? cb(null, { user: auth.username }) : cb(smtpError(535, '5.7.8 Authentication credentials invalid'))),
    });
    const out = await channel(authUrl(s.port)).send(outgoing());
    expect(out.status).toBe('accepted');
    expect(s.received.map((r) => [r.user, r.secure])).toEqual([[USER, true]]);
  });

  it('R33: a wrong password is permanent, an untrusted certificate too; neither error holds the password in any form', async () => {
    const wrong = 'Wr0ng-p4ss!w0rd';
    const s = await sink({
      secure: true,
      authOptional: false,
      onAuth: (auth, _session, cb) => (auth.password === PASSWORD ? cb(null, { user: auth.username }) : cb(smtpError(535, '5.7.8 Authentication credentials invalid'))),
    });
    const refused = await channel(authUrl(s.port, wrong)).send(outgoing());
    expect(refused).toMatchObject({ status: 'permanent', error: expect.stringContaining('535') });
    const untrusted = await channel(authUrl(s.port, PASSWORD, '')).send(outgoing());
    expect(untrusted).toMatchObject({ status: 'permanent', error: expect.stringMatching(/certificate|self.signed/i) });
    for (const [out, pass] of [[refused, wrong], [untrusted, PASSWORD]] as const) {
      const text = out.status === 'accepted' ? '' : out.error;
      expect(text).toContain(`smtps://${encodeURIComponent(USER)}:***@127.0.0.1:${s.port}`);
      for (const form of passwordForms(pass)) expect(text).not.toContain(form);
    }
    expect(s.received).toHaveLength(0);
  });

  it('R33: STARTTLS: used when offered (tls=insecure for the test certificate), never with tls=off, and tls=required refuses a server without it', async () => {
    const offering = await sink({ hideSTARTTLS: false });
    expect((await channel(`${offering.url}?tls=insecure`).send(outgoing())).status).toBe('accepted');
    expect((await channel(`${offering.url}?tls=off`).send(outgoing())).status).toBe('accepted');
    expect(offering.received.map((r) => r.secure)).toEqual([true, false]);
    // Opportunistic STARTTLS checks the certificate: the test server's own is not trusted.
    expect((await channel(offering.url).send(outgoing())).status).toBe('permanent');
    const plain = await sink();
    const out = await channel(`${plain.url}?tls=required`).send(outgoing());
    expect(out.status).toBe('permanent');
    expect(plain.received).toHaveLength(0);
  });
});

describe('R33: the SMTP URL: its forms, where it comes from, and its password never shown', () => {
  it('R33: smtp:// and smtps:// forms, default ports, percent-decoded user and password, the tls parameter', () => {
    expect(parseSmtpUrl('smtp://relay.example.com', 'x')).toEqual({ secure: false, host: 'relay.example.com', port: 587, user: undefined, pass: undefined, tls: 'auto' });
    expect(parseSmtpUrl('smtps://apikey:s3cr%40t%3A%2F%3F%23%25@smtp.example.com', 'x')).toEqual({ secure: true, host: 'smtp.example.com', port: 465, user: 'apikey', pass: 's3cr@t:/?#%', tls: 'auto' });
    expect(parseSmtpUrl('smtp://a%40b.example:pw@[::1]:2525?tls=required', 'x')).toMatchObject({ host: '::1', port: 2525, user: 'a@b.example', pass: 'pw', tls: 'required' });
    expect(parseSmtpUrl('SMTPS://u:p@h:465?tls=insecure', 'x')).toMatchObject({ secure: true, tls: 'insecure' });
  });

  it('R33: a bad URL is one invalid-input error (exit 2) naming where it came from, never the password', () => {
    const secret = 'hunter2-secret';
    const cases: [string, RegExp][] = [
      ['relay.example.com:587', /not a URL|must be an smtp/],
      [`http://u:${secret}@h`, /must be an smtp:\/\/ or smtps:\/\/ URL/],
      [`smtp://u:${secret}@h/path`, /no path/],
      [`smtp://u:${secret}@h?tls=sometimes`, /tls must be one of/],
      [`smtp://u:${secret}@h?password=${secret}`, /unknown parameter "\*\*\*"/],
      [`smtps://u:${secret}@h?tls=required`, /smtps:\/\/ is TLS from the start/],
      [`smtp://u:${secret}#x@h`, /not a URL|no #fragment|port/],
      [`smtp://u:${secret}%zz@h`, /malformed %-escape/],
      ['smtp://u@h', /a user needs a password/],
      ['smtp://', /not a URL|no host/],
    ];
    for (const [url, message] of cases) {
      let err: unknown;
      try {
        smtpUrlOf({ DESKCTL_SMTP_URL: url }, null);
      } catch (e) {
        err = e;
      }
      expect(err, url).toBeInstanceOf(DeskctlError);
      expect((err as DeskctlError).exitCode, url).toBe(2);
      expect((err as DeskctlError).message, url).toMatch(/^DESKCTL_SMTP_URL: /);
      expect((err as DeskctlError).message, url).toMatch(message);
      expect((err as DeskctlError).message, url).not.toContain(secret);
    }
    expect(() => smtpUrlOf({}, { name: 'prod', smtpUrl: `ftp://u:${secret}@h` })).toThrow(/^the SMTP URL of profile "prod"/);
    expect(() => emailChannel({ url: `smtpx://u:${secret}@h` })).toThrow(/^the SMTP URL: must be/);
  });

  it('R33: DESKCTL_SMTP_URL wins over the profile; the profile is the one whose target is used; none is null', () => {
    const profiles = memoryProfiles({ profiles: { prod: { db: '/p.db' } } }, { smtp: { prod: 'smtps://u:pw@mail.example:465' } });
    const prod = smtpProfileOf(profiles, 'prod');
    expect(prod).toEqual({ name: 'prod', smtpUrl: 'smtps://u:pw@mail.example:465' });
    expect(smtpUrlOf({}, prod)).toBe('smtps://u:pw@mail.example:465');
    expect(smtpSource({}, prod)).toEqual({ url: 'smtps://u:pw@mail.example:465', from: 'profile prod' });
    expect(smtpSource({ DESKCTL_SMTP_URL: ' smtp://env.example:25 ' }, prod)).toEqual({ url: 'smtp://env.example:25', from: 'DESKCTL_SMTP_URL' });
    expect(smtpUrlOf({ DESKCTL_SMTP_URL: '' }, smtpProfileOf(profiles, 'other'))).toBeNull();
    expect(smtpUrlOf({}, smtpProfileOf(profiles, undefined))).toBeNull();
  });

  it('R33: redactUrl hides the password (and secret-looking parameters), keeps the rest; a non-URL shows nothing before its @', () => {
    expect(redactUrl('smtps://apikey:s3cr%40t@smtp.example.com:465?tls=insecure')).toBe('smtps://apikey:***@smtp.example.com:465?tls=insecure');
    expect(redactUrl('smtp://relay.example.com:25')).toBe('smtp://relay.example.com:25');
    expect(redactUrl('smtp://h?password=x&tls=off')).toBe('smtp://h?password=***&tls=off');
    expect(redactUrl('smtp://u:p#w@h')).toBe('smtp://***@h');
    expect(redactUrl('no url at all')).toBe('…');
  });

  it('R33: the classes of errors nodemailer reports, by code when no server replied', () => {
    const e = (o: object) => Object.assign(new Error('x'), o);
    expect(classifySmtpError(e({ code: 'EDNS', originalCode: 'ENOTFOUND' }))).toBe('unreachable');
    expect(classifySmtpError(e({ code: 'ESOCKET', originalCode: 'EHOSTUNREACH' }))).toBe('unreachable');
    expect(classifySmtpError(e({ code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT' }))).toBe('unreachable');
    expect(classifySmtpError(e({ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' }))).toBe('temporary');
    expect(classifySmtpError(e({ code: 'ESOCKET', originalCode: 'ECONNRESET' }))).toBe('temporary');
    expect(classifySmtpError(e({ code: 'ECONNECTION' }))).toBe('temporary');
    expect(classifySmtpError(e({ code: 'EENVELOPE', responseCode: 503 }))).toBe('temporary');
    expect(classifySmtpError(e({ code: 'EENVELOPE' }))).toBe('permanent');
    expect(classifySmtpError(e({ code: 'EAUTH', responseCode: 454 }))).toBe('temporary');
    expect(classifySmtpError(e({ code: 'ETLS', originalCode: 'CERT_HAS_EXPIRED' }))).toBe('permanent');
  });
});
