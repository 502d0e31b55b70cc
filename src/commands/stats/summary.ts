import type { Command } from 'commander';
import type { AgentSummaryRow } from '../../core/stats.js';
import type { Context } from '../../context.js';
import { Styled } from '../../output/render.js';
import { examples } from '../shared.js';

const BAR = 24;

export function register(parent: Command, ctx: Context): void {
  examples(
    parent
      .command('summary')
      .description("Per agent: tickets pending, due later today and overdue (R18, in the tenant's time zone), with a bar chart on a terminal")
      .action(() => run(ctx)),
    ['deskctl stats summary', 'deskctl stats summary -o json'],
  );
}

export async function run(ctx: Context): Promise<void> {
  const rows = await (await ctx.helpdesk()).agentSummary();
  if (ctx.out.format !== 'table') {
    return ctx.out.list(rows, [
      { header: 'agent', value: (r) => r.agent ?? '' },
      { header: 'name', value: (r) => r.name ?? '' },
      { header: 'pending', value: (r) => r.pending },
      { header: 'due_today', value: (r) => r.dueToday },
      { header: 'overdue', value: (r) => r.overdue },
    ]);
  }
  const total: AgentSummaryRow = {
    agent: null,
    name: 'total',
    pending: rows.reduce((n, r) => n + r.pending, 0),
    dueToday: rows.reduce((n, r) => n + r.dueToday, 0),
    overdue: rows.reduce((n, r) => n + r.overdue, 0),
  };
  const tty = Boolean(ctx.io.stdout.isTTY);
  // Bars compare agents: the longest is the busiest agent's (the unassigned tickets get no bar,
  // or a queue nobody works would shrink every agent's to nothing).
  const max = Math.max(1, ...rows.filter((r) => r.agent !== null).map((r) => r.pending));
  const p = ctx.out.paint;
  // One bar per agent, as long as their pending tickets (at least one block for any): overdue
  // first (red), then due today (cyan), then the rest. The output layer colours it.
  const bar = (r: AgentSummaryRow): Styled | string => {
    if (r.agent === null) return '';
    const len = (n: number) => (n > 0 ? Math.max(1, Math.round((n / max) * BAR)) : 0);
    const overdue = len(r.overdue);
    const today = Math.max(0, len(r.overdue + r.dueToday) - overdue);
    const rest = Math.max(0, len(r.pending) - overdue - today);
    return new Styled([
      ['█'.repeat(overdue), 'red'],
      ['▓'.repeat(today), 'cyan'],
      ['░'.repeat(rest), 'gray'],
    ]);
  };
  const label = (r: AgentSummaryRow) => (r.agent === null ? '(unassigned)' : `${r.name} <${r.agent}>`);
  const body = rows.map((r) => [label(r), r.pending, r.dueToday, r.overdue, ...(tty ? [bar(r)] : [])]);
  body.push(['total', total.pending, total.dueToday, total.overdue, ...(tty ? [''] : [])]);
  await ctx.out.table(['agent', 'pending', 'due today', 'overdue', ...(tty ? [''] : [])], body);
  if (tty) ctx.out.status(`${p.red('█')} overdue  ${p.cyan('▓')} due later today  ${p.gray('░')} other pending`);
}
