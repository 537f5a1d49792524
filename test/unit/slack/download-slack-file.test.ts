// createSlackFileDownloader() against real local HTTP servers: the token only ever goes to Slack's file
// hosts (or SLACK_API_URL's origin), redirects included; Slack's sign-in page, HTTP errors, a declared or
// streamed size over the cap, a stalled download and a shutdown each end as they should.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.js';
import { createSlackFileDownloader, type SlackFileDownload } from '../../../src/slack/download-slack-file.js';

const TOKEN = 'xoxb-1-2-downloadtoken';

interface Local {
  url: string;
  requests: { path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function serve(route: (path: string, res: ServerResponse) => void): Promise<Local> {
  const requests: Local['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    route(req.url ?? '', res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function read(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const all: Uint8Array[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

async function failure(chunks: AsyncIterable<Uint8Array>): Promise<unknown> {
  try {
    await read(chunks);
  } catch (error) {
    return error;
  }
  throw new Error('expected the download to fail');
}

describe('createSlackFileDownloader()', () => {
  let slack: Local;
  let elsewhere: Local;
  const body = Buffer.from('04:43:14.834807 fcntl(8, F_SETFL, O_RDWR) = 0 <0.000012>\n'.repeat(2000));

  beforeAll(async () => {
    elsewhere = await serve((_path, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('not slack'));
    slack = await serve((path, res) => {
      if (path === '/file') return void res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) }).end(body);
      if (path === '/hop') return void res.writeHead(302, { location: '/file' }).end();
      if (path === '/away') return void res.writeHead(302, { location: `${elsewhere.url}/file` }).end();
      if (path === '/signin') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><title>Slack</title>');
      if (path === '/gone') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('file not found');
      if (path === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 64; i++) res.write(body);
        return void res.end();
      }
      if (path === '/stall') return void res.writeHead(200, { 'content-type': 'text/plain' }).write('strace: Process 1 attached\n');
      res.writeHead(500).end();
    });
  });

  afterAll(async () => {
    await slack?.close();
    await elsewhere?.close();
  });

  const downloader = (timeoutMs?: number) => createSlackFileDownloader({ token: TOKEN, apiUrl: `${slack.url}/api/`, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  const req = (path: string, over: Partial<SlackFileDownload> = {}): SlackFileDownload => ({
    url: `${slack.url}${path}`,
    name: 'trace.txt',
    maxBytes: 1024 * 1024,
    signal: new AbortController().signal,
    ...over,
  });

  it('createSlackFileDownloader() sends the bot token as a Bearer header and yields the bytes, through a redirect on the same host', async () => {
    const before = slack.requests.length;
    expect((await read(downloader()(req('/hop')))).equals(body)).toBe(true);
    const seen = slack.requests.slice(before);
    expect(seen.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/hop', `Bearer ${TOKEN}`],
      ['/file', `Bearer ${TOKEN}`],
    ]);
  });

  it('createSlackFileDownloader() never sends the token to another host: not as the address, not after a redirect', async () => {
    const before = elsewhere.requests.length;
    const direct = await failure(downloader()(req('', { url: `${elsewhere.url}/file` })));
    expect(direct).toMatchObject({ code: 'file_unavailable', message: 'The download address of "trace.txt" is not on Slack\'s file host, so the bot does not send its token there.' });
    const redirected = await failure(downloader()(req('/away')));
    expect(redirected).toMatchObject({ code: 'file_unavailable' });
    expect((redirected as BotError).message).toContain('sign-in page');
    expect(elsewhere.requests.length).toBe(before);
  });

  it('createSlackFileDownloader() sends the token only to https Slack hosts besides SLACK_API_URL', async () => {
    const seen: string[] = [];
    const recording = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      seen.push(`${String(input)} ${new Headers(init?.headers).get('authorization')}`);
      return new Response('strace: Process 1 attached\n', { headers: { 'content-type': 'text/plain' } });
    }) as typeof fetch;
    const d = createSlackFileDownloader({ token: TOKEN, fetch: recording });
    for (const url of ['https://files.slack.com/files-pri/T1-F1/download/a.txt', 'https://acme.enterprise.slack.com/files-pri/T1-F1/download/a.txt']) {
      await read(d(req('', { url })));
    }
    for (const url of ['http://files.slack.com/x', 'https://files.slack.com.evil.example/x', 'https://evilslack.com/x', 'https://example.com/x', 'not a url']) {
      expect(await failure(d(req('', { url })))).toMatchObject({ code: 'file_unavailable' });
    }
    expect(seen).toEqual([
      `https://files.slack.com/files-pri/T1-F1/download/a.txt Bearer ${TOKEN}`,
      `https://acme.enterprise.slack.com/files-pri/T1-F1/download/a.txt Bearer ${TOKEN}`,
    ]);
  });

  it('createSlackFileDownloader() reads a web page where a file was expected as Slack\'s sign-in page (files:read missing), unless the file is HTML', async () => {
    const error = await failure(downloader()(req('/signin')));
    expect(error).toMatchObject({ code: 'file_unavailable' });
    expect((error as BotError).message).toContain('must add the `files:read` scope to the Slack app and reinstall it');
    expect((await read(downloader()(req('/signin', { mimetype: 'text/html' })))).toString()).toContain('<title>Slack</title>');
  });

  it('createSlackFileDownloader() turns an HTTP error into file_unavailable with its status', async () => {
    expect(await failure(downloader()(req('/gone')))).toMatchObject({ code: 'file_unavailable', message: 'Slack answered HTTP 404 to the download of "trace.txt".' });
  });

  it('createSlackFileDownloader() refuses a Content-Length over the cap before reading, and stops a chunked body at the cap', async () => {
    expect(await failure(downloader()(req('/file', { maxBytes: 1000 })))).toMatchObject({ code: 'file_too_large', message: expect.stringContaining('"trace.txt" is 111.3 KiB') });
    let yielded = 0;
    const error = await (async () => {
      try {
        for await (const chunk of downloader()(req('/chunked', { maxBytes: 256 * 1024 }))) yielded += chunk.byteLength;
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toMatchObject({ code: 'file_too_large', message: expect.stringContaining('"trace.txt" is over 256.0 KiB') });
    expect(yielded).toBeLessThanOrEqual(256 * 1024);
    expect(yielded).toBeGreaterThan(0);
  });

  it('createSlackFileDownloader() gives up on a stalled download after timeoutMs, and passes a shutdown\'s reason through', async () => {
    const started = Date.now();
    expect(await failure(downloader(300)(req('/stall')))).toMatchObject({ code: 'file_unavailable', message: 'Downloading "trace.txt" from Slack took longer than 300 ms.' });
    expect(Date.now() - started).toBeLessThan(5000);
    const shutdown = new AbortController();
    const reason = new Error('the bot is shutting down');
    const chunks = downloader()(req('/stall', { signal: shutdown.signal }));
    setTimeout(() => shutdown.abort(reason), 100);
    expect(await failure(chunks)).toBe(reason);
  });
});
