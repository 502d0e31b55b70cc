import { describe, expect, it } from 'vitest';
import type { Helpdesk } from '../../src/client/helpdesk.js';
import { backends, eachSeeded, P, request } from '../helpers/backends.js';

/** Issue 12 (habits): the audit trail filters by action (or a kind of action) and by entity, on both backends. */
describe.each(backends)('audit filters ($name)', (backend) => {
  let hd: Helpdesk;
  eachSeeded(backend, (opened) => {
    hd = opened.hd;
  });

  it('filters by action, by action kind (draft.*), by entity kind and by one entity', async () => {
    await hd.setSetting('approval.mode', 'all-departments');
    const made = await hd.createTicket(request(P.ana));
    const id = made.outcome === 'draft' ? made.draft.id : -1;
    await hd.decideDrafts({ decision: 'approve', ids: [id] });
    const actions = async (f: Parameters<Helpdesk['listAudit']>[0]) => (await hd.listAudit(f)).map((a) => `${a.action} ${a.entity}:${a.entityId}`);
    expect(await actions({ action: 'draft.approve' })).toEqual([`draft.approve draft:${id}`]);
    expect(await actions({ action: 'draft.*' })).toEqual([`draft.create draft:${id}`, `draft.approve draft:${id}`]);
    expect(await actions({ entity: 'draft', entityId: String(id) })).toEqual([`draft.create draft:${id}`, `draft.approve draft:${id}`]);
    expect((await hd.listAudit({ entity: 'department' })).every((a) => a.entity === 'department')).toBe(true);
    expect(await actions({ action: 'nothing.like.this' })).toEqual([]);
  });
});
