import type { FastifyBaseLogger } from 'fastify';
import { now as clock } from '../core/time.js';
import { deliverUntilStopped, type DeliverySetup } from '../delivery/dispatcher.js';
import { openStore, type Store } from '../store/store.js';
import { lazySecretsKey } from '../config/secrets-key.js';
import { envSmtpUrl, lazyDelivery } from '../delivery/setup.js';
import { buildServer, drain, type ServerTimeouts } from './app.js';

export interface StartOptions {
  file: string;
  host: string;
  port: number;
  logLevel: string;
  bodyLimit?: number;
  rateLimit?: { max: number; timeWindowMs: number };
  /** WhatsApp webhook deliveries per client address per minute. */
  webhookRateLimit?: number;
  trustProxy?: string[];
  env?: NodeJS.ProcessEnv;
  /** On close, how long the requests in flight may take before their connections are cut (default 10 s). */
  drainMs?: number;
  timeouts?: Partial<ServerTimeouts>;
  /** R33: the SMTP server this server sends e-mail through (DESKCTL_SMTP_URL or the profile's); null: none. */
  smtpUrl?: string | null;
  /** `serve --deliver`: the server also runs the dispatcher, for every tenant (safe on every instance). */
  deliver?: boolean;
}

export const DRAIN_MS = 10_000;

/**
 * Opens the database and serves the API on it; close() drains (the requests in flight finish,
 * for at most drainMs, then what is left is cut off) and closes the database.
 */
export async function startServer(o: StartOptions): Promise<{ url: string; close(): Promise<void> }> {
  const store = await openStore(o.file);
  // R33: this server's channels, opened on first use (POST /notifications/deliver, or --deliver).
  const env = o.env ?? process.env;
  const delivery = lazyDelivery(store, () => ({ env, smtpUrl: o.smtpUrl !== undefined ? o.smtpUrl : envSmtpUrl(env), secretsKey: lazySecretsKey(env) }));
  try {
    const app = await buildServer({
      store,
      env: o.env,
      bodyLimit: o.bodyLimit,
      rateLimit: o.rateLimit,
      webhookRateLimit: o.webhookRateLimit,
      trustProxy: o.trustProxy,
      timeouts: o.timeouts,
      logger: o.logLevel === 'silent' ? false : { level: o.logLevel, redact: ['req.headers.authorization'] },
      delivery: delivery.get,
    });
    const url = await app.listen({ host: o.host, port: o.port });
    const dispatcher = o.deliver ? await startDispatcher(store, await delivery.get(), app.log, o.env) : null;
    return {
      url,
      async close() {
        // The dispatcher finishes the messages in flight and records them while requests drain.
        await Promise.all([dispatcher?.stop(), drain(app, o.drainMs ?? DRAIN_MS)]);
        await delivery.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/**
 * `serve --deliver`: the dispatcher of every tenant, in this process, until stop(). Each run is
 * logged when it attempted something; a run that fails (the database away a moment) is logged
 * and the loop goes on.
 */
async function startDispatcher(store: Store, setup: DeliverySetup, log: FastifyBaseLogger, env?: NodeJS.ProcessEnv): Promise<{ stop(): Promise<void> }> {
  const stopping = new AbortController();
  for (const [channel, why] of Object.entries(setup.missing)) log.warn({ channel }, `delivery: ${channel} is off on this server: ${why}`);
  const loop = deliverUntilStopped(store, setup, {
    now: () => clock(env),
    tenantIds: null,
    signal: stopping.signal,
    onRun: (r) => {
      if (r.attempted || r.reminders) log.info({ delivery: { attempted: r.attempted, delivered: r.delivered, retried: r.retried, failed: r.failed, unreachable: r.unreachable, reminders: r.reminders } }, 'delivery run');
    },
    onError: (e) => log.error({ err: e }, 'delivery run failed; trying again'),
  });
  return {
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
