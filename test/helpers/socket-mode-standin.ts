// A local stand-in for Slack's Socket Mode side, for tests: a WebSocket server on 127.0.0.1 that the bot's
// real @slack/socket-mode client reaches through `apps.connections.open` on the Web API stand-in
// (test/helpers/slack-standin.ts, which checks the app-level token). What it does, and where that comes from:
//
// - `apps.connections.open` issues a one-time URL `ws://127.0.0.1:PORT/link/?ticket=…&app_id=…`; an unknown or
//   used ticket is refused at the upgrade (HTTP 401). Slack's URLs are one-time too (`wss://…/link/?ticket=…`).
// - On connect it sends `hello` (`num_connections`, `debug_info`, `connection_info.app_id`), as Slack does.
// - Envelopes `{ envelope_id, type, payload, accepts_response_payload }` (`slash_commands`, `interactive`,
//   `events_api`, the latter with `retry_attempt` / `retry_reason`) go to ONE open connection, round-robin:
//   Slack spreads payloads over an app's connections and sends each to only one of them.
// - Acks `{ envelope_id, payload? }` are recorded with the time since delivery. The deadline is 3 s, as for
//   an HTTP request. A slash command or click not acked in time is a failure the user sees
//   (`operation_timeout`) and is not sent again; an `events_api` envelope is sent again with
//   `retry_attempt` 1..3 and `retry_reason: 'timeout'` (the Events API retries 3 times: at once, after 1 min,
//   after 5 min; `eventRetryDelaysMs` shortens that for tests).
// - With no open connection, a slash command or click fails at once (`dispatch_failed`, what Slack shows
//   when the app is not connected); an event waits for the next connection.
// - `disconnect(connection, reason)` sends `{ type: 'disconnect', reason, debug_info }`. After
//   `refresh_requested` no new envelope goes to that connection, acks on it still count, and the stand-in
//   closes it after `refreshCloseMs` if the client has not. `warning` is advance notice: the connection
//   stays in use, and `refresh_requested` follows after `warningLeadMs` (Slack: about 10 s).
//
// Not modelled: Slack's own pings (ws answers the client's pings with pongs), the 10-connection limit
// (`too_many_websockets`), `link_disabled`, and ticket expiry.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { buttonClickPayload, commandFields, eventCallback, type ButtonClick, type CommandFields } from './slack-signing.js';
import { validateBlocks, type SlackStandIn } from './slack-standin.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketConnection {
  id: number;
  openedAt: number;
  /** Set once `disconnect` was sent on it. */
  disconnects: { reason: DisconnectReason; at: number }[];
  /** Set once the WebSocket closed (by either side). */
  closedAt: number | null;
  /** Who closed it: the bot's client, or the stand-in after `refresh_requested`. */
  closedBy: 'client' | 'stand-in' | null;
  isOpen(): boolean;
}

export type DisconnectReason = 'warning' | 'refresh_requested';

export interface Delivery {
  connectionId: number;
  /** 0 for the first delivery; Slack's `retry_attempt` for the others. */
  attempt: number;
  at: number;
  /** When the ack arrived, ms after this delivery; null while none did. */
  ackMs: number | null;
  timedOut: boolean;
}

export interface RecordedAck {
  envelopeId: string;
  connectionId: number;
  /** The ack's `payload` (a command's ephemeral answer), if any. */
  payload: Record<string, unknown> | undefined;
  at: number;
  /** ms after the delivery it answers (the latest one to this connection, else the latest at all). */
  ms: number;
  /** Arrived after the 3 s deadline of that delivery: Slack would already have given up on it. */
  isLate: boolean;
}

export type EnvelopeOutcome = 'pending' | 'acked' | 'dispatch_failed' | 'operation_timeout' | 'retries_exhausted';

export interface EnvelopeRecord {
  envelopeId: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  createdAt: number;
  deliveries: Delivery[];
  acks: RecordedAck[];
  outcome: EnvelopeOutcome;
}

export interface SocketModeStandInOptions {
  appId?: string;
  /** How long Slack waits for an ack. Default 3000. */
  ackTimeoutMs?: number;
  /** Delays before the 1st, 2nd and 3rd retry of an unacked event. Default Slack's: 0, 1 min, 5 min. */
  eventRetryDelaysMs?: readonly number[];
  /** After `warning`, `refresh_requested` follows this much later if the connection is still open. Default 10 s. */
  warningLeadMs?: number;
  /** After `refresh_requested`, the stand-in closes the connection itself this much later. Default 10 s. */
  refreshCloseMs?: number;
}

export interface SocketModeStandIn {
  /** Every connection ever accepted, oldest first. */
  connections: SocketConnection[];
  /** Connections that are open and eligible for new envelopes. */
  openConnections(): SocketConnection[];
  envelopes: EnvelopeRecord[];
  acks: RecordedAck[];
  /** Protocol breaches by the client: malformed frames, acks of unknown envelopes, a second ack. Tests assert it stays empty. */
  violations: string[];
  /** `apps.connections.open` URLs issued, and upgrades refused (bad or reused ticket). */
  ticketsIssued: number;
  upgradesRefused: number;
  /** Sends an envelope to one open connection (or `opts.connection`). Returns its record at once. */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, opts?: { connection?: SocketConnection; acceptsResponsePayload?: boolean }): EnvelopeRecord;
  sendCommand(fields: CommandFields, opts?: { connection?: SocketConnection }): EnvelopeRecord;
  sendButtonClick(click: ButtonClick, opts?: { connection?: SocketConnection }): EnvelopeRecord;
  sendEvent(event: Record<string, unknown>, opts?: { connection?: SocketConnection }): EnvelopeRecord;
  /** Sends `{ type: 'disconnect', reason }` on `connection`. */
  disconnect(connection: SocketConnection, reason: DisconnectReason): void;
  /** Resolves once `count` connections are open (and eligible), or throws after `timeoutMs`. */
  waitForConnections(count: number, timeoutMs?: number): Promise<SocketConnection[]>;
  /** Resolves once `envelope` is no longer pending (acked, failed or given up), or throws after `timeoutMs`. */
  waitForOutcome(envelope: EnvelopeRecord, timeoutMs?: number): Promise<EnvelopeOutcome>;
  /** Forgets envelopes, acks and violations (connections stay). */
  reset(): void;
  /** Closes every connection and the server; pending timers are cleared. */
  close(): Promise<void>;
}

const DEFAULT_EVENT_RETRY_DELAYS_MS = [0, 60_000, 300_000];

interface LiveConnection extends SocketConnection {
  ws: WebSocket;
  isEligible: boolean;
}

/** Starts the Socket Mode stand-in on 127.0.0.1 and lets `webApi`'s `apps.connections.open` hand out its URLs. */
export async function startSocketModeStandIn(webApi: SlackStandIn, opts: SocketModeStandInOptions = {}): Promise<SocketModeStandIn> {
  const appId = opts.appId ?? 'A0123ABCD';
  const ackTimeoutMs = opts.ackTimeoutMs ?? 3000;
  const retryDelaysMs = opts.eventRetryDelaysMs ?? DEFAULT_EVENT_RETRY_DELAYS_MS;
  const warningLeadMs = opts.warningLeadMs ?? 10_000;
  const refreshCloseMs = opts.refreshCloseMs ?? 10_000;

  const connections: LiveConnection[] = [];
  const envelopes: EnvelopeRecord[] = [];
  const acks: RecordedAck[] = [];
  const violations: string[] = [];
  const tickets = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  /** Events waiting for a connection. */
  const waiting: EnvelopeRecord[] = [];
  let ticketsIssued = 0;
  let upgradesRefused = 0;
  let roundRobin = 0;
  let isClosing = false;
  let port = 0;

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const eligible = (): LiveConnection[] => connections.filter((c) => c.isEligible && c.ws.readyState === c.ws.OPEN);

  const send = (record: EnvelopeRecord, target: LiveConnection, acceptsResponsePayload: boolean): void => {
    const attempt = record.deliveries.length;
    const delivery: Delivery = { connectionId: target.id, attempt, at: performance.now(), ackMs: null, timedOut: false };
    record.deliveries.push(delivery);
    target.ws.send(
      JSON.stringify({
        envelope_id: record.envelopeId,
        type: record.type,
        payload: record.payload,
        accepts_response_payload: acceptsResponsePayload,
        ...(record.type === 'events_api' ? { retry_attempt: attempt, retry_reason: attempt === 0 ? '' : 'timeout' } : {}),
      }),
    );
    later(ackTimeoutMs, () => {
      if (delivery.ackMs !== null || record.outcome !== 'pending') return;
      delivery.timedOut = true;
      if (record.type !== 'events_api') {
        record.outcome = 'operation_timeout';
        return;
      }
      const retry = record.deliveries.length; // 1, 2, 3
      const delay = retryDelaysMs[retry - 1];
      if (delay === undefined) {
        record.outcome = 'retries_exhausted';
        return;
      }
      later(delay, () => dispatch(record, undefined, false));
    });
  };

  const dispatch = (record: EnvelopeRecord, forced: LiveConnection | undefined, acceptsResponsePayload: boolean): void => {
    if (record.outcome !== 'pending' || isClosing) return;
    const pool = eligible();
    const target = forced ?? pool[roundRobin++ % Math.max(pool.length, 1)];
    if (target === undefined || target.ws.readyState !== target.ws.OPEN) {
      if (record.type === 'events_api') waiting.push(record);
      else record.outcome = 'dispatch_failed';
      return;
    }
    send(record, target, acceptsResponsePayload);
  };

  const onAck = (conn: LiveConnection, raw: string): void => {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      violations.push(`connection ${conn.id}: a frame that is not JSON: ${raw.slice(0, 80)}`);
      return;
    }
    const envelopeId = (frame as { envelope_id?: unknown }).envelope_id;
    if (typeof envelopeId !== 'string') {
      violations.push(`connection ${conn.id}: a frame without envelope_id: ${raw.slice(0, 80)}`);
      return;
    }
    const record = envelopes.find((e) => e.envelopeId === envelopeId);
    if (record === undefined) {
      violations.push(`connection ${conn.id}: an ack of an unknown envelope ${envelopeId}`);
      return;
    }
    const delivery = [...record.deliveries].reverse().find((d) => d.connectionId === conn.id) ?? record.deliveries.at(-1)!;
    const ms = performance.now() - delivery.at;
    const payload = (frame as { payload?: unknown }).payload;
    const ack: RecordedAck = {
      envelopeId,
      connectionId: conn.id,
      payload: payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>) : undefined,
      at: Date.now(),
      ms,
      isLate: delivery.timedOut || ms > ackTimeoutMs,
    };
    if (delivery.ackMs !== null) violations.push(`envelope ${envelopeId} (${record.type}) acked twice for the same delivery`);
    acks.push(ack);
    record.acks.push(ack);
    delivery.ackMs ??= ms;
    if (record.outcome === 'pending' && !ack.isLate) record.outcome = 'acked';
    const blocks = ack.payload?.['blocks'];
    if (blocks !== undefined) {
      const verdict = validateBlocks(blocks);
      if (verdict !== null) violations.push(`ack of ${envelopeId}: ${verdict.error}: ${verdict.messages.join('; ')}`);
    }
  };

  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !tickets.delete(ticket) || isClosing) {
      upgradesRefused += 1;
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: LiveConnection = {
        id: connections.length + 1,
        openedAt: Date.now(),
        disconnects: [],
        closedAt: null,
        closedBy: null,
        ws,
        isEligible: true,
        isOpen: () => ws.readyState === ws.OPEN,
      };
      connections.push(conn);
      ws.on('message', (data, isBinary) => {
        if (isBinary) violations.push(`connection ${conn.id}: a binary frame`);
        else onAck(conn, String(data));
      });
      ws.on('close', () => {
        conn.isEligible = false;
        conn.closedAt = Date.now();
        conn.closedBy ??= 'client';
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: eligible().length,
          debug_info: { host: `applink-standin-${conn.id}`, build_number: 1, approximate_connection_time: 18060 },
          connection_info: { app_id: appId },
        }),
      );
      // Events that found no connection go out now, as retries.
      for (const record of waiting.splice(0)) dispatch(record, undefined, false);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  webApi.serveSocketMode(() => {
    const ticket = randomUUID();
    tickets.add(ticket);
    ticketsIssued += 1;
    return `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${appId}`;
  });

  const create = (type: EnvelopeType, payload: Record<string, unknown>): EnvelopeRecord => {
    const record: EnvelopeRecord = { envelopeId: randomUUID(), type, payload, createdAt: Date.now(), deliveries: [], acks: [], outcome: 'pending' };
    envelopes.push(record);
    return record;
  };
  const live = (c: SocketConnection | undefined): LiveConnection | undefined => (c === undefined ? undefined : connections.find((x) => x.id === c.id));
  const deliver: SocketModeStandIn['deliver'] = (type, payload, o = {}) => {
    const record = create(type, payload);
    // Slack lets commands and clicks answer in the ack (an ephemeral message); events never.
    dispatch(record, live(o.connection), o.acceptsResponsePayload ?? type !== 'events_api');
    return record;
  };

  const disconnect = (connection: SocketConnection, reason: DisconnectReason): void => {
    const conn = live(connection);
    if (conn === undefined || conn.ws.readyState !== conn.ws.OPEN) throw new Error(`socket stand-in: connection ${connection.id} is not open`);
    conn.disconnects.push({ reason, at: Date.now() });
    conn.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: `applink-standin-${conn.id}` } }));
    if (reason === 'warning') {
      later(warningLeadMs, () => {
        if (conn.ws.readyState === conn.ws.OPEN) disconnect(conn, 'refresh_requested');
      });
      return;
    }
    conn.isEligible = false;
    later(refreshCloseMs, () => {
      if (conn.ws.readyState !== conn.ws.OPEN) return;
      conn.closedBy = 'stand-in';
      conn.ws.close(1001, 'refresh');
    });
  };

  return {
    connections,
    openConnections: () => eligible(),
    envelopes,
    acks,
    violations,
    get ticketsIssued() {
      return ticketsIssued;
    },
    get upgradesRefused() {
      return upgradesRefused;
    },
    deliver,
    sendCommand: (fields, o = {}) => deliver('slash_commands', commandFields(fields), o),
    sendButtonClick: (click, o = {}) => deliver('interactive', buttonClickPayload(click), o),
    sendEvent: (event, o = {}) => deliver('events_api', eventCallback(event), o),
    disconnect,
    async waitForConnections(count, timeoutMs = 15_000) {
      const deadline = performance.now() + timeoutMs;
      while (eligible().length < count) {
        if (performance.now() > deadline) throw new Error(`socket stand-in: ${eligible().length} open connections after ${timeoutMs} ms, wanted ${count}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return eligible();
    },
    async waitForOutcome(envelope, timeoutMs = 10_000) {
      const deadline = performance.now() + timeoutMs;
      while (envelope.outcome === 'pending') {
        if (performance.now() > deadline) throw new Error(`socket stand-in: envelope ${envelope.type} still pending after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
      return envelope.outcome;
    },
    reset() {
      envelopes.length = 0;
      acks.length = 0;
      violations.length = 0;
      waiting.length = 0;
    },
    async close() {
      isClosing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const c of connections) {
        if (c.ws.readyState === c.ws.OPEN || c.ws.readyState === c.ws.CONNECTING) c.ws.terminate();
      }
      wss.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
