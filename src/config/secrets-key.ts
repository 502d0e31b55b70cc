import { readFileSync } from 'node:fs';
import { DeskctlError } from '../core/errors.js';
import { parseSecretsKey, type SecretsKey } from '../engine/secrets.js';

/**
 * The operator's key for secrets at rest: DESKCTL_SECRETS_KEY (base64 of 32 bytes) or
 * DESKCTL_SECRETS_KEY_FILE (a file holding it), not both; null when neither is set (secrets are
 * then stored in plain text, and the commands say so). Errors name the variable, never the value.
 */
export function secretsKeyFrom(env: NodeJS.ProcessEnv): SecretsKey | null {
  const value = env.DESKCTL_SECRETS_KEY;
  const file = env.DESKCTL_SECRETS_KEY_FILE;
  if (value && file) throw new DeskctlError('invalid_input', 'DESKCTL_SECRETS_KEY and DESKCTL_SECRETS_KEY_FILE exclude each other: give one');
  if (value) return parseSecretsKey(value, 'DESKCTL_SECRETS_KEY');
  if (!file) return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DeskctlError('invalid_input', `DESKCTL_SECRETS_KEY_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseSecretsKey(text, `DESKCTL_SECRETS_KEY_FILE (${file})`);
}

/** The key, read on first use only (a command that needs no secret never reads the file). */
export function lazySecretsKey(env: NodeJS.ProcessEnv): () => SecretsKey | null {
  let read: { key: SecretsKey | null } | undefined;
  return () => (read ??= { key: secretsKeyFrom(env) }).key;
}
