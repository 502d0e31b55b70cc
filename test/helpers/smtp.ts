import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

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
