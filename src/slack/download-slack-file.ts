import { BotError } from '../errors.js';
import { tooLargeError } from './pick-shared-log.js';

/** One file to download from Slack (its `url_private_download`, from files.info). */
export interface SlackFileDownload {
  url: string;
  /** Shown in errors (quoted). */
  name: string;
  /** The file's own mimetype: a `text/html` file is not mistaken for Slack's sign-in page. */
  mimetype?: string;
  /** More bytes than this and the download is stopped there: `file_too_large`. */
  maxBytes: number;
  /** Aborts the download (a shutdown); its reason is thrown as is. */
  signal: AbortSignal;
}

/**
 * Yields a Slack file's bytes as they arrive, never more than `maxBytes` of them: past that (or when
 * Content-Length says so) the connection is closed and `file_too_large` thrown, so the rest is neither
 * downloaded nor held. Other failures are `file_unavailable` with what to do.
 */
export type SlackFileDownloader = (download: SlackFileDownload) => AsyncIterable<Uint8Array>;

export interface SlackFileDownloaderOptions {
  /** The bot token (`xoxb-…`): Slack serves `url_private_download` only with `Authorization: Bearer` and `files:read`. */
  token: string;
  /** The bot's fetch (through HTTPS_PROXY when one is set); default Node's own. */
  fetch?: typeof fetch;
  /** SLACK_API_URL: its origin may serve files too (the stand-in in tests, a reverse proxy). */
  apiUrl?: string;
  /** A download still running after this long is stopped (`file_unavailable`). Default 60 s. */
  timeoutMs?: number;
}

// files.slack.com, a workspace's own domain and GovSlack: the only hosts the token is ever sent to.
const SLACK_FILE_HOST = /^(?:[a-z0-9-]+\.)*(?:slack\.com|slack-gov\.com)$/;
const MAX_REDIRECTS = 3;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Returns the downloader of Slack-hosted files. The token goes only to Slack's own hosts over https (or
 * to SLACK_API_URL's origin), redirects included, which are followed by hand for that reason. An answer
 * that is a web page where a file was expected is Slack's sign-in page: the token may not read files.
 */
export function createSlackFileDownloader(opts: SlackFileDownloaderOptions): SlackFileDownloader {
  const doFetch = opts.fetch ?? fetch;
  const extraOrigin = opts.apiUrl === undefined ? null : new URL(opts.apiUrl).origin;
  const isTrusted = (url: URL): boolean => (url.protocol === 'https:' && SLACK_FILE_HOST.test(url.hostname)) || url.origin === extraOrigin;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return async function* download({ url, name, mimetype, maxBytes, signal }) {
    const quoted = `"${name}"`;
    const signInError = (): BotError =>
      new BotError(
        'file_unavailable',
        `Slack answered with its sign-in page instead of ${quoted}: the bot's token may not read files. Whoever runs the bot must add the \`files:read\` scope to the Slack app and reinstall it.`,
      );
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new BotError('file_unavailable', `Slack gave an unreadable download address for ${quoted}.`);
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    const fail = (error: unknown): never => {
      if (signal.aborted) throw signal.reason;
      if (timeout.aborted) {
        const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
        throw new BotError('file_unavailable', `Downloading ${quoted} from Slack took longer than ${limit}.`, { cause: error });
      }
      if (error instanceof BotError) throw error;
      const cause = (error as { cause?: { code?: unknown } }).cause?.code;
      throw new BotError('file_unavailable', `Could not download ${quoted} from Slack (${typeof cause === 'string' ? cause : (error as Error).message}).`, { cause: error });
    };

    let response: Response | undefined;
    try {
      for (let hops = 0; response === undefined; hops += 1) {
        if (!isTrusted(target)) {
          // Never our token to another host. Slack sends a download without access to its sign-in page.
          throw hops === 0 ? new BotError('file_unavailable', `The download address of ${quoted} is not on Slack's file host, so the bot does not send its token there.`) : signInError();
        }
        const answer = await doFetch(target, { headers: { authorization: `Bearer ${opts.token}` }, redirect: 'manual', signal: both });
        const location = answer.headers.get('location');
        if (answer.status >= 300 && answer.status < 400 && location !== null) {
          await answer.body?.cancel();
          if (hops >= MAX_REDIRECTS) throw new BotError('file_unavailable', `Slack redirected the download of ${quoted} too many times.`);
          target = new URL(location, target);
          continue;
        }
        response = answer;
      }
    } catch (error) {
      fail(error);
    }
    const answer = response!;
    if (!answer.ok) {
      await answer.body?.cancel();
      throw new BotError('file_unavailable', `Slack answered HTTP ${answer.status} to the download of ${quoted}.`);
    }
    const contentType = (answer.headers.get('content-type') ?? '').toLowerCase();
    if (contentType.startsWith('text/html') && !(mimetype ?? '').toLowerCase().startsWith('text/html')) {
      await answer.body?.cancel();
      throw signInError();
    }
    const declared = Number(answer.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await answer.body?.cancel();
      throw tooLargeError(quoted, maxBytes, declared);
    }
    if (answer.body === null) return;
    let received = 0;
    try {
      // Leaving this loop (the cap, a throw downstream) cancels the body, which closes the connection.
      for await (const chunk of answer.body) {
        received += chunk.byteLength;
        if (received > maxBytes) throw tooLargeError(quoted, maxBytes, null);
        yield chunk;
      }
    } catch (error) {
      fail(error);
    }
  };
}
