import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isPostgresUrl } from '../../src/config/database.js';
import { connectionSecrets } from '../../src/engine/whatsapp-connection.js';
import { parseSecretsKey } from '../../src/engine/secrets.js';
import { tenantIdBySlug } from '../../src/engine/context.js';
import { openStore } from '../../src/store/store.js';
import { openDatabase } from '../../src/store/sqlite.js';
import { backends, expectCode, type Backend } from '../helpers/backends.js';
import { fingerprint } from '../helpers/db.js';
import { psql } from '../helpers/postgres.js';
import { PHONE_NUMBER_ID, SECRETS } from '../helpers/whatsapp.js';

const KEY = randomBytes(32).toString('base64');
const OTHER_KEY = randomBytes(32).toString('base64');
const secretValues = Object.values(SECRETS);

/** Every row of the connections table, as stored. */
function storedRows(file: string): Record<string, unknown>[] {
  if (isPostgresUrl(file)) {
    const out = psql(file, 'SELECT coalesce(json_agg(w), \'[]\') FROM whatsapp_connections w');
    return JSON.parse(out) as Record<string, unknown>[];
  }
  const db = openDatabase(file, { readonly: true });
  try {
    return db.prepare('SELECT * FROM whatsapp_connections').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

const noSecretIn = (what: string, value: unknown) => {
  const text = JSON.stringify(value);
  for (const s of secretValues) expect(text, what).not.toContain(s);
};

describe.each(backends)('WhatsApp connection (issue 15) ($name)', (backend: Backend) => {
  it('R32: connect, show and disconnect; no answer, audit row or notification holds a secret', async () => {
    const o = await backend.open({ env: { DESKCTL_SECRETS_KEY: KEY } });
    try {
      const { hd } = o;
      expect(await hd.whatsappStatus()).toEqual({ connection: null, settings: expect.any(Object) });
      const r = await hd.connectWhatsapp({ phoneNumberId: PHONE_NUMBER_ID, displayNumber: '+55 11 3000-0000', secrets: { ...SECRETS } });
      expect(r).toMatchObject({
        phoneNumberId: PHONE_NUMBER_ID,
        displayNumber: '+55 11 3000-0000',
        secrets: { appSecret: true, accessToken: true, verifyToken: true },
        encrypted: true,
        keyId: parseSecretsKey(KEY, 'k').id,
        keyMatches: true,
        changed: true,
        replaced: false,
      });
      // The same again is reported, not failed, and writes nothing.
      const before = fingerprint(o.file);
      expect(await hd.connectWhatsapp({ phoneNumberId: PHONE_NUMBER_ID, displayNumber: '+55 11 3000-0000', secrets: { ...SECRETS } })).toMatchObject({ changed: false, replaced: false });
      expect(fingerprint(o.file)).toBe(before);
      const shown = await hd.whatsappStatus();
      expect(shown.connection).toMatchObject({ phoneNumberId: PHONE_NUMBER_ID, encrypted: true, keyMatches: true });
      // The whatsapp.* settings of getSettings(), and only those.
      const all = (await hd.getSettings()) as unknown as Record<string, unknown>;
      expect(shown.settings).toEqual(Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('whatsapp.'))));
      // New secrets replace the old ones.
      const again = await hd.connectWhatsapp({ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS, accessToken: 'EAA-rotated-token-1' } });
      expect(again).toMatchObject({ changed: true, replaced: true, displayNumber: null });
      const off = await hd.disconnectWhatsapp();
      expect(off).toEqual({ disconnected: true, phoneNumberId: PHONE_NUMBER_ID });
      expect(await hd.disconnectWhatsapp()).toEqual({ disconnected: false, phoneNumberId: null });
      expect((await hd.whatsappStatus()).connection).toBeNull();
      const trail = await hd.listAudit({});
      const mine = trail.filter((e) => e.action.startsWith('whatsapp.'));
      expect(mine.map((e) => e.action)).toEqual(['whatsapp.connect', 'whatsapp.connect', 'whatsapp.disconnect']);
      expect(mine[0]!.details).toMatchObject({ secretsSet: ['appSecret', 'accessToken', 'verifyToken'], encrypted: true });
      for (const [what, v] of [['results', [r, shown, again, off]], ['audit', trail], ['notifications', await hd.listNotifications({})]] as const) noSecretIn(what, v);
      expect(JSON.stringify(trail)).not.toContain('EAA-rotated-token-1');
    } finally {
      await o.close();
    }
  });

  it('R32: the secrets at rest are sealed (AES-256-GCM) under the key; the verify token is found by its SHA-256; no column holds a secret in clear', async () => {
    const o = await backend.open({ env: { DESKCTL_SECRETS_KEY: KEY } });
    try {
      await o.hd.connectWhatsapp({ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS } });
      const [row] = storedRows(o.file);
      expect(row).toMatchObject({ phone_number_id: PHONE_NUMBER_ID, key_id: parseSecretsKey(KEY, 'k').id, verify_token_hash: createHash('sha256').update(SECRETS.verifyToken).digest('hex') });
      expect([1, true]).toContain(row!.encrypted);
      for (const c of ['app_secret', 'access_token', 'verify_token']) expect(String(row![c])).toMatch(/^v1\.[A-Za-z0-9_-]{40,}$/);
      for (const [column, value] of Object.entries(row!)) for (const s of secretValues) for (let i = 0; i + 8 <= s.length; i += 4) expect(String(value), column).not.toContain(s.slice(i, i + 8));
      // The engine opens them with the key, and only with it.
      const store = await openStore(o.file);
      try {
        const tenantId = await tenantIdBySlug(store, 'default');
        const ctx = (secretsKey: string | null) => ({ store, tenantId, actor: { kind: 'admin' as const, name: 't' }, now: () => new Date(), secretsKey: () => (secretsKey ? parseSecretsKey(secretsKey, 'k') : null) });
        expect(await connectionSecrets(ctx(KEY))).toEqual({ phoneNumberId: PHONE_NUMBER_ID, displayNumber: null, ...SECRETS });
        const wrong = await expectCode(connectionSecrets(ctx(OTHER_KEY)), 'unavailable');
        expect(wrong.message).toMatch(/^the WhatsApp secrets were encrypted with key [0-9a-f]{12}, but the key given .* is key [0-9a-f]{12}: give the key they were stored with, or connect again$/);
        expect((await expectCode(connectionSecrets(ctx(null)), 'unavailable')).message).toMatch(/stored encrypted .* no key was given/);
      } finally {
        await store.close();
      }
    } finally {
      await o.close();
    }
  });

  it('without a key the secrets are stored as given, and every answer says so (encrypted: false)', async () => {
    const o = await backend.open();
    try {
      const r = await o.hd.connectWhatsapp({ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS } });
      expect(r).toMatchObject({ encrypted: false, keyId: null, keyMatches: null });
      expect((await o.hd.whatsappStatus()).connection).toMatchObject({ encrypted: false, keyId: null });
      expect(storedRows(o.file)[0]).toMatchObject({ app_secret: SECRETS.appSecret, access_token: SECRETS.accessToken, key_id: null });
    } finally {
      await o.close();
    }
  });

  it('bad input is invalid_input naming the field, never repeating a secret, and writes nothing', async () => {
    const o = await backend.open();
    try {
      const before = fingerprint(o.file);
      const cases: [unknown, RegExp][] = [
        [{ phoneNumberId: PHONE_NUMBER_ID, secrets: { appSecret: SECRETS.appSecret, verifyToken: SECRETS.verifyToken } }, /^secrets\.accessToken: required \(text\)$/],
        [{ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS, appSecret: '' } }, /^secrets\.appSecret: must not be empty$/],
        [{ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS, verifyToken: 42 } }, /^secrets\.verifyToken: expected text$/],
        [{ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS, accessToken: ` ${SECRETS.accessToken}\n` } }, /^secrets\.accessToken: must not start or end/],
        [{ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS, [SECRETS.accessToken]: SECRETS.appSecret } }, /^secrets: an unknown key \(not repeated here: one could hold a secret\)/],
        [{ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS, appsecret: 'x' } }, /^secrets: Unrecognized key: "appsecret" \(did you mean "appSecret"\?\)/],
        [{ phoneNumberId: PHONE_NUMBER_ID, secrets: SECRETS.appSecret }, /^secrets: expected a JSON object/],
        [{ phoneNumberId: 'abc', secrets: { ...SECRETS } }, /^phoneNumberId: expected the digits/],
        [{ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS }, [SECRETS.appSecret]: true }, /^an unknown key \(not repeated here: one could hold a secret\); expected only phoneNumberId, displayNumber and secrets$/],
        [{ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS }, phoneNumber: '1' }, /^Unrecognized key: "phoneNumber" \(did you mean "phoneNumberId"\?\)/],
        [{ phoneNumberId: PHONE_NUMBER_ID, displayNumber: 'call me', secrets: { ...SECRETS } }, /^displayNumber: expected a phone number/],
      ];
      for (const [input, pattern] of cases) {
        const e = await expectCode(o.hd.connectWhatsapp(input as never), 'invalid_input');
        expect(e.message).toMatch(pattern);
        noSecretIn(e.message, e.message);
      }
      expect(fingerprint(o.file)).toBe(before);
    } finally {
      await o.close();
    }
  });

  it('a phone number id belongs to one tenant: another tenant connecting it is a conflict, and nothing is written', async () => {
    const o = await backend.open();
    try {
      await o.hd.connectWhatsapp({ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS } });
      await o.hd.createTenant('outra');
      const b = await backend.open({ file: o.file, tenant: 'outra' });
      try {
        const before = fingerprint(o.file);
        const e = await expectCode(b.hd.connectWhatsapp({ phoneNumberId: PHONE_NUMBER_ID, secrets: { ...SECRETS } }), 'conflict');
        expect(e.message).toMatch(/connected to another tenant/);
        expect(e.message).not.toContain('default');
        expect(fingerprint(o.file)).toBe(before);
        expect((await b.hd.whatsappStatus()).connection).toBeNull();
      } finally {
        await b.close();
      }
    } finally {
      await o.close();
    }
  });

  it('removing a tenant removes its connection', async () => {
    const o = await backend.open();
    try {
      await o.hd.createTenant('outra');
      const b = await backend.open({ file: o.file, tenant: 'outra' });
      await b.hd.connectWhatsapp({ phoneNumberId: '2000', secrets: { ...SECRETS } });
      await b.close();
      await o.hd.removeTenant('outra');
      expect(storedRows(o.file)).toEqual([]);
    } finally {
      await o.close();
    }
  });
});
