import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { invalid } from '../../core/errors.js';
import type { ConfigChange, PlanSummary } from '../../core/config.js';

/** A saved plan (`config plan --out`): the file it was made from, and the state it was made against (R37). */
export interface SavedPlan {
  deskctl: 'config-plan';
  version: 1;
  tenant: string;
  createdAt: string;
  fingerprint: string;
  summary: PlanSummary;
  changes: ConfigChange[];
  config: unknown;
}

export const isSavedPlan = (v: unknown): v is SavedPlan => Boolean(v && typeof v === 'object' && (v as { deskctl?: unknown }).deskctl === 'config-plan');

/** A saved plan, checked enough to be applied: its fingerprint and its configuration. */
export function checkSavedPlan(v: SavedPlan, source: string): SavedPlan {
  if (v.version !== 1 || typeof v.fingerprint !== 'string' || typeof v.tenant !== 'string' || v.config === undefined) {
    throw invalid(`${source}: not a plan this deskctl can apply (make it again with deskctl config plan --out)`);
  }
  return v;
}

/** Writes next to the file and renames it into place: a failed write leaves no half file. */
export async function writeWhole(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    throw invalid(`cannot write ${file}: ${err.code ?? err.message}`);
  }
}
