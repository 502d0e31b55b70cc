import { createHmac } from 'node:crypto';
import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { parsePayload, phoneNumberIdsOf, signatureOf, signatureValid, signatureWellFormed } from '../../src/core/whatsapp-webhook.js';
import { APP_SECRET, PHONE_NUMBER_ID, delivery, textMessage } from '../helpers/whatsapp.js';

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const raw = (v: unknown) => Buffer.from(JSON.stringify(v));
const ok = (v: unknown) => {
  const r = parsePayload(v);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.delivery;
};
const problems = (v: unknown) => {
  const r = parsePayload(v);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
};

describe('R32: X-Hub-Signature-256', () => {
  const body = raw(delivery({ messages: [textMessage('5511912345678', 'wamid.1', 'Oi')] }));
  const good = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;

  it('R32: sha256= and the lower-case hex HMAC-SHA256 of the raw bytes under the app secret is valid, compared with timingSafeEqual', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    expect(signatureOf(body, APP_SECRET)).toBe(good);
    expect(signatureValid(body, good, APP_SECRET)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
    const [a, b] = spy.mock.calls[0]!;
    expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
  });

  it('R32: a missing, malformed, upper-case, truncated or wrong signature, another secret or other bytes are refused; a wrong length never reaches the comparison', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    for (const h of [undefined, '', 'sha256=', good.slice(0, -2), `${good}00`, good.toUpperCase(), `SHA256=${good.slice(7)}`, good.replace('sha256=', 'sha1='), ` ${good}`, `sha256=${'g'.repeat(64)}`]) {
      expect(signatureWellFormed(h), String(h)).toBe(false);
      expect(signatureValid(body, h, APP_SECRET), String(h)).toBe(false);
    }
    expect(spy).not.toHaveBeenCalled();
    expect(signatureValid(body, good, `${APP_SECRET}x`)).toBe(false);
    // The same JSON written with other spacing is other bytes: the signature is over the raw body.
    expect(signatureValid(Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1)), good, APP_SECRET)).toBe(false);
    const flipped = Buffer.from(body);
    flipped[10] = flipped[10]! ^ 1;
    expect(signatureValid(flipped, good, APP_SECRET)).toBe(false);
    expect(signatureValid(body, `sha256=${'0'.repeat(64)}`, APP_SECRET)).toBe(false);
  });
});

describe('R31, R32: the webhook payload as WhatsApp sends it', () => {
  const at = new Date(1796212800 * 1000);

  it('a text message: from, id, type, its body as text, the profile name from contacts by wa_id, the time in seconds', () => {
    const d = ok(delivery({ contacts: [{ wa_id: '5511912345678', name: 'Ana' }], messages: [textMessage('5511912345678', 'wamid.1', 'Preciso de ajuda')] }));
    expect(d).toEqual({ messages: [{ phoneNumberId: PHONE_NUMBER_ID, from: '5511912345678', id: 'wamid.1', type: 'text', text: 'Preciso de ajuda', name: 'Ana', at }], statuses: [] });
  });

  it('the spec\'s minimal shape (no entry id, no messaging_product, no display number) and a numeric timestamp', () => {
    const d = ok({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { metadata: { phone_number_id: '1' }, messages: [{ from: '55', id: 'w', timestamp: 1796212800, type: 'text', text: { body: 'x' } }] } }] }] });
    expect(d.messages).toEqual([{ phoneNumberId: '1', from: '55', id: 'w', type: 'text', text: 'x', name: null, at }]);
  });

  const media = (type: string, extra: Record<string, unknown> = {}) => ({ from: '55', id: `wamid.${type}`, timestamp: '1796212800', type, [type]: { id: '1013859600285441', mime_type: 'image/jpeg', sha256: 'abc=', ...extra } });
  it.each([
    ['image with a caption', media('image', { caption: 'a foto do erro' }), 'a foto do erro'],
    ['image without one', media('image'), null],
    ['video with a caption', media('video', { caption: 'vídeo' }), 'vídeo'],
    ['document with a caption and a file name', media('document', { caption: 'nota', filename: 'nf.pdf' }), 'nota'],
    ['audio', media('audio', { voice: true }), null],
    ['sticker', media('sticker', { animated: false }), null],
    ['location', { from: '55', id: 'w.l', timestamp: '1796212800', type: 'location', location: { latitude: -23.55, longitude: -46.63, name: 'Escritório', address: 'Av. Paulista' } }, null],
    ['contacts', { from: '55', id: 'w.c', timestamp: '1796212800', type: 'contacts', contacts: [{ name: { formatted_name: 'Bia' }, phones: [{ phone: '+55 11 9', wa_id: '55119' }] }] }, null],
    ['interactive button reply', { from: '55', id: 'w.i', timestamp: '1796212800', type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'opt-1', title: '1' } } }, null],
    ['interactive list reply', { from: '55', id: 'w.i2', timestamp: '1796212800', type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r', title: 'Suporte', description: 'd' } } }, null],
    ['quick-reply button', { from: '55', id: 'w.b', timestamp: '1796212800', type: 'button', button: { payload: 'P', text: 'Sim' }, context: { from: '15550783881', id: 'wamid.prev' } }, null],
    ['reaction', { from: '55', id: 'w.r', timestamp: '1796212800', type: 'reaction', reaction: { message_id: 'wamid.prev', emoji: '👍' } }, null],
    ['unsupported, with its error', { from: '55', id: 'w.u', timestamp: '1796212800', type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }] }, null],
    ['a type WhatsApp adds later', { from: '55', id: 'w.n', timestamp: '1796212800', type: 'hologram', hologram: { anything: [1, 2] } }, null],
  ])('%s', (_name, message, text) => {
    const [m] = ok(delivery({ messages: [message as never] })).messages;
    expect(m).toMatchObject({ from: '55', id: (message as { id: string }).id, type: (message as { type: string }).type, text, at });
  });

  it('several messages in one delivery, of several senders, keep their order and names', () => {
    const d = ok(
      delivery({
        contacts: [{ wa_id: '551', name: 'Ana' }, { wa_id: '552', name: 'Bia' }],
        messages: [textMessage('551', 'a1', 'um'), textMessage('552', 'b1', 'dois'), textMessage('551', 'a2', 'três'), textMessage('553', 'c1', 'quatro')],
      }),
    );
    expect(d.messages.map((m) => [m.id, m.from, m.name, m.text])).toEqual([
      ['a1', '551', 'Ana', 'um'],
      ['b1', '552', 'Bia', 'dois'],
      ['a2', '551', 'Ana', 'três'],
      ['c1', '553', null, 'quatro'],
    ]);
  });

  it('R32: statuses sent, delivered, read and failed (with its error); another status changes nothing', () => {
    const d = ok(
      delivery({
        statuses: [
          { id: 'wamid.out1', status: 'sent', timestamp: '1796212800', recipient_id: '551', conversation: { id: 'c', origin: { type: 'service' } }, pricing: { billable: true, pricing_model: 'PMP', category: 'service' } },
          { id: 'wamid.out1', status: 'delivered', timestamp: '1796212801', recipient_id: '551' },
          { id: 'wamid.out1', status: 'read', timestamp: '1796212802', recipient_id: '551' },
          { id: 'wamid.out2', status: 'failed', timestamp: '1796212803', recipient_id: '552', errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'More than 24 hours have passed since the recipient last replied.' } }] },
          { id: 'wamid.out3', status: 'deleted', timestamp: '1796212804', recipient_id: '552' },
        ],
      }),
    );
    expect(d.messages).toEqual([]);
    expect(d.statuses).toEqual([
      { phoneNumberId: PHONE_NUMBER_ID, id: 'wamid.out1', status: 'sent', at, error: null },
      { phoneNumberId: PHONE_NUMBER_ID, id: 'wamid.out1', status: 'delivered', at: new Date(1796212801000), error: null },
      { phoneNumberId: PHONE_NUMBER_ID, id: 'wamid.out1', status: 'read', at: new Date(1796212802000), error: null },
      { phoneNumberId: PHONE_NUMBER_ID, id: 'wamid.out2', status: 'failed', at: new Date(1796212803000), error: '131047 Re-engagement message: More than 24 hours have passed since the recipient last replied.' },
    ]);
  });

  it('messages and statuses of several phone number ids, and a change of another field passed over', () => {
    const a = delivery({ messages: [textMessage('551', 'a1', 'um')] });
    const b = delivery({ phoneNumberId: '2000', statuses: [{ id: 'o', status: 'read', timestamp: '1796212800' }] });
    const payload = { object: 'whatsapp_business_account', entry: [...(a.entry as unknown[]), ...(b.entry as unknown[]), { id: 'w', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }] }] };
    expect(phoneNumberIdsOf(payload)).toEqual([PHONE_NUMBER_ID, '2000']);
    const d = ok(payload);
    expect(d.messages.map((m) => m.phoneNumberId)).toEqual([PHONE_NUMBER_ID]);
    expect(d.statuses.map((s) => s.phoneNumberId)).toEqual(['2000']);
  });

  it('fields WhatsApp adds that deskctl does not read pass through', () => {
    const m = { ...textMessage('551', 'a1', 'um'), referral: { source_url: 'https://x' }, context: { forwarded: true }, identity: { acknowledged: true } };
    const p = delivery({ messages: [m] });
    (p.entry as { changes: { value: Record<string, unknown> }[]; extra?: unknown }[])[0]!.changes[0]!.value.new_field = { x: 1 };
    expect(ok({ ...p, extra: true }).messages).toHaveLength(1);
  });

  it.each([
    ['not an object', 'x', /expected object/],
    ['another object', { object: 'page', entry: [] }, /^object: expected "whatsapp_business_account"$/],
    ['no entry', { object: 'whatsapp_business_account' }, /^entry: /],
    ['an entry without changes', { object: 'whatsapp_business_account', entry: [{ id: '1' }] }, /^entry\[0\]\.changes: /],
    ['no metadata', { object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { messages: [] } }] }] }, /^entry\[0\]\.changes\[0\]\.value\.metadata: /],
    ['a phone number id that is a number', delivery({ phoneNumberId: 123 as never }), /value\.metadata\.phone_number_id: /],
    ['a message without an id', delivery({ messages: [{ from: '55', timestamp: '1', type: 'text', text: { body: 'x' } } as never] }), /messages\[0\]\.id: /],
    ['a message from letters', delivery({ messages: [textMessage('abc', 'w', 'x')] }), /messages\[0\]\.from: expected the digits of a phone number/],
    ['a timestamp that is a date', delivery({ messages: [{ ...textMessage('55', 'w', 'x'), timestamp: '2026-12-03' }] }), /messages\[0\]\.timestamp: expected Unix seconds/],
    ['a text message without its text', delivery({ messages: [{ from: '55', id: 'w', timestamp: '1', type: 'text' }] }), /messages\[0\]\.text: required for a message of type "text"/],
    ['a text body that is a number', delivery({ messages: [{ from: '55', id: 'w', timestamp: '1', type: 'text', text: { body: 5 } }] }), /messages\[0\]\.text\.body: /],
    ['an image without its media id', delivery({ messages: [{ from: '55', id: 'w', timestamp: '1', type: 'image', image: { caption: 'c' } }] }), /messages\[0\]\.image\.id: /],
    ['a location with text coordinates', delivery({ messages: [{ from: '55', id: 'w', timestamp: '1', type: 'location', location: { latitude: '1', longitude: 2 } }] }), /location\.latitude: /],
    ['a status without its status', delivery({ statuses: [{ id: 'o', timestamp: '1' }] }), /statuses\[0\]\.status: /],
    ['a status error without a code', delivery({ statuses: [{ id: 'o', status: 'failed', timestamp: '1', errors: [{ title: 't' }] }] }), /statuses\[0\]\.errors\[0\]\.code: /],
    ['contacts without wa_id', delivery({ contacts: [{ name: 'x' } as never], messages: [] }), /contacts\[0\]\.wa_id: /],
  ])('400 material: %s names the path', (_name, payload, pattern) => {
    const p = problems(payload);
    expect(p.some((line) => pattern.test(line)), p.join('\n')).toBe(true);
  });
});
