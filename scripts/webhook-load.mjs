// The bench's WhatsApp webhook traffic (scripts/bench.mjs): deliveries as the Cloud API sends them,
// signed, posted over keep-alive connections (an undici Pool) by a fixed number of workers.
import { createHmac } from 'node:crypto';
import { Pool } from 'undici';

export const PHONE_NUMBER_ID = '106540352242922';
export const APP_SECRET = 'b3nch-app-secret-5d41402abc4b2a76';

/** The phone of sender i (digits, as WhatsApp writes them). */
/**
 * When the bench's messages were sent: before the bench's clock (DESKCTL_NOW, 2026-11-02T12:00:00Z),
 * one second apart, so that every one is in the past as WhatsApp's are.
 */
const BASE_TIMESTAMP = Date.parse('2026-11-02T12:00:00Z') / 1000 - 20_000;
export const phoneOf = (i) => `5511${String(900000000 + i)}`;

/** `count` deliveries of one text message each, from `phones` senders in turn, with their signatures. */
export function deliveries(count, phones, secret = APP_SECRET) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const from = phoneOf(i % phones);
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
                contacts: [{ profile: { name: `Cliente ${i % phones}` }, wa_id: from }],
                messages: [{ from, id: `wamid.bench.${i}`, timestamp: String(BASE_TIMESTAMP + i), type: 'text', text: { body: `mensagem ${i} do cliente ${i % phones}` } }],
              },
            },
          ],
        },
      ],
    });
    out.push({ body, signature: `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` });
  }
  return out;
}

/** Posts every delivery to `url` with `concurrency` workers; wall time, p99 latency and errors. */
export async function post(url, list, concurrency = 32) {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: concurrency, keepAliveTimeout: 30_000 });
  const latencies = [];
  let errors = 0;
  let next = 0;
  const firstError = [];
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= list.length) return;
        const d = list[i];
        const s = process.hrtime.bigint();
        try {
          const r = await pool.request({ method: 'POST', path: u.pathname, headers: { 'content-type': 'application/json', 'x-hub-signature-256': d.signature }, body: d.body });
          const text = await r.body.text();
          if (r.statusCode !== 200) {
            errors++;
            if (firstError.length < 3) firstError.push(`${r.statusCode} ${text.slice(0, 200)}`);
          }
        } catch (e) {
          errors++;
          if (firstError.length < 3) firstError.push(String(e.message));
        }
        latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
    }),
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { ms, p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))], errors, firstError };
}

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The peak RSS of a live process (KB), from /proc (0 where there is none). */
const peakRssKb = (pid) => {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

/**
 * Starts a server process; resolves once it prints "listening on URL" on stderr. stop() reads its
 * peak RSS (KB), sends SIGTERM and resolves once it has exited.
 */
export function startListening(cmd, args, env = {}) {
  const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  const url = new Promise((resolve, reject) => {
    p.stderr.on('data', (b) => {
      err += b;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    p.on('exit', (c) => reject(new Error(`${cmd} ${args.join(' ')} exited ${c}: ${err}`)));
  });
  return url.then((u) => ({
    url: u,
    stop: () =>
      new Promise((resolve) => {
        const rssKb = peakRssKb(p.pid);
        p.on('close', () => resolve({ rssKb }));
        p.kill('SIGTERM');
      }),
  }));
}
