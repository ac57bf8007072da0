import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** One status callback as Herald's ingress would see it. */
export interface ReceivedCallback {
  /** The full URL the simulator called, rebuilt from the request as a receiver must. */
  url: string;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
}

/** How the receiver answers the n-th callback (0-based): an HTTP status, or never. */
export type ReceiverAnswer = (callback: ReceivedCallback, index: number) => number | 'hang';

/** A real HTTP endpoint standing in for Herald's provider-callback ingress. */
export interface CallbackReceiver {
  url(pathAndQuery: string): string;
  received: ReceivedCallback[];
  /** Resolves once `done` holds for the callbacks received so far; rejects after `timeoutMs`. */
  waitFor(done: (received: ReceivedCallback[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCallbackReceiver(answer: ReceiverAnswer = () => 200): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const arrivals = new EventEmitter();
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const callback = {
        url: `http://${req.headers.host ?? ''}${req.url ?? ''}`,
        headers: req.headers,
        params: Object.fromEntries(new URLSearchParams(body)),
      };
      const status = answer(callback, received.length);
      received.push(callback);
      arrivals.emit('arrival');
      if (status !== 'hang') res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('receiver is not listening on TCP');
  const base = `http://127.0.0.1:${address.port}`;
  return {
    url: (pathAndQuery) => `${base}${pathAndQuery}`,
    received,
    waitFor: (done, timeoutMs = 5_000) =>
      waitForArrivals(arrivals, () => done(received), timeoutMs, received),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function waitForArrivals(
  arrivals: EventEmitter,
  done: () => boolean,
  timeoutMs: number,
  received: ReceivedCallback[],
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (!done()) return;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      const seen = received.map((callback) => callback.params.MessageStatus).join(', ');
      reject(new Error(`condition not met within ${timeoutMs} ms; callbacks so far: [${seen}]`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      arrivals.off('arrival', check);
    };
    arrivals.on('arrival', check);
    check();
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
