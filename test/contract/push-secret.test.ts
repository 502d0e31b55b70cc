import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isPostgresUrl } from '../../src/config/database.js';
import { parseSecretsKey } from '../../src/engine/secrets.js';
import { tenantIdBySlug } from '../../src/engine/context.js';
import { pushTargetOf } from '../../src/delivery/push.js';
import { openStore } from '../../src/store/store.js';
import { openDatabase } from '../../src/store/sqlite.js';
import { backends, expectCode, notSetUp, type Backend } from '../helpers/backends.js';
import { fingerprint } from '../helpers/db.js';
import { psql } from '../helpers/postgres.js';

const KEY = randomBytes(32).toString('base64');
const SECRET = 'whsec-4f1c9a0b7e2d4c8a9b3e6f1d2a7c5e0b';

function storedRows(file: string): Record<string, unknown>[] {
  if (isPostgresUrl(file)) return JSON.parse(psql(file, "SELECT coalesce(json_agg(s), '[]') FROM tenant_secrets s")) as Record<string, unknown>[];
  const db = openDatabase(file, { readonly: true });
  try {
    return db.prepare('SELECT * FROM tenant_secrets').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe.each(backends)('the push secret (R33) ($name)', (backend: Backend) => {
  it('R33: set, shown as set (never its value), sealed at rest under the key, opened by pushTargetOf, cleared; the audit holds no secret', async () => {
    const o = await backend.open({ env: { DESKCTL_SECRETS_KEY: KEY } });
    try {
      const { hd } = o;
      const keyId = parseSecretsKey(KEY, 'k').id;
      expect(await hd.pushSecretStatus()).toEqual({ pushUrl: null, set: false, encrypted: false, keyId: null, keyMatches: null, updatedAt: null });
      await hd.setSetting('notifications.pushUrl', 'https://hooks.norte.example/deskctl');
      const set = await hd.setPushSecret({ secret: SECRET });
      expect(set).toEqual({ pushUrl: 'https://hooks.norte.example/deskctl', set: true, encrypted: true, keyId, keyMatches: true, updatedAt: expect.any(String), changed: true, replaced: false });
      // The same secret again is reported, not failed, and writes nothing.
      const before = fingerprint(o.file);
      expect(await hd.setPushSecret({ secret: SECRET })).toMatchObject({ changed: false, replaced: false });
      expect(fingerprint(o.file)).toBe(before);
      const shown = await hd.pushSecretStatus();
      expect(shown).toMatchObject({ set: true, encrypted: true, keyId, keyMatches: true });
      const [row] = storedRows(o.file);
      expect(row).toMatchObject({ name: 'push', key_id: keyId });
      expect(String(row!.value)).toMatch(/^v1\.[A-Za-z0-9_-]{40,}$/);
      expect(JSON.stringify(row)).not.toContain(SECRET.slice(6, 18));
      const store = await openStore(o.file);
      try {
        expect(await pushTargetOf(store.db, await tenantIdBySlug(store, 'default'), parseSecretsKey(KEY, 'k'))).toEqual({ url: 'https://hooks.norte.example/deskctl', secret: SECRET });
      } finally {
        await store.close();
      }
      const replaced = await hd.setPushSecret({ secret: `${SECRET}-rotated` });
      expect(replaced).toMatchObject({ changed: true, replaced: true });
      expect(await hd.clearPushSecret()).toEqual({ cleared: true });
      expect(await hd.clearPushSecret()).toEqual({ cleared: false });
      expect((await hd.pushSecretStatus()).set).toBe(false);
      const trail = (await hd.listAudit({})).filter(notSetUp).filter((e) => e.action.startsWith('push-secret.'));
      expect(trail.map((e) => [e.action, e.details])).toEqual([
        ['push-secret.set', { encrypted: true, keyId, replaced: false }],
        ['push-secret.set', { encrypted: true, keyId, replaced: true }],
        ['push-secret.clear', null],
      ]);
      expect(JSON.stringify([set, shown, replaced, await hd.listAudit({})])).not.toContain(SECRET);
    } finally {
      await o.close();
    }
  });

  it('R33: a secret too short, empty, with spaces around or control characters, or a body with other keys, is invalid_input that never repeats it; nothing is written', async () => {
    const o = await backend.open();
    try {
      const before = fingerprint(o.file);
      const cases: [unknown, string][] = [
        [{ secret: 'short-secret' }, 'secret: at least 16 characters (make one with: openssl rand -hex 32)'],
        [{ secret: '' }, 'secret: at least 16 characters (make one with: openssl rand -hex 32)'],
        [{ secret: ` ${SECRET}` }, 'secret: must not start or end with spaces or line breaks'],
        [{ secret: `${SECRET}\u0007bell` }, 'secret: must not hold control or invisible characters'],
        [{ secret: 42 }, 'secret: expected text'],
        [{}, 'secret: required (text)'],
        [{ secret: SECRET, [SECRET]: 1 }, 'an unknown key (not repeated here: one could hold a secret); expected only secret'],
      ];
      for (const [input, message] of cases) {
        const e = await expectCode(o.hd.setPushSecret(input as never), 'invalid_input');
        expect(e.message).toBe(message);
      }
      expect(fingerprint(o.file)).toBe(before);
      expect((await o.hd.pushSecretStatus()).set).toBe(false);
    } finally {
      await o.close();
    }
  });
});
