import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got, and what it answered. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Epoch ms when the request was complete. */
  at: number;
  /** Epoch ms when the answer was sent. */
  answeredAt: number;
  status: number;
  /** `webhook-id`. */
  id: string;
  /** The payload's `type`. */
  type: string;
}

/** How to answer one request: status, headers, body, and a delay before answering. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

/** A webhook receiver on 127.0.0.1 that records every request and answers as told. */
export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Requests with this webhook-id, in order. */
  byId: (id: string) => Received[];
  close: () => Promise<void>;
}

/** Starts a receiver; `answer` decides each response (200 by default), given the requests before it. */
export async function startReceiver(
  answer: (request: { id: string; type: string; path: string; previous: Received[] }) => Answer = () => ({}),
): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(request.headers['webhook-id'] ?? '');
      let type = '';
      try {
        type = String((JSON.parse(body) as { type?: unknown }).type ?? '');
      } catch {
        type = '';
      }
      const at = Date.now();
      const path = request.url ?? '/';
      const previous = received.filter((entry) => entry.id === id);
      const reply = answer({ id, type, path, previous });
      const status = reply.status ?? 200;
      const send = () => {
        received.push({ path, headers: request.headers, body, at, answeredAt: Date.now(), status, id, type });
        response.writeHead(status, { 'content-type': 'text/plain', ...reply.headers });
        response.end(reply.body ?? 'ok');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    byId: (id) => received.filter((entry) => entry.id === id),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
