// A tiny HTTP CONNECT proxy for tests: it records every tunnel asked for and, since the Slack stand-in
// speaks plain HTTP inside the tunnel, the request lines that went through it. Targets it cannot reach
// (or names it is told to refuse) get a 502, as a real proxy answers.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface ConnectProxy {
  url: string;
  /** `host:port` of every CONNECT, in order. */
  connects: string[];
  /** `POST /api/auth.test` … for every request seen inside a tunnel. */
  requests: string[];
  close(): Promise<void>;
}

export async function startConnectProxy(opts: { refuse?: (target: string) => boolean } = {}): Promise<ConnectProxy> {
  const connects: string[] = [];
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    // Only tunnels: a plain proxied request would mean the client did not use CONNECT.
    requests.push('(not a tunnel)');
    res.writeHead(405).end();
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    connects.push(target);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    if (opts.refuse?.(target) === true || !Number.isInteger(port)) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      let seen = '';
      client.on('data', (chunk: Buffer) => {
        seen += chunk.toString('latin1');
        // Keep-alive: a request may follow the previous body with no line break in between.
        let end = 0;
        for (const m of seen.matchAll(/((?:GET|POST|PUT|DELETE) \/\S*) HTTP\/1\.1\r\n/g)) {
          requests.push(m[1]!);
          end = m.index + m[0].length;
        }
        // What is left may hold the start of a request line split across chunks: keep a short tail of it.
        seen = seen.slice(end).slice(-300);
        upstream.write(chunk);
      });
      upstream.pipe(client);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
