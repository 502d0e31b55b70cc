/**
 * Real SMTP servers for the tests (the smtp-server package), in-process on 127.0.0.1 at a free port:
 * - smtpSink(): a sink that keeps what it accepts (the delivery contract and e2e tests, the bench);
 * - smtpTestServer(): the same with every hook of smtp-server open, the envelope, the AUTH user
 *   and the TLS state of each message, and its live sockets, to turn it into a faulty server (a
 *   refusing greeting, a refused recipient, a socket cut mid-DATA, a slow reply) for the e-mail
 *   channel's tests.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';

/** A refusal the sink answers, with its SMTP code (4xx temporary, 5xx permanent). */
export const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export interface SinkOptions {
  /** Answer to each RCPT TO (an smtpError refuses it). */
  rcpt?: (address: string) => Error | undefined;
  /** Waits this long before accepting each message's data (a slow server). */
  delayMs?: number;
  /** Parses each message (headers and parts); off, only the raw bytes are kept (a bench). */
  parse?: boolean;
  /** Called with each message as it is accepted. */
  onMessage?: (raw: Buffer) => void;
  /** More of smtp-server's options. */
  server?: Partial<SMTPServerOptions>;
}

export interface Sink {
  /** `smtp://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Every message accepted, parsed, in order. */
  received: ParsedMail[];
  /** Every message accepted, raw. */
  raw: Buffer[];
  /** Stops listening and cuts the connections. */
  close(): Promise<void>;
}

/** A real SMTP server on loopback (the `smtp-server` package) that keeps what it accepts. */
export async function smtpSink(o: SinkOptions = {}): Promise<Sink> {
  const received: ParsedMail[] = [];
  const raw: Buffer[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    ...o.server,
    onRcptTo(address, _session, callback) {
      const refusal = o.rcpt?.(address.address);
      callback(refusal ?? undefined);
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const bytes = Buffer.concat(chunks);
        if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
        raw.push(bytes);
        o.onMessage?.(bytes);
        if (o.parse !== false) received.push(await simpleParser(bytes));
        callback();
      });
    },
  });
  // A client killed mid-session (kill -9) resets its socket: the sink goes on.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    raw,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Received {
  raw: Buffer;
  parsed: ParsedMail;
  mailFrom: string;
  rcptTo: string[];
  /** The AUTH user of the session, if any. */
  user: string | undefined;
  /** Whether the session was over TLS (implicit or STARTTLS). */
  secure: boolean;
}

export interface TestServer {
  port: number;
  /** smtp://127.0.0.1:PORT (no user, no parameters). */
  url: string;
  received: Received[];
  sockets: Set<Socket>;
  /** The most connections open at once. */
  peakConnections: number;
  close(): Promise<void>;
}

export interface TestServerOptions extends Partial<SMTPServerOptions> {
  /** Instead of accepting: called with the stream of the message (which it must consume or cut). */
  onMessage?: (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void, sink: TestServer) => void;
  port?: number;
}

export async function smtpTestServer(o: TestServerOptions = {}): Promise<TestServer> {
  const { onMessage, port: wanted = 0, ...options } = o;
  let open = 0;
  const sink: TestServer = { port: 0, url: '', received: [], sockets: new Set(), peakConnections: 0, close: async () => {} };
  const accept = (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) => {
    const chunks: Buffer[] = [];
    stream.on('data', (b: Buffer) => chunks.push(b));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      simpleParser(raw).then(
        (parsed) => {
          sink.received.push({
            raw,
            parsed,
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            user: typeof session.user === 'string' ? session.user : undefined,
            secure: session.secure,
          });
          callback(null);
        },
        (e: Error) => callback(e),
      );
    });
  };
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    hideSTARTTLS: true,
    closeTimeout: 200,
    ...options,
    onData: (stream, session, callback) => (onMessage ? onMessage(stream, session, callback, sink) : accept(stream, session, callback)),
  });
  // Plain TCP connections only: destroying the socket under a TLS server's TLSSocket crashes Node 20.
  server.server.on(options.secure ? 'secureConnection' : 'connection', (s: Socket) => {
    sink.sockets.add(s);
    sink.peakConnections = Math.max(sink.peakConnections, ++open);
    s.on('close', () => {
      sink.sockets.delete(s);
      open--;
    });
  });
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(wanted, '127.0.0.1', () => resolve());
  });
  sink.port = (server.server.address() as AddressInfo).port;
  sink.url = `smtp://127.0.0.1:${sink.port}`;
  sink.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sink.sockets) s.destroy();
      server.close(() => resolve());
    });
  return sink;
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never says a word (no greeting). */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const s = createServer((c) => {
    sockets.add(c);
    c.on('error', () => {});
    c.on('close', () => sockets.delete(c));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (s.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of sockets) c.destroy();
        s.close(() => resolve());
      }),
  };
}
