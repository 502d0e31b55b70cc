import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { deskctl, tempHome } from '../helpers/bin.js';
import { adminToken, serveBinary } from '../helpers/integrity.js';

/** Opens a connection and sends a request head announcing a body it then never sends; resolves once the server closes it. */
function stall(url: string, token: string): { connected: Promise<void>; closed: Promise<string> } {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  let answer = '';
  socket.on('data', (d) => (answer += d.toString()));
  socket.on('error', () => {});
  const connected = new Promise<void>((resolve) =>
    socket.on('connect', () => {
      socket.write(`POST /v1/tenants/default/departments HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"name":`);
      resolve();
    }),
  );
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(answer)));
  return { connected, closed };
}

/**
 * Issue 13, defect 5: one client that sends its headers and stalls its body held SIGTERM's drain
 * open (until Node's 5-minute request timeout). Now the drain is bounded (`--drain-timeout`): the
 * stalled connection is cut and the server exits 0; a request still in flight is not lost.
 */
describe('e2e: a bounded drain on SIGTERM', () => {
  it('a stalled client during the drain is cut off after --drain-timeout, and deskctl serve exits 0', async () => {
    const home = tempHome();
    const env = { ...home.env, DESKCTL_DB: home.db };
    expect((await deskctl(['departments', 'add', 'Suporte'], { env })).exitCode).toBe(0);
    const token = await adminToken(env, 'ops');
    const server = await serveBinary(env, ['--drain-timeout', '1']);
    const stalled = [stall(server.url, token), stall(server.url, token), stall(server.url, 'dsk_not-a-real-token-at-all-0000000000')];
    await Promise.all(stalled.map((s) => s.connected));
    // The server has read their heads once it answers a request sent after them.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    server.proc.kill('SIGTERM');
    const result = await server.proc;
    expect(result.exitCode, server.output()).toBe(0);
    expect(server.output()).toContain('at most 1 s');
    expect(server.output()).toContain('deskctl serve: stopped');
    for (const s of stalled) await s.closed;
    // The one without a valid token was answered from its headers and never held anything.
    expect(await stalled[2]!.closed).toMatch(/^HTTP\/1\.1 401/);
  });
});
