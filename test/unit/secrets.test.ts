import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretsKeyFrom } from '../../src/config/secrets-key.js';
import { DeskctlError } from '../../src/core/errors.js';
import { parseSecretsKey, seal, unseal } from '../../src/engine/secrets.js';

const key = () => parseSecretsKey(randomBytes(32).toString('base64'), 'test');
const error = (fn: () => unknown): DeskctlError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DeskctlError);
    return e as DeskctlError;
  }
  throw new Error('expected an error');
};

describe('secrets at rest: AES-256-GCM under the operator key', () => {
  it('seals and opens; every seal differs (a fresh IV); the sealed text holds nothing of the secret', () => {
    const k = key();
    const a = seal(k, 'app-secret-0123456789', 'deskctl whatsapp_connections 1 app_secret');
    const b = seal(k, 'app-secret-0123456789', 'deskctl whatsapp_connections 1 app_secret');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('secret');
    expect(unseal(k, a, 'deskctl whatsapp_connections 1 app_secret', k.id, 'WhatsApp')).toBe('app-secret-0123456789');
  });

  it('a wrong key, no key, another place (tenant or column) or altered bytes: a clear unavailable error, never garbage', () => {
    const k = key();
    const other = key();
    const s = seal(k, 'x'.repeat(40), 'deskctl whatsapp_connections 1 app_secret');
    expect(error(() => unseal(other, s, 'deskctl whatsapp_connections 1 app_secret', k.id, 'WhatsApp')).message).toBe(
      `the WhatsApp secrets were encrypted with key ${k.id}, but the key given (DESKCTL_SECRETS_KEY or DESKCTL_SECRETS_KEY_FILE) is key ${other.id}: give the key they were stored with, or connect again`,
    );
    expect(error(() => unseal(null, s, 'a', k.id, 'WhatsApp')).message).toMatch(/stored encrypted \(key [0-9a-f]{12}\) and no key was given/);
    for (const [value, aad] of [
      [s, 'deskctl whatsapp_connections 2 app_secret'],
      [s, 'deskctl whatsapp_connections 1 access_token'],
      [`${s.slice(0, -3)}${s.slice(-3) === 'AAA' ? 'BBB' : 'AAA'}`, 'deskctl whatsapp_connections 1 app_secret'],
      ['plain text', 'deskctl whatsapp_connections 1 app_secret'],
    ]) {
      const e = error(() => unseal(k, value!, aad!, k.id, 'WhatsApp'));
      expect(e.code).toBe('unavailable');
      expect(e.message).not.toContain('x'.repeat(8));
    }
  });

  it('the key: base64 of 32 bytes from DESKCTL_SECRETS_KEY or a file named by DESKCTL_SECRETS_KEY_FILE; a bad one is exit 2 naming the variable, never the value', () => {
    const raw = randomBytes(32);
    expect(secretsKeyFrom({})).toBeNull();
    expect(secretsKeyFrom({ DESKCTL_SECRETS_KEY: raw.toString('base64') })!.key.equals(raw)).toBe(true);
    expect(secretsKeyFrom({ DESKCTL_SECRETS_KEY: raw.toString('base64url') })!.key.equals(raw)).toBe(true);
    const file = join(mkdtempSync(join(tmpdir(), 'deskctl-key-')), 'key');
    writeFileSync(file, `${raw.toString('base64')}\n`, { mode: 0o600 });
    const fromFile = secretsKeyFrom({ DESKCTL_SECRETS_KEY_FILE: file })!;
    expect(fromFile.key.equals(raw)).toBe(true);
    expect(fromFile.id).toBe(secretsKeyFrom({ DESKCTL_SECRETS_KEY: raw.toString('base64') })!.id);
    for (const [env, pattern] of [
      [{ DESKCTL_SECRETS_KEY: 'c2hvcnQta2V5' }, /^DESKCTL_SECRETS_KEY: expected the base64 of 32 random bytes/],
      [{ DESKCTL_SECRETS_KEY: 'not base64 at all!' }, /^DESKCTL_SECRETS_KEY: /],
      [{ DESKCTL_SECRETS_KEY: raw.toString('base64'), DESKCTL_SECRETS_KEY_FILE: file }, /exclude each other/],
      [{ DESKCTL_SECRETS_KEY_FILE: `${file}.missing` }, /^DESKCTL_SECRETS_KEY_FILE: cannot read .* \(ENOENT\)$/],
    ] as const) {
      const e = error(() => secretsKeyFrom(env));
      expect(e.code).toBe('invalid_input');
      expect(e.message).toMatch(pattern);
      expect(e.message).not.toContain('c2hvcnQta2V5');
      expect(e.message).not.toContain(raw.toString('base64'));
    }
  });
});
