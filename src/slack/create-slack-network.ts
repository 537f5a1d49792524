import { EnvHttpProxyAgent } from 'undici';
import type { SlackEnv } from '../config/slack-env.js';

/** How the bot reaches Slack: Web API calls, response_url posts, uploads and the Socket Mode WebSocket. */
export interface SlackNetwork {
  /** For WebClientOptions.fetch (Bolt's respond() uses it too); undefined: Node's own fetch, direct. */
  fetch: typeof fetch | undefined;
  /** For the Socket Mode WebSocket; undefined: the SDK's own direct connection. */
  dispatcher: EnvHttpProxyAgent | undefined;
  /** The proxy as it may be shown (user and password removed), for messages; null when direct. */
  proxyShown: string | null;
  close(): Promise<void>;
}

/**
 * Returns the network the bot uses for Slack: direct when no proxy is set (nothing changes), else one
 * undici EnvHttpProxyAgent (already in the tree: @slack/socket-mode's WebSocket needs undici) that sends
 * https:// URLs through HTTPS_PROXY (else HTTP_PROXY), http:// ones through HTTP_PROXY, and hosts in
 * NO_PROXY direct, tunnelling with CONNECT. The values come from loadSlackEnv, never from process.env here.
 */
export function createSlackNetwork(proxy: SlackEnv['proxy']): SlackNetwork {
  if (proxy === undefined) return { fetch: undefined, dispatcher: undefined, proxyShown: null, close: async () => {} };
  // Empty strings, not undefined: undici would otherwise fall back to process.env itself.
  const dispatcher = new EnvHttpProxyAgent({ httpProxy: proxy.httpProxy ?? '', httpsProxy: proxy.httpsProxy ?? '', noProxy: proxy.noProxy });
  // Node's fetch takes an undici dispatcher (Node docs, "Custom dispatcher"). Node's fetch, not undici's:
  // web-api sends uploads as Node's FormData, which undici 7's fetch would send as "[object FormData]".
  const viaProxy = ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    // The cast: @types/node types the option with its own copy of undici's types (undici-types).
    fetch(input, { ...init, dispatcher } as unknown as RequestInit)) as typeof fetch;
  return {
    fetch: viaProxy,
    dispatcher,
    proxyShown: showProxy(proxy.httpsProxy ?? proxy.httpProxy),
    close: () => dispatcher.close(),
  };
}

/** `http://user:secret@proxy:3128` → `http://proxy:3128`: a proxy password never reaches a message or log. */
export function showProxy(url: string | undefined): string | null {
  if (url === undefined) return null;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(the configured proxy)';
  }
}
