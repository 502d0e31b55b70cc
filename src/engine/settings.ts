import { invalid, precondition } from '../core/errors.js';
import { SETTING_KEYS, type ApprovalMode, type SettingKey, type Settings } from '../core/model.js';
import type { Rule } from '../core/schemas.js';
import type { Tx } from '../store/store.js';
import { audit, categoryId, departmentId, readSettings, type EngineContext } from './context.js';
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
    const settings = await readSettings(tx, ctx.tenantId);
    const before = settings[key];
    if (before === value) return { key, value, changed: false };
    await checkTogether(tx, ctx.tenantId, { ...settings, [key]: value } as Settings, key);
    await tx
      .insertInto('settings')
      .values({ tenant_id: ctx.tenantId, key, value: JSON.stringify(value) })
      .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value: JSON.stringify(value) }))
      .execute();
    await audit(tx, ctx, 'settings.set', 'setting', key, { from: before, to: value });
    return { key, value, changed: true };
  }, ctx.tenantId);
}

/**
 * R24: the settings that go together, checked against the rest of the account when one changes:
 * WhatsApp's ticket department exists before `autoTicket` is turned on (and stays while it is),
 * and its category is a category of that department.
 */
async function checkTogether(tx: Tx, tenantId: number, next: Settings, key: SettingKey): Promise<void> {
  const dept = next['whatsapp.ticket.department'];
  const cat = next['whatsapp.ticket.category'];
  if (next['whatsapp.autoTicket'] && dept === null) {
    throw precondition(
      key === 'whatsapp.autoTicket'
        ? 'whatsapp.autoTicket: set whatsapp.ticket.department first (the department of the tickets it opens, R24)'
        : 'whatsapp.ticket.department: whatsapp.autoTicket is on and needs it; turn whatsapp.autoTicket off first',
    );
  }
  if (cat !== null && dept === null) {
    throw precondition(
      key === 'whatsapp.ticket.department'
        ? `whatsapp.ticket.department: whatsapp.ticket.category is "${cat}"; unset it first (settings set whatsapp.ticket.category "")`
        : 'whatsapp.ticket.category: set whatsapp.ticket.department first (a category belongs to a department, R4)',
    );
  }
  if (key === 'whatsapp.ticket.department' && dept !== null) await departmentId(tx, tenantId, dept);
  if ((key === 'whatsapp.ticket.department' || key === 'whatsapp.ticket.category') && dept !== null && cat !== null) {
    const id = await departmentId(tx, tenantId, dept);
    try {
      await categoryId(tx, tenantId, id, dept, cat);
    } catch (e) {
      if (key === 'whatsapp.ticket.category') throw e;
      throw precondition(`whatsapp.ticket.department: the category "${cat}" (whatsapp.ticket.category) is not in "${dept}"; change or unset whatsapp.ticket.category first`);
    }
  }
}

/** The department and category the WhatsApp settings name (R24): removing them would leave the setting pointing nowhere. */
export async function assertNotInSettings(tx: Tx, tenantId: number, department: string, category?: string): Promise<void> {
  const s = await readSettings(tx, tenantId);
  if (s['whatsapp.ticket.department'] !== department.normalize('NFC')) return;
  if (category === undefined) {
    throw precondition(`department "${department}" is the department of WhatsApp's tickets (whatsapp.ticket.department); change that setting first`);
  }
  if (s['whatsapp.ticket.category'] === category.normalize('NFC')) {
    throw precondition(`category "${category}" is the category of WhatsApp's tickets (whatsapp.ticket.category); change or unset that setting first`);
  }
}

export async function getApproval(ctx: EngineContext): Promise<{ mode: ApprovalMode; rules: Rule[] }> {
  const settings = await getSettings(ctx);
  return { mode: settings['approval.mode'], rules: await listRules(ctx) };
}
