import type { Command } from 'commander';
import { Option } from 'commander';
import { isIP } from 'node:net';
import { z } from 'zod';
import { DeskctlError } from '../../core/errors.js';
import type { Context } from '../../context.js';
import { examples, parsedAction } from '../shared.js';

export const Options = z.object({
  host: z.string().min(1),
  port: z.coerce.number({ error: 'expected a port number' }).int('expected a port number').min(0).max(65535),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  rateLimit: z.coerce.number({ error: 'expected requests per minute' }).int().positive(),
  webhookRateLimit: z.coerce.number({ error: 'expected deliveries per minute' }).int().positive().optional(),
  bodyLimit: z.coerce.number({ error: 'expected a size in bytes' }).int().min(1024),
  trustProxy: z
    .string()
    .optional()
    .transform((v) => (v === undefined ? [] : v.split(',').map((a) => a.trim())))
    .refine((list) => list.every((a) => isIP(a.split('/')[0]!) !== 0), { message: 'expected addresses or CIDR ranges, e.g. 127.0.0.1,10.0.0.0/8' }),
  deliver: z.boolean().optional(),
  drainTimeout: z.coerce.number({ error: 'expected a number of seconds' }).min(0, 'expected a number of seconds').max(3600, 'at most 3600 seconds'),
});

export function register(cmd: Command, ctx: Context): void {
  examples(
    parsedAction(
      cmd
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
      .addOption(new Option('--log-level <level>', 'structured (JSON) log level, on stdout').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
      .option('--rate-limit <n>', 'requests per token (or per address) per minute', '600')
      .option('--webhook-rate-limit <n>', 'WhatsApp webhook deliveries per client address per minute (default 10 × --rate-limit)')
      .option('--body-limit <bytes>', 'largest request body', '1048576')
      .option('--trust-proxy <addresses>', 'load balancers (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the client')
      .option('--deliver', 'also deliver the notifications of every tenant as they fall due, and send the reminders (R33, R35); safe on every instance: each notification is sent once')
      .option('--drain-timeout <seconds>', 'on SIGTERM, how long requests in flight may finish before their connections are cut', '10')
      .description('Serve the helpdesk HTTP API (/v1, OpenAPI at /v1/openapi.json, /healthz, /readyz, the WhatsApp webhook at /webhooks/whatsapp) over the database, SQLite or PostgreSQL (as many servers as wanted on one); SIGTERM or Ctrl-C drains and stops'),
      Options,
      (o) => run(ctx, o),
    ),
    [
      'deskctl serve --db /srv/helpdesk.db --port 8080',
      'deskctl serve --db postgres://deskctl@db.internal/helpdesk --port 8081 --trust-proxy 127.0.0.1',
      'DESKCTL_SMTP_URL=smtp://relay.internal:587 deskctl serve --db postgres://deskctl@db.internal/helpdesk --deliver',
      'deskctl --db /srv/helpdesk.db tokens create --name ci --role admin',
    ],
  );
}

export async function run(ctx: Context, o: z.infer<typeof Options>): Promise<void> {
  if (ctx.globals.api) throw new DeskctlError('invalid_input', 'serve runs over a database (--db), not over another API (--api)');
  const { startServer } = await import('../../server/index.js');
  const file = ctx.dbFile;
  const server = await startServer({
    file,
    host: o.host,
    port: o.port,
    logLevel: o.logLevel,
    bodyLimit: o.bodyLimit,
    trustProxy: o.trustProxy,
    rateLimit: { max: o.rateLimit, timeWindowMs: 60_000 },
    webhookRateLimit: o.webhookRateLimit,
    drainMs: o.drainTimeout * 1000,
    env: ctx.env,
    smtpUrl: ctx.smtpUrl,
    deliver: o.deliver,
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') throw new DeskctlError('unavailable', `cannot listen on ${o.host}:${o.port}: ${e.code}`);
    throw e;
  });
  ctx.out.status(`deskctl serve: listening on ${server.url} (database ${ctx.where})${o.deliver ? '; delivering notifications' : ''}`);
  if (o.deliver && !ctx.smtpUrl) ctx.out.warn('this server delivers no e-mail: no SMTP server is set (DESKCTL_SMTP_URL, or the profile\'s: deskctl profile set-smtp NAME --url-stdin)');
  ctx.endsOnSignal = true;
  await new Promise<void>((resolve) => {
    if (!ctx.signal || ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  ctx.out.status(`deskctl serve: stopping; finishing the requests in flight (at most ${o.drainTimeout} s)`);
  await server.close();
  ctx.out.status('deskctl serve: stopped');
}
