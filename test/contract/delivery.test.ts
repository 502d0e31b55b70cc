import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { MAX_ATTEMPTS, retryDelayMs } from '../../src/engine/outbox.js';
import { backends, eachSeeded, expectCode, P, request, START, ticketIn, type Opened } from '../helpers/backends.js';
import { smtpError, smtpSink, type Sink } from '../helpers/smtp.js';

const FROM = 'Central de Ajuda <ajuda@norte.example>';
const later = (ms: number) => new Date(Date.parse(START) + ms).toISOString();

/*
 * R33 on every backend: the CLI's own dispatcher (local) and the server's (http), sending to a real
 * SMTP server on loopback.
 */
let sink: Sink;
/** Addresses the sink refuses at RCPT, with the code it answers. */
const refuse = new Map<string, number>();

beforeAll(async () => {
  sink = await smtpSink({ rcpt: (a) => (refuse.has(a) ? smtpError(refuse.get(a)!, `mailbox ${a} refused`) : undefined) });
});
afterAll(() => sink.close());

describe.each(backends)('delivery of the outbox ($name)', (backend) => {
  let o: Opened;
  let hd: Helpdesk;
  eachSeeded(
    backend,
    async (opened) => {
      o = opened;
      hd = opened.hd;
      refuse.clear();
      sink.received.length = 0;
      sink.raw.length = 0;
      await hd.setSetting('notifications.from', FROM);
    },
    // The dispatcher reads DESKCTL_SMTP_URL at its first run: a test sets o.env before it.
    { env: {} },
  );

  const emailsTo = (to: string) => sink.received.filter((m) => m.to && !Array.isArray(m.to) && m.to.value.some((v) => v.address === to));

  it('R33: a due e-mail goes through SMTP, is marked delivered only once the server accepted it, with its stable Message-ID', async () => {
    o.env.DESKCTL_SMTP_URL = sink.url;
    const t = await ticketIn(hd, request(P.ana, { subject: 'Impressora parada' }));
    const [queued] = await hd.listNotifications({ kind: 'ticket_opened', to: P.ana });
    expect(queued).toMatchObject({ status: 'pending', attempts: 0, messageId: null });

    const report = await hd.deliverNotifications({ channel: 'email' });
    expect(report).toMatchObject({ attempted: 1, delivered: 1, retried: 0, failed: 0 });
    const [mail] = emailsTo(P.ana);
    expect(mail, 'the sink received the e-mail').toBeDefined();
    const shown = await hd.getNotification(queued!.id);
    expect(shown).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: START, lastError: null });
    expect(mail!.messageId).toBe(shown.messageId);
    expect(mail!.subject).toContain(t.protocol);
    expect(mail!.from?.text).toContain('ajuda@norte.example');
    expect(shown.history).toEqual([expect.objectContaining({ at: START, outcome: 'delivered' })]);
    // Nothing is due any more: a second run sends nothing again.
    expect(await hd.deliverNotifications({ channel: 'email' })).toMatchObject({ attempted: 0 });
    expect(emailsTo(P.ana)).toHaveLength(1);
  });

  it('R33: a permanent refusal (5xx at RCPT) fails at once, is listed as failed, and a retry sends it again', async () => {
    o.env.DESKCTL_SMTP_URL = sink.url;
    refuse.set(P.ana, 550);
    await ticketIn(hd, request(P.ana));
    const report = await hd.deliverNotifications({ channel: 'email' });
    expect(report).toMatchObject({ attempted: 1, delivered: 0, failed: 1 });
    const [failed] = await hd.listNotifications({ failed: true });
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, to: P.ana });
    expect(failed!.lastError).toMatch(/550|refused/);
    expect(emailsTo(P.ana)).toHaveLength(0);

    await expectCode(hd.retryNotifications({ ids: [failed!.id + 1000] }), 'not_found');
    refuse.clear();
    // A dry run counts what would be retried, and changes nothing.
    expect(await hd.retryNotifications({ failed: true, dryRun: true })).toEqual({ retried: 1, ids: [failed!.id] });
    expect((await hd.getNotification(failed!.id)).status).toBe('failed');
    expect(await hd.retryNotifications({ failed: true })).toEqual({ retried: 1, ids: [failed!.id] });
    expect((await hd.getNotification(failed!.id)).status).toBe('pending');
    expect(await hd.deliverNotifications({ channel: 'email' })).toMatchObject({ attempted: 1, delivered: 1 });
    expect(emailsTo(P.ana)).toHaveLength(1);
    // A delivered notification is not sent again by hand.
    await expectCode(hd.retryNotifications({ ids: [failed!.id] }), 'precondition_failed');
  });

  it('R33: a temporary refusal (4xx) is tried again after a growing delay, then failed after the last attempt', async () => {
    o.env.DESKCTL_SMTP_URL = sink.url;
    refuse.set(P.ana, 451);
    await ticketIn(hd, request(P.ana));
    const [n] = await hd.listNotifications({ to: P.ana });
    let at = Date.parse(START);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      o.env.DESKCTL_NOW = new Date(at).toISOString();
      expect(await hd.deliverNotifications({ channel: 'email' }), `attempt ${attempt}`).toMatchObject({ attempted: 1, delivered: 0 });
      const shown = await hd.getNotification(n!.id);
      expect(shown.attempts).toBe(attempt);
      if (attempt === MAX_ATTEMPTS) {
        expect(shown.status).toBe('failed');
        break;
      }
      expect(shown.status).toBe('pending');
      expect(shown.nextAttemptAt).toBe(new Date(at + retryDelayMs(attempt)).toISOString());
      // Not due before its time.
      o.env.DESKCTL_NOW = new Date(at + retryDelayMs(attempt) - 1000).toISOString();
      expect((await hd.deliverNotifications({ channel: 'email' })).attempted).toBe(0);
      at += retryDelayMs(attempt);
    }
    expect(retryDelayMs(2)).toBe(2 * retryDelayMs(1));
    expect((await hd.getNotification(n!.id)).history.map((h) => h.outcome)).toEqual([...Array(MAX_ATTEMPTS - 1).fill('retry'), 'failed']);
    expect(emailsTo(P.ana)).toHaveLength(0);
  });

  it('R33: no SMTP server reachable: nothing is marked delivered, the notification waits for its next attempt', async () => {
    o.env.DESKCTL_SMTP_URL = 'smtp://127.0.0.1:1';
    await ticketIn(hd, request(P.ana));
    const report = await hd.deliverNotifications({ channel: 'email' });
    expect(report).toMatchObject({ attempted: 1, delivered: 0, unreachable: 1, retried: 1 });
    const [n] = await hd.listNotifications({ to: P.ana });
    expect(n).toMatchObject({ status: 'pending', attempts: 1, deliveredAt: null, nextAttemptAt: later(retryDelayMs(1)) });
  });

  it('R33: what cannot be sent here waits, saying what to set: the SMTP server of this dispatcher, the push URL of the tenant', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    await hd.createTicket(request(P.ana)); // a draft: e-mail and push to the manager
    o.env.DESKCTL_SMTP_URL = '';
    const report = await hd.deliverNotifications({});
    expect(report).toMatchObject({ attempted: 0, delivered: 0 });
    expect(report.waiting).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'email', count: 1, by: 'dispatcher', reason: expect.stringContaining('DESKCTL_SMTP_URL') }),
        expect.objectContaining({ channel: 'push', count: 1, by: 'tenant', reason: expect.stringContaining('notifications.pushUrl') }),
      ]),
    );
    expect((await hd.listNotifications({ pending: true })).length).toBe(2);
  });

  it("R33: an e-mail of a tenant without a sender waits until notifications.from is set", async () => {
    o.env.DESKCTL_SMTP_URL = sink.url;
    await hd.setSetting('approval.mode', 'all-departments');
    await hd.createTicket(request(P.ana));
    await hd.setSetting('notifications.from', '');
    let report = await hd.deliverNotifications({ channel: 'email' });
    expect(report.attempted).toBe(0);
    expect(report.waiting).toEqual([expect.objectContaining({ channel: 'email', by: 'tenant', reason: expect.stringContaining('notifications.from') })]);
    await hd.setSetting('notifications.from', FROM);
    expect(await hd.deliverNotifications({ channel: 'email' })).toMatchObject({ attempted: 1, delivered: 1 });
    expect(emailsTo(P.gerente)).toHaveLength(1);
  });

  it('R33: retry takes ids or every failed one, one of them', async () => {
    await expectCode(hd.retryNotifications({}), 'invalid_input');
    await expectCode(hd.retryNotifications({ ids: [1], failed: true }), 'invalid_input');
  });
});
