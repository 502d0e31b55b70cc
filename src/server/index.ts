import { openStore } from '../store/store.js';
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
}

export const DRAIN_MS = 10_000;

/**
 * Opens the database and serves the API on it; close() drains (the requests in flight finish,
 * for at most drainMs, then what is left is cut off) and closes the database.
 */
export async function startServer(o: StartOptions): Promise<{ url: string; close(): Promise<void> }> {
  const store = await openStore(o.file);
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
    });
    const url = await app.listen({ host: o.host, port: o.port });
    return {
      url,
      async close() {
        await drain(app, o.drainMs ?? DRAIN_MS);
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
