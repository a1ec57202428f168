import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Issuer } from '../../issuer/issuer.js';
import type { RequestLog, RequestRecord } from '../../log/request-log.js';
import { recordView } from './record-view.js';

export const EVENTS_PATH = '/_console/events';

/** A comment line now and then keeps proxies and idle timers from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
const SHUTDOWN_CHECK_MS = 250;

/** Where a reconnecting stream resumes: the Last-Event-ID the browser sends, else ?since. */
function resumeFrom(req: IncomingMessage, url: URL): number {
  const last = req.headers['last-event-id'];
  const raw = (typeof last === 'string' ? last : undefined) ?? url.searchParams.get('since') ?? '0';
  return /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
}

/**
 * The request log as Server-Sent Events: what is in the log after `since`,
 * then each request as it finishes, as a decoded view. The stream's own
 * request is left out, or every reconnect would log itself.
 */
export function streamLog(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestLog: RequestLog,
  issuers: ReadonlyMap<string, Issuer>,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  const send = (record: RequestRecord) => {
    if (record.path === EVENTS_PATH || record.status === undefined) return;
    res.write(`id: ${record.id}\nevent: request\ndata: ${JSON.stringify(recordView(record, issuers))}\n\n`);
  };
  res.write('retry: 2000\n\n');
  for (const record of requestLog.list({ sinceId: resumeFrom(req, url) })) send(record);
  res.write(`event: ready\ndata: ${JSON.stringify({ lastId: requestLog.lastId })}\n\n`);
  const unsubscribe = requestLog.onFinish(send);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  // A stream never finishes on its own: once the server stops listening (close(), SIGTERM), it
  // ends, so shutting down does not wait out the deadline for an open console.
  const server = (req.socket as typeof req.socket & { server?: Server }).server;
  const watch = setInterval(() => {
    if (server && !server.listening) res.end();
  }, SHUTDOWN_CHECK_MS);
  watch.unref();
  res.once('close', () => {
    unsubscribe();
    clearInterval(heartbeat);
    clearInterval(watch);
  });
}
