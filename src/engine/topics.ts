import { conflict, notFound, precondition } from '../core/errors.js';
import { Name, type Topic } from '../core/schemas.js';
import { didYouMean } from '../core/suggest.js';
import type { TopicRequirements } from '../core/topics.js';
import { parseInput } from '../core/validate.js';
import type { Tx } from '../store/store.js';
import { audit, type EngineContext } from './context.js';

/* ---- R42: topics ("assuntos"), an admin-managed list ---- */

type TopicRow = { id: number; name: string; require_process: number; require_service_channel: number; require_status_detail: number; created_at: string };

const toTopic = (r: TopicRow): Topic => ({
  id: r.id,
  name: r.name,
  requireProcess: r.require_process === 1,
  requireServiceChannel: r.require_service_channel === 1,
  requireStatusDetail: r.require_status_detail === 1,
  createdAt: r.created_at,
});

const COLUMNS = ['id', 'name', 'require_process', 'require_service_channel', 'require_status_detail', 'created_at'] as const;

export async function listTopics(ctx: EngineContext): Promise<Topic[]> {
  const rows = await ctx.store.db.selectFrom('topics').select(COLUMNS).where('tenant_id', '=', ctx.tenantId).orderBy('id').execute();
  return rows.map(toTopic);
}

/** A topic by name with what it requires (not found, with the closest names, otherwise). */
export async function findTopic(tx: Tx, tenantId: number, name: string): Promise<{ id: number } & TopicRequirements> {
  const row = await tx.selectFrom('topics').select(COLUMNS).where('tenant_id', '=', tenantId).where('name', '=', name.normalize('NFC')).executeTakeFirst();
  if (!row) {
    const known = await tx.selectFrom('topics').select('name').where('tenant_id', '=', tenantId).execute();
    throw notFound(`topic "${name}" not found${didYouMean(name, known.map((r) => r.name))}`);
  }
  const t = toTopic(row);
  return { id: t.id, name: t.name, requireProcess: t.requireProcess, requireServiceChannel: t.requireServiceChannel, requireStatusDetail: t.requireStatusDetail };
}

export interface NewTopic {
  name: string;
  requireProcess?: boolean;
  requireServiceChannel?: boolean;
  requireStatusDetail?: boolean;
}

export async function addTopic(ctx: EngineContext, input: NewTopic): Promise<Topic> {
  const name = parseInput(Name, input.name, 'name');
  return ctx.store.write(async (tx) => {
    const exists = await tx.selectFrom('topics').select('id').where('tenant_id', '=', ctx.tenantId).where('name', '=', name).executeTakeFirst();
    if (exists) throw conflict(`topic "${name}" already exists`);
    const row = await tx
      .insertInto('topics')
      .values({
        tenant_id: ctx.tenantId,
        name,
        require_process: input.requireProcess ? 1 : 0,
        require_service_channel: input.requireServiceChannel ? 1 : 0,
        require_status_detail: input.requireStatusDetail ? 1 : 0,
        created_at: ctx.now().toISOString(),
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    const topic = toTopic(row);
    await audit(tx, ctx, 'topic.add', 'topic', topic.id, { name, requireProcess: topic.requireProcess, requireServiceChannel: topic.requireServiceChannel, requireStatusDetail: topic.requireStatusDetail });
    return topic;
  }, ctx.tenantId);
}

/** Refused while tickets or drafts use it, as for departments: a ticket's topic never disappears. */
export async function removeTopic(ctx: EngineContext, name: string): Promise<{ removed: string }> {
  return ctx.store.write(async (tx) => {
    const topic = await findTopic(tx, ctx.tenantId, name);
    for (const table of ['tickets', 'drafts'] as const) {
      const row = await tx.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('topic_id', '=', topic.id).executeTakeFirstOrThrow();
      if (row.n > 0) throw precondition(`topic "${topic.name}" is used by ${row.n} ${table.slice(0, -1)}${row.n === 1 ? '' : 's'}; it cannot be removed`);
    }
    await tx.deleteFrom('topics').where('id', '=', topic.id).execute();
    await audit(tx, ctx, 'topic.remove', 'topic', topic.id, { name: topic.name });
    return { removed: topic.name };
  }, ctx.tenantId);
}
