import type { Command } from 'commander';
import { z } from 'zod';
import type { Helpdesk } from '../../client/helpdesk.js';
import type { Context } from '../../context.js';
import { DRAFT_COLUMNS, examples, parsedAction } from '../shared.js';

export const Options = z.object({ slug: z.string(), reset: z.boolean().optional() });

export function register(cmd: Command, ctx: Context): void {
  examples(
    parsedAction(
      cmd
        .option('--slug <slug>', 'the tenant to create', 'demo')
        .option('--reset', 'remove the demo tenant first and build it again')
        .description('Create a sample tenant (approval rules, organizations, managers, tickets from several channels) and show its pending drafts'),
      Options,
      (o) => run(ctx, o),
    ),
    ['deskctl demo', 'deskctl demo --reset', 'deskctl --db /tmp/try.db demo'],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  const admin = await ctx.helpdesk();
  const exists = (await admin.listTenants()).some((t) => t.slug === o.slug);
  if (exists && o.reset) await admin.removeTenant(o.slug);
  if (!exists || o.reset) await admin.createTenant(o.slug, 'Demo helpdesk');
  const hd = await ctx.switchTenant(o.slug);
  if (exists && !o.reset) ctx.out.status(`tenant "${o.slug}" already exists; showing its pending drafts (--reset builds it again)`);
  else await build(hd, (line) => ctx.out.status(line));

  const drafts = await hd.listDrafts({});
  if (ctx.out.format === 'table') ctx.out.status(`\npending drafts in tenant "${o.slug}" (${ctx.where}):`);
  await ctx.out.list(drafts, DRAFT_COLUMNS);
  if (ctx.out.format === 'table') {
    ctx.out.status(
      [
        '',
        'next:',
        `  deskctl --tenant ${o.slug} drafts show ${drafts[0]?.id ?? 1}`,
        `  deskctl --tenant ${o.slug} drafts approve ${drafts[0]?.id ?? 1}`,
        `  deskctl --tenant ${o.slug} drafts reject --all --org "Filial Sul" --yes`,
        `  deskctl --tenant ${o.slug} tickets list`,
        `  deskctl --tenant ${o.slug} notifications list --pending`,
      ].join('\n'),
    );
  }
}

/** The story of the approval documentation, in a few dozen calls. */
async function build(hd: Helpdesk, say: (line: string) => void): Promise<void> {
  await hd.setSetting('reopen.allowed', true);
  await hd.setSetting('response.forecastHours', 8);
  await hd.setSetting('timezone', 'America/Sao_Paulo');
  for (const [dept, cats] of [
    ['Suporte', ['Acesso', 'Rede']],
    ['Financeiro', ['Boleto']],
  ] as const) {
    await hd.addDepartment(dept);
    for (const c of cats) await hd.addCategory(c, dept);
  }
  await hd.addOrganization('Matriz');
  await hd.addOrganization('Filial Norte', 'Matriz');
  await hd.addOrganization('Filial Sul', 'Matriz');
  await hd.addCustomer({ email: 'gerente@matriz.example', name: 'Gerente Matriz', org: 'Matriz', manager: true });
  await hd.addCustomer({ email: 'ana@norte.example', name: 'Ana', org: 'Filial Norte', phone: '+55 11 91234-5678' });
  await hd.addCustomer({ email: 'carla@norte.example', name: 'Carla', org: 'Filial Norte', phone: '+55 11 95555-0000' });
  await hd.addCustomer({ email: 'bruno@sul.example', name: 'Bruno', org: 'Filial Sul' });
  await hd.addCustomer({ email: 'paulo@avulso.example', name: 'Paulo' });
  await hd.addAgent({ email: 'joao@helpdesk.example', name: 'João', departments: ['Suporte'] });
  await hd.setSetting('approval.mode', 'departments');
  await hd.addRule({ department: 'Suporte', scope: 'category', category: 'Acesso' });
  await hd.addRule({ department: 'Suporte', scope: 'none' });
  await hd.addRule({ department: 'Financeiro', scope: 'all' });
  say('configured: approval by departments; rules Suporte/Acesso, Suporte/(no category), Financeiro/(all)');

  const open = (r: Record<string, unknown>) => hd.createTicket(r);
  const outcomes = [
    await open({ requester: 'ana@norte.example', department: 'Suporte', category: 'Acesso', subject: 'Acesso ao ERP', message: 'Preciso de acesso ao ERP.', channel: 'panel', fields: { matricula: '4411' } }),
    await open({ requester: 'bruno@sul.example', department: 'Suporte', subject: 'Impressora parada', message: 'A impressora do 2º andar parou.', channel: 'email' }),
    await open({ requester: 'carla@norte.example', department: 'Financeiro', category: 'Boleto', subject: 'Segunda via', message: 'Preciso da segunda via.', channel: 'whatsapp', conversation: 'wa-1001' }),
    await open({ requester: 'carla@norte.example', department: 'Financeiro', category: 'Boleto', subject: 'Segunda via', message: 'É do mês de outubro.', channel: 'whatsapp', conversation: 'wa-1001' }),
    await open({ requester: 'bruno@sul.example', department: 'Financeiro', subject: 'Nota fiscal', message: 'A nota veio errada.', channel: 'api' }),
    await open({ requester: 'ana@norte.example', department: 'Suporte', category: 'Rede', subject: 'Sem internet', message: 'A rede caiu às 9h.', channel: 'app' }),
    await open({ requester: 'gerente@matriz.example', department: 'Suporte', category: 'Acesso', subject: 'Novo usuário', message: 'Criar usuário para a Ana.', channel: 'panel' }),
    await open({ requester: 'paulo@avulso.example', department: 'Suporte', category: 'Acesso', subject: 'Senha', message: 'Esqueci a senha.', channel: 'panel' }),
    await open({ requester: 'ana@norte.example', department: 'Financeiro', subject: 'Reembolso', message: 'Aberto por telefone.', channel: 'agent' }),
  ];
  const drafts = outcomes.filter((x) => x.outcome === 'draft' && !x.appended).length;
  const tickets = outcomes.filter((x) => x.outcome === 'ticket').length;
  say(`opened ${outcomes.length} requests from panel, e-mail, WhatsApp, API, app and an agent: ${drafts} drafts wait for approval, ${tickets} tickets were created at once`);
}
