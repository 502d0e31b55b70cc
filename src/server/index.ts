import { openStore } from '../store/store.js';
import { buildServer } from './app.js';

export interface StartOptions {
  file: string;
  host: string;
  port: number;
  logLevel: string;
  bodyLimit?: number;
  rateLimit?: { max: number; timeWindowMs: number };
  trustProxy?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Opens the database and serves the API on it; close() drains requests in flight, then closes the database. */
export async function startServer(o: StartOptions): Promise<{ url: string; close(): Promise<void> }> {
  const store = await openStore(o.file);
  try {
    const app = await buildServer({
      store,
      env: o.env,
      bodyLimit: o.bodyLimit,
      rateLimit: o.rateLimit,
      trustProxy: o.trustProxy,
      logger: o.logLevel === 'silent' ? false : { level: o.logLevel, redact: ['req.headers.authorization'] },
    });
    const url = await app.listen({ host: o.host, port: o.port });
    return {
      url,
      async close() {
        await app.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
