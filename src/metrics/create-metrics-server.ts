import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotError } from '../errors.js';
import type { BotMetrics } from './create-bot-metrics.js';

/** The one path the metrics listener serves. */
export const METRICS_PATH = '/metrics';

export interface MetricsServerOptions {
  /** METRICS_HOST: the address to bind (default 127.0.0.1 in the env). */
  host: string;
  /** METRICS_PORT; 0 picks a free port. */
  port: number;
  /** Told when a scrape fails (the scraper gets a 500 without details). */
  onError?: (error: unknown) => void;
}

/** The metrics listener: its own `http.Server`, never the Slack receiver's. */
export interface MetricsServer {
  /** Binds host:port; a port in use or an address that is not this machine's is `config_invalid`. */
  listen(): Promise<AddressInfo>;
  /** Where it listens once listening. */
  address(): AddressInfo | null;
  /** Stops listening and drops open (keep-alive) connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Returns a plain HTTP listener that answers `GET /metrics` (and HEAD) with `metrics.render()` in the
 * Prometheus text format, 405 for other methods there and 404 elsewhere. It is separate from Slack's
 * port on purpose: in HTTP mode that one faces the internet, and host and worker names are inventory.
 */
export function createMetricsServer(metrics: Pick<BotMetrics, 'render' | 'contentType'>, opts: MetricsServerOptions): MetricsServer {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== METRICS_PATH) return send(res, 404, `Not found: this listener serves ${METRICS_PATH} only.\n`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed: GET or HEAD.\n', { allow: 'GET, HEAD' });
    let text: string;
    try {
      text = await metrics.render();
    } catch (error) {
      opts.onError?.(error);
      return send(res, 500, 'The metrics could not be collected; the bot log says why.\n');
    }
    res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      opts.onError?.(error);
      if (!res.headersSent) send(res, 500, 'Internal error.\n');
      else res.destroy();
    });
  });
  // A scrape is one small GET: nothing should hold a socket open for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  let closing: Promise<void> | null = null;

  return {
    listen() {
      return new Promise<AddressInfo>((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException): void => reject(explainListenError(error, opts));
        server.once('error', onError);
        server.listen(opts.port, opts.host, () => {
          server.off('error', onError);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    address() {
      const address = server.address();
      return address !== null && typeof address === 'object' ? address : null;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function explainListenError(error: NodeJS.ErrnoException, opts: MetricsServerOptions): BotError {
  if (error.code === 'EADDRINUSE') {
    return new BotError('config_invalid', `METRICS_PORT ${opts.port} is in use on ${opts.host}: set METRICS_PORT to a free port.`, { cause: error });
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return new BotError('config_invalid', `METRICS_HOST ${opts.host} is not an address of this machine: set it to one (default 127.0.0.1).`, { cause: error });
  }
  if (error.code === 'EACCES') {
    return new BotError('config_invalid', `METRICS_PORT ${opts.port} needs privileges this process does not have: pick a port above 1023.`, { cause: error });
  }
  return new BotError('internal', `Could not start the metrics listener on ${opts.host}:${opts.port}: ${error.message}`, { cause: error });
}
