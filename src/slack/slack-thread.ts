import type { Readable } from 'node:stream';
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { BotErrorCode } from '../errors.js';
import type { FailedRequest } from '../render/slack/error-blocks.js';
import type { SlackMessage, ThreadGaps } from '../render/slack/limits.js';
import type { BotDeps } from './bot-deps.js';

// The shape of a thread; thread.ts opens one, create-thread.ts makes its methods.

/** What posting a request's answer came to (for the audit line). */
export interface PostOutcome {
  outcome: 'ok' | 'error' | 'not_in_channel' | 'cancelled';
  errorCode?: BotErrorCode | string;
}

/** Where a request came from and who asked: what a thread is opened for. */
export interface ThreadRequest {
  client: WebClient;
  respond: RespondFn;
  channelId: string;
  userId: string;
  /** Set for a refresh: the parent is posted as a reply in this thread, and its replies go there too. */
  threadTs?: string;
}

/** How a reply or an upload went: Slack's error code (or ours, e.g. `file_too_large`) when it did not arrive. */
export type StepResult = { ok: true } | { ok: false; error: string };

/** A file for the thread, read once from a stream. */
export interface ThreadFile {
  filename: string;
  title: string;
  from: Readable;
  /** Compress on the way (zlib's thread pool, never the event loop). */
  gzip: boolean;
  /** What it is, for the note when it cannot be attached ("the raw log"); written by the caller. */
  what: string;
  /** Description of an image for screen readers (files.uploadV2 `alt_text`); plain text, at most 1000 characters. */
  altText?: string;
}

/** The one way the bot posts a request's answer: a parent message and its thread. */
export interface SlackThread {
  /** The parent message; null when the bot cannot post in the channel (then only `tell` reaches anyone). */
  readonly parent: { channel: string; ts: string } | null;
  /** `not_in_channel` / `channel_not_found` when the parent could not be posted, else null. */
  readonly cannotPost: string | null;
  /** What did not reach the thread so far (failed replies and uploads). */
  readonly gaps: ThreadGaps;
  /**
   * Replaces the parent (`parse: 'none'`, fallback text always set); when Slack refuses the blocks (e.g.
   * `invalid_blocks` for a block type this workspace does not take), `fallback` when given, then the
   * text alone with `fallbackNote`. Waits for a `show` in flight, and `show` is ignored from then on.
   */
  update(message: SlackMessage, opts?: { fallback?: SlackMessage; fallbackNote?: string }): Promise<boolean>;
  /**
   * Shows a passing state (waiting, progress) without waiting: one update in flight, the latest wins; it
   * is skipped when the workspace's update budget has no room for progress (poster.update).
   */
  show(message: SlackMessage): void;
  /** Posts a reply in the thread; a refused one is said in the thread and counted in `gaps`. */
  reply(message: SlackMessage): Promise<StepResult>;
  /** Attaches a file in the thread; one that cannot be attached is said in the thread and counted in `gaps`. */
  upload(file: ThreadFile): Promise<StepResult>;
  /** Answers the requester privately; where the bot cannot post, led by the /invite hint. */
  tell(message: SlackMessage): Promise<boolean>;
  /** Opens the requester's DM with the bot with `root` as its first message: a thread there, or Slack's error code. */
  openDm(root: SlackMessage): Promise<SlackThread | { error: string }>;
  /**
   * Ends a request that failed: the message (which may quote the host) to the requester only, the
   * outcome and code to the parent. Stopped by a shutdown (`signal` aborted), it says exactly that.
   */
  fail(error: unknown, failed: FailedRequest, signal: AbortSignal, opts?: { retryActionId?: string }): Promise<PostOutcome>;
  /**
   * Ends a request that ran: when a reply or an upload did not arrive (or `always`), updates the parent
   * with `render(gaps)` so it never claims what is missing.
   */
  finish(render: (gaps: ThreadGaps) => SlackMessage, opts?: { always?: boolean; fallback?: (gaps: ThreadGaps) => SlackMessage }): Promise<PostOutcome>;
}

/** What a thread needs from the bot: the ack gate, the logger and the poster. */
export type ThreadDeps = Pick<BotDeps, 'ackGate' | 'logger' | 'poster'>;

/** A thread no request asked for (a watch alert): its parent, updates and replies; nobody to tell privately. */
export type ChannelThread = Pick<SlackThread, 'parent' | 'gaps' | 'update' | 'reply'>;
