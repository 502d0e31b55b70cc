import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Raw HTTP clients for hostile traffic: what fetch cannot do (send a body slowly, stall, keep
 * sending after the answer) and what the server did with the connection (bytes it read).
 */

/** Records every connection the server accepts, by the client's port, to read its byte counts. */
export function watchConnections(app: FastifyInstance): Map<number, Socket> {
  const seen = new Map<number, Socket>();
  app.server.on('connection', (s: Socket) => seen.set(s.remotePort!, s));
  return seen;
}

export interface RawAnswer {
  /** The status of the answer, or 0 when the connection ended without one. */
  status: number;
  text: string;
  /** Bytes of the body this client managed to send before the server answered or closed. */
  sent: number;
  /** The client's local port (the server's remotePort for it). */
  port: number;
}

/**
 * Sends the head of a request and then up to `bodySize` bytes of `fill`, chunk by chunk, stopping as
 * soon as the server answers or closes; resolves with the answer once the connection ends.
 */
export function rawRequest(url: string, o: { method: string; path: string; headers: Record<string, string>; bodySize: number; fill?: (offset: number, n: number) => string }): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const fill = o.fill ?? ((_: number, n: number) => ' '.repeat(n));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let answer = '';
    let sent = 0;
    let stopped = false;
    const head = [`${o.method} ${o.path} HTTP/1.1`, `host: ${hostname}:${port}`, `content-length: ${o.bodySize}`, ...Object.entries(o.headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
    const pump = () => {
      while (!stopped && sent < o.bodySize) {
        const n = Math.min(64 * 1024, o.bodySize - sent);
        const more = socket.write(fill(sent, n));
        sent += n;
        if (!more) return void socket.once('drain', pump);
      }
    };
    let local = 0;
    socket.on('connect', () => {
      local = socket.localPort ?? 0;
      socket.write(head);
      pump();
    });
    socket.on('data', (d) => {
      stopped = true;
      answer += d.toString('utf8');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // The server closing a connection it no longer reads may reset it under our writes.
      if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') reject(e);
    });
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      resolve({ status, text: answer.slice(answer.indexOf('\r\n\r\n') + 4), sent, port: local });
    });
  });
}

/** A JSON array `depth` levels deep whose every level also holds `width` numbers, about `bytes` long. */
export function wideAndDeep(bytes: number, depth = 60): string {
  const width = Math.max(1, Math.floor(bytes / depth / 2));
  const row = Array(width).fill('1').join(',');
  return `${`[${row},`.repeat(depth)}1${']'.repeat(depth)}`;
}
