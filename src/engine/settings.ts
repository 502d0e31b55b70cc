import { invalid } from '../core/errors.js';
import { SETTING_KEYS, type ApprovalMode, type SettingKey, type Settings } from '../core/model.js';
import type { Rule } from '../core/schemas.js';
import { audit, readSettings, type EngineContext } from './context.js';
import { listRules } from './rules.js';

export async function getSettings(ctx: EngineContext): Promise<Settings> {
  return readSettings(ctx.store.db, ctx.tenantId);
}

export function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as string[]).includes(key);
}

/** Sets one account setting; asking for the value it already has is reported, not failed. */
export async function setSetting(ctx: EngineContext, key: string, raw: unknown): Promise<{ key: SettingKey; value: unknown; changed: boolean }> {
  if (!isSettingKey(key)) throw invalid(`unknown setting "${key}"; the settings are ${SETTING_KEYS.join(', ')}`);
  // The validators (zod) load only here: reading settings does not need them.
  const [{ SETTINGS }, { parseInput }] = await Promise.all([import('../core/schemas.js'), import('../core/validate.js')]);
  const value = parseInput(SETTINGS[key].schema, raw, key);
  return ctx.store.write(async (tx) => {
    const before = (await readSettings(tx, ctx.tenantId))[key];
    if (before === value) return { key, value, changed: false };
    await tx
      .insertInto('settings')
      .values({ tenant_id: ctx.tenantId, key, value: JSON.stringify(value) })
      .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value: JSON.stringify(value) }))
      .execute();
    await audit(tx, ctx, 'settings.set', 'setting', key, { from: before, to: value });
    return { key, value, changed: true };
  }, ctx.tenantId);
}

export async function getApproval(ctx: EngineContext): Promise<{ mode: ApprovalMode; rules: Rule[] }> {
  const settings = await getSettings(ctx);
  return { mode: settings['approval.mode'], rules: await listRules(ctx) };
}
