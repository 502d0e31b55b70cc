#!/usr/bin/env node
// The bench's e-mail row (scripts/bench.mjs): an SMTP sink on loopback, and the floor deskctl's
// `notifications deliver` is measured against: a bare nodemailer loop sending the same number of
// e-mails with the same pool size to the same sink, in its own process (timed, peak RSS).
//   import { startSmtpSink, smtpFloor } from './smtp-bench.mjs'
//   node scripts/smtp-bench.mjs floor --url smtp://127.0.0.1:PORT --count N --pool P   (prints {"sent","ms"})
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 at a free port, in this process: no TLS, no AUTH,
 * no reverse lookups; it reads each message to its end, counts it and answers 250. `count()`,
 * `reset()`, `messageIds()` (when kept), `close()`.
 */
export async function startSmtpSink({ keepIds = false } = {}) {
  const { SMTPServer } = await import('smtp-server');
  let count = 0;
  const ids = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    closeTimeout: 1000,
    onData(stream, _session, callback) {
      let head = keepIds ? '' : null;
      stream.on('data', (b) => {
        if (head !== null && head.length < 8192) head += b.toString('latin1');
      });
      stream.on('end', () => {
        count++;
        if (head !== null) ids.push(/^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? null);
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `smtp://127.0.0.1:${server.server.address().port}`;
  return {
    url,
    count: () => count,
    messageIds: () => [...ids],
    reset() {
      count = 0;
      ids.length = 0;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** What the floor sends: as deskctl's e-mails are, a subject and display name with accents, a text part and an HTML part, its own Message-ID. */
function message(i) {
  const protocol = `2026-${String(i + 1).padStart(6, '0')}`;
  const link = `https://portal.norte.example/chamados/${protocol}`;
  return {
    from: '"Central de Ajuda Açaí" <ajuda@norte.example>',
    to: `cliente${i}@cliente.example`,
    subject: `Chamado ${protocol} aberto: Impressora não liga`,
    text: `Olá, Cliente ${i}!\n\nSeu chamado ${protocol} foi aberto: "Impressora não liga".\nAcompanhe em ${link}\n\nCentral de Ajuda\n`,
    html: `<p>Olá, Cliente ${i}!</p><p>Seu chamado <b>${protocol}</b> foi aberto: &quot;Impressora não liga&quot;.</p><p><a href="${link}">Acompanhe o chamado</a></p><p>Central de Ajuda</p>`,
    messageId: `<n${i + 1}.t1.bench@deskctl.norte.example>`,
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

/**
 * The floor, in this process: one pooled nodemailer transport (maxConnections = pool) and `pool`
 * workers, each sending its next message as soon as the last was accepted. Milliseconds of the loop.
 */
async function floorLoop(url, count, pool) {
  const { default: nodemailer } = await import('nodemailer');
  const u = new URL(url);
  const transport = nodemailer.createTransport({ pool: true, maxConnections: pool, host: u.hostname, port: Number(u.port), secure: false });
  let next = 0;
  let sent = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: pool }, async () => {
      for (let i = next++; i < count; i = next++) {
        await transport.sendMail(message(i));
        sent++;
      }
    }),
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  transport.close();
  return { sent, ms };
}

/**
 * Runs the floor in a fresh process under GNU time, as the bench runs deskctl: the wall time of
 * the whole process (start-up included, as for deskctl) and its peak RSS (KB); `loopMs` is the
 * sending loop alone.
 */
export function smtpFloor({ url, count, pool }) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn('/usr/bin/time', ['-f', '%M', process.execPath, fileURLToPath(import.meta.url), 'floor', '--url', url, '--count', String(count), '--pool', String(pool)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (b) => (out += b));
    p.stderr.on('data', (b) => (err += b));
    p.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const lines = err.trim().split('\n');
      if (code !== 0) return reject(new Error(`the SMTP floor exited ${code}: ${lines.slice(-5).join('\n')}`));
      const r = JSON.parse(out);
      if (r.sent !== count) return reject(new Error(`the SMTP floor sent ${r.sent} of ${count}`));
      resolve({ ms, loopMs: r.ms, rssKb: Number(lines.at(-1)) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'floor') {
  const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
  const r = await floorLoop(arg('--url'), Number(arg('--count')), Number(arg('--pool')));
  process.stdout.write(JSON.stringify(r));
}
