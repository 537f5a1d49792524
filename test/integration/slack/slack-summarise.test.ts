// Issue 10 item 7, "Summarise strace log" (a message shortcut), end to end in HTTP mode: signed
// `message_action` payloads on messages whose files the Web API stand-in describes (files.info) and
// serves at `url_private_download` only with the bot token, as Slack does. A real capture gets the same
// verdict as `trace --from-file`, in the message's thread; a status capture, an oversized file, a
// message without a file and a user the rules do not allow are refused privately, each audited.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { OUTSIDER_RULE } from '../../../src/access/check-access.js';
import { main, type CliIo } from '../../../src/cli/main.js';
import { Config } from '../../../src/config/schema.js';
import { escapeMrkdwn } from '../../../src/render/slack/escape.js';
import { SHORTCUT_IDS } from '../../../src/slack/ids.js';
import type { StraceSummary } from '../../../src/strace/types.js';
import { STATUS_FIXTURES, STRACE_FIXTURES } from '../../helpers/paths.js';
import { startBotHarness, type BotHarness, type LogLine } from '../../helpers/slack-bot-harness.js';
import { sendMessageShortcut } from '../../helpers/slack-signing.js';
import { startSlackStandIn, type SlackStandIn, type StoredMessage } from '../../helpers/slack-standin.js';

const BOT_TOKEN = 'xoxb-1111-2222-summarisetoken';
const OPS = 'C0OPS0001';
const RANDOM = 'C0RANDOM1';
const SECRET_ROOM = 'G0SECRET1';
const WEBBER_DM = 'D0WEBBER1';
const ANN = 'U0ANN0001';
const WEBBER = 'U0WEB0001';
const HOSTS_ONLY = 'U0HOSTS01';
const OUTSIDER = 'U0OUT0001';
const MAX_BYTES = 200 * 1024;

const BLOCKED = 'wm5.2.2-blocked-upstream-f-tt-T-yy.txt';
const IDLE = 'wm4.1.17-idle-f-tt-T-yy.txt';
const SLEEPING = 'wm5.2.2-blocked-sleep-plain.txt';
const LOAD = 'wm4.1.17-load-f-tt-T-yy.txt';
const STATUS = 'wm5.2.2-idle.out';

const strace = (name: string): Buffer => readFileSync(join(STRACE_FIXTURES, name));

/** What `workerman-ops trace --from-file FILE --json` says about `file` (`-` with `stdin`). */
async function cliSummary(file: string, stdin = ''): Promise<StraceSummary> {
  let stdout = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: () => true, isTTY: false },
    stdin: Readable.from([stdin]),
    env: {},
    cwd: STRACE_FIXTURES,
  };
  expect(await main(['trace', '--from-file', file === '-' ? file : join(STRACE_FIXTURES, file), '--json'], io)).toBe(0);
  return JSON.parse(stdout) as StraceSummary;
}

/** Every mrkdwn and plain_text string of a message's blocks, joined. */
function blockText(message: StoredMessage | undefined): string {
  return JSON.stringify(message?.blocks ?? []);
}

describe('the "Summarise strace log" message shortcut', () => {
  let standIn: SlackStandIn;
  let h: BotHarness;
  let seq = 0;
  const responseUrl = (): string => standIn.responseUrl(`S${++seq}`);

  const use = async (message: Record<string, unknown>, who: { userId?: string; channelId?: string } = {}): Promise<Response> =>
    sendMessageShortcut(h.eventsUrl, {
      callbackId: SHORTCUT_IDS.summarise,
      responseUrl: responseUrl(),
      message,
      userId: who.userId ?? ANN,
      channelId: who.channelId ?? OPS,
    });
  /** Waits for the audit line of the use just sent (the Nth in all) and for its work to end. */
  const settle = async (lines: number): Promise<LogLine> => {
    await standIn.waitFor(() => h.auditLines.length >= lines && h.bot.inFlightCount() === 0, 20_000, `${lines} audit lines`);
    return h.auditLines[lines - 1]!;
  };
  const lastResponse = (): string => JSON.stringify(standIn.responses.at(-1)?.body ?? {});
  const botReplies = (channel: string, ts: string): StoredMessage[] => standIn.replies(channel, ts).filter((m) => m.user === 'U0BOT00001');

  beforeAll(async () => {
    const config = Config.parse({
      hosts: [{ name: 'web-1' }],
      access: {
        channels: [OPS],
        rules: [
          { name: 'web readers', commands: ['status'], hosts: ['web-1'], users: [WEBBER] },
          { name: 'inventory', commands: ['hosts'], users: [HOSTS_ONLY] },
        ],
      },
      limits: { userBurst: 1000, userPerMinute: 6000, postIntervalMs: 0, summariseMaxBytes: MAX_BYTES },
    });
    standIn = await startSlackStandIn({
      botToken: BOT_TOKEN,
      channels: [
        { id: OPS, kind: 'public', botIsMember: true },
        { id: RANDOM, kind: 'public', botIsMember: true },
        { id: SECRET_ROOM, kind: 'private', botIsMember: false },
        { id: WEBBER_DM, kind: 'im', botIsMember: true },
      ],
    });
    h = await startBotHarness(standIn, config, { botToken: BOT_TOKEN });
  });

  afterEach(() => {
    expect(standIn.violations).toEqual([]);
    expect(h.logLines.filter((l) => l['event'] === 'bolt_error' || l['event'] === 'internal_error')).toEqual([]);
  });

  afterAll(async () => {
    await h?.stop();
    await standIn?.close();
  });

  test('a real capture attached as a file: the verdict of trace --from-file, in the thread of its message, the download authorised', async () => {
    const shared = standIn.shareFile({ channel: OPS, name: BLOCKED, bytes: strace(BLOCKED), text: 'web-1 hangs on /upstream' });
    const ack = await use(shared.message);
    expect(ack.status).toBe(200);
    const audit = await settle(h.auditLines.length + 1);

    const cli = await cliSummary(BLOCKED);
    expect(cli.verdict.state).toBe('blocked');
    const [parent, ...tables] = botReplies(OPS, String(shared.message['ts']));
    expect(parent).toBeDefined();
    expect(parent!.text).toContain(`Blocked: strace of pid ${cli.pids.join(', ')} on file ${BLOCKED}`);
    expect(parent!.text).toContain(escapeMrkdwn(cli.verdict.text));
    expect(blockText(parent)).toContain(JSON.stringify(`*${escapeMrkdwn(cli.verdict.text)}*`).slice(1, -1));
    expect(blockText(parent)).toContain('asked by <@U0ANN0001>');
    expect(tables.length).toBeGreaterThan(0);
    expect(blockText(tables[0])).toContain('Syscalls');
    // Nothing at the top of the channel but the person's own message; no raw log re-uploaded.
    expect(standIn.messages(OPS).filter((m) => m.user === 'U0BOT00001')).toEqual([]);
    expect(standIn.callsOf('files.getUploadURLExternal')).toEqual([]);
    // What strace printed as arguments never reaches the channel: only the summary does.
    expect(JSON.stringify(standIn.callsOf('chat.postMessage'))).not.toContain('PING');

    expect(standIn.callsOf('files.info').at(-1)?.params['file']).toBe(shared.file.id);
    expect(shared.file.downloads).toEqual([{ authorized: true, bytesSent: strace(BLOCKED).length, isComplete: true }]);
    expect(audit).toMatchObject({ userId: ANN, channelId: OPS, command: 'summarise', host: null, via: 'shortcut', outcome: 'ok', errorCode: null, rule: 'access.channels' });
  });

  test('a snippet shared as a reply: the summary goes to the same thread, with the verdict of trace --from-file', async () => {
    const root = standIn.postUserMessage({ channel: OPS, text: 'one worker sits at 0% CPU, trace below' });
    const shared = standIn.shareFile({ channel: OPS, name: 'Untitled', mode: 'snippet', filetype: 'text', bytes: strace(IDLE), threadTs: String(root['ts']) });
    await use(shared.message);
    const audit = await settle(h.auditLines.length + 1);
    expect(audit).toMatchObject({ command: 'summarise', outcome: 'ok' });

    const cli = await cliSummary(IDLE);
    const parent = botReplies(OPS, String(root['ts']))[0];
    expect(parent?.text).toContain(`${'Idle'}: strace of pid ${cli.pids.join(', ')} on file Untitled: ${escapeMrkdwn(cli.verdict.text)}`);
    expect(shared.file.downloads.map((d) => d.authorized)).toEqual([true]);
  });

  test('a gzipped log (as the bot uploads large raw logs) is read through gunzip, with the same verdict as the plain file', async () => {
    const shared = standIn.shareFile({ channel: OPS, name: `${SLEEPING}.gz`, mimetype: 'application/gzip', filetype: 'gzip', prettyType: 'GZip', bytes: gzipSync(strace(SLEEPING)) });
    await use(shared.message);
    await settle(h.auditLines.length + 1);
    const cli = await cliSummary(SLEEPING);
    expect(cli.verdict.state).toBe('sleeping');
    expect(botReplies(OPS, String(shared.message['ts']))[0]?.text).toContain(escapeMrkdwn(cli.verdict.text));
  });

  test('a strace log pasted in a code block (no file): summarised like trace --from-file on the same text', async () => {
    const log = strace(SLEEPING).toString('utf8');
    const infoCalls = standIn.callsOf('files.info').length;
    // Slack escapes & < > in a message's text and keeps the code fence.
    const message = standIn.postUserMessage({ channel: OPS, text: `here: \`\`\`${escapeMrkdwn(log)}\`\`\`` });
    await use(message);
    const audit = await settle(h.auditLines.length + 1);
    expect(audit).toMatchObject({ outcome: 'ok' });
    const cli = await cliSummary('-', log);
    const parent = botReplies(OPS, String(message['ts']))[0];
    expect(parent?.text).toContain(`on pasted log: ${escapeMrkdwn(cli.verdict.text)}`);
    expect(standIn.callsOf('files.info').length).toBe(infoCalls);
  });

  test('a status capture is refused privately as not a strace log: nothing in the thread, audited', async () => {
    const infoCalls = standIn.callsOf('files.info').length;
    const shared = standIn.shareFile({ channel: OPS, name: 'status.out', bytes: readFileSync(join(STATUS_FIXTURES, STATUS)) });
    await use(shared.message);
    const audit = await settle(h.auditLines.length + 1);
    expect(audit).toMatchObject({ command: 'summarise', via: 'shortcut', outcome: 'error', errorCode: 'not_strace_log' });
    expect(standIn.callsOf('files.info').length).toBe(infoCalls + 1);
    expect(botReplies(OPS, String(shared.message['ts']))).toEqual([]);
    const reply = standIn.responses.at(-1)!.body;
    expect(reply['response_type']).toBe('ephemeral');
    expect(String(reply['text'])).toMatch(/^"status\.out" is not a strace log: none of its 23 lines is a strace line \(the first reads "Workerman\[start\.php\] status"\)\. \(not_strace_log\)$/);
    expect(lastResponse()).toContain('strace -f -tt -T -p PID -o trace.txt');
  });

  test('a text file with a secret on its first line: the refusal quotes it redacted, and only to the requester', async () => {
    const shared = standIn.shareFile({ channel: OPS, name: 'app.env', bytes: Buffer.from('DB_PASSWORD=Hunter2Leak\nAPP_DEBUG=false\n') });
    await use(shared.message);
    await settle(h.auditLines.length + 1);
    expect(lastResponse()).toContain('DB_PASSWORD=[REDACTED]');
    expect(JSON.stringify(standIn.responses)).not.toContain('Hunter2Leak');
    expect(JSON.stringify(standIn.callsOf('chat.postMessage'))).not.toContain('Hunter2Leak');
  });

  test('a file over limits.summariseMaxBytes is refused before any byte is downloaded, naming its size and the setting', async () => {
    const big = Buffer.concat([strace(LOAD), strace(LOAD), strace(LOAD)]);
    expect(big.length).toBeGreaterThan(MAX_BYTES);
    const shared = standIn.shareFile({ channel: OPS, name: 'big.log', bytes: big });
    await use(shared.message);
    const audit = await settle(h.auditLines.length + 1);
    expect(audit).toMatchObject({ outcome: 'error', errorCode: 'file_too_large' });
    expect(shared.file.downloads).toEqual([]);
    expect(String(standIn.responses.at(-1)!.body['text'])).toBe(
      `"big.log" is ${(big.length / 1024).toFixed(1)} KiB: the bot summarises logs of at most 200.0 KiB (\`limits.summariseMaxBytes\`), and nothing of this one was summarised. (file_too_large)`,
    );
    expect(botReplies(OPS, String(shared.message['ts']))).toEqual([]);
  });

  test('a file larger than Slack declared: the streamed download is stopped at the cap, the rest never sent', async () => {
    const total = 48 * 1024 * 1024;
    const line = Buffer.from('04:43:14.834807 fcntl(8, F_SETFL, O_RDWR) = 0 <0.000012>\n');
    const huge = Buffer.alloc(total);
    for (let at = 0; at < total; at += line.length) line.copy(huge, at);
    const shared = standIn.shareFile({ channel: OPS, name: 'growing.log', bytes: huge, declaredSize: 1000 });
    await use(shared.message);
    const audit = await settle(h.auditLines.length + 1);
    expect(audit).toMatchObject({ outcome: 'error', errorCode: 'file_too_large' });
    expect(String(standIn.responses.at(-1)!.body['text'])).toContain('"growing.log" is over 200.0 KiB');
    await standIn.waitFor(() => shared.file.downloads[0] !== undefined && shared.file.downloads[0].bytesSent > 0, 5000, 'the download');
    await new Promise((r) => setTimeout(r, 200));
    const [download] = shared.file.downloads;
    expect(download?.isComplete).toBe(false);
    // What the stand-in wrote before the bot closed the connection: the cap plus the socket buffers of
    // both ends (about 4 MB on loopback here; Linux lets them grow to about 10 MB), far from all of it.
    expect(download!.bytesSent).toBeLessThan(total / 3);
  });

  test('a message without a file or any strace line gets a clear private answer', async () => {
    const message = standIn.postUserMessage({ channel: OPS, text: 'the worker is stuck again, any idea?' });
    await use(message);
    const audit = await settle(h.auditLines.length + 1);
    expect(audit).toMatchObject({ outcome: 'error', errorCode: 'not_strace_log' });
    expect(String(standIn.responses.at(-1)!.body['text'])).toBe(
      'This message has no file attached, and its text has no strace line: there is no strace log here to summarise. (not_strace_log)',
    );
    expect(lastResponse()).toContain('attached as a text file or a snippet, or pasted in a code block');
  });

  test('an image is refused from its type, without a download', async () => {
    const shared = standIn.shareFile({ channel: OPS, name: 'graph.png', mimetype: 'image/png', filetype: 'png', prettyType: 'PNG', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
    await use(shared.message);
    await settle(h.auditLines.length + 1);
    expect(String(standIn.responses.at(-1)!.body['text'])).toBe('"graph.png" is a PNG file (image/png), not a text log: the bot summarises what strace writes. (not_strace_log)');
    expect(shared.file.downloads).toEqual([]);
  });

  test('access: summarise is open in access.channels and to whoever a rule lets read a host; others are refused before the file is read', async () => {
    // Webber's rule allows status on web-1: summarise anywhere he may use it.
    const allowed = standIn.shareFile({ channel: RANDOM, name: IDLE, bytes: strace(IDLE) });
    await use(allowed.message, { userId: WEBBER, channelId: RANDOM });
    expect(await settle(h.auditLines.length + 1)).toMatchObject({ userId: WEBBER, outcome: 'ok', rule: '"web readers" (access.rules[0])' });
    expect(botReplies(RANDOM, String(allowed.message['ts']))).toHaveLength(2);

    const infoCalls = standIn.callsOf('files.info').length;
    const outsiders = standIn.shareFile({ channel: RANDOM, name: IDLE, bytes: strace(IDLE) });
    await use(outsiders.message, { userId: OUTSIDER, channelId: RANDOM });
    expect(await settle(h.auditLines.length + 1)).toMatchObject({ userId: OUTSIDER, command: 'summarise', outcome: 'denied', errorCode: 'access_denied', rule: OUTSIDER_RULE });
    expect(String(standIn.responses.at(-1)!.body['text'])).toContain('You are not allowed to use this bot here');

    // Past the screen (a rule lists them), but only for `hosts`: told what summarise needs.
    await use(outsiders.message, { userId: HOSTS_ONLY, channelId: RANDOM });
    expect(await settle(h.auditLines.length + 1)).toMatchObject({ userId: HOSTS_ONLY, outcome: 'denied', rule: 'default: access.channels' });
    expect(String(standIn.responses.at(-1)!.body['text'])).toContain(
      '`summarise` is not allowed here: summarising a strace log is allowed in the channels listed in `access.channels` and to whoever a rule in `access.rules` allows `status`, `connections`, `trace` or `summarise`',
    );

    expect(standIn.callsOf('files.info').length).toBe(infoCalls);
    expect(outsiders.file.downloads).toEqual([]);
    expect(botReplies(RANDOM, String(outsiders.message['ts']))).toEqual([]);
  });

  test('in a DM with the bot: the file is read and the summary goes to the thread there', async () => {
    const shared = standIn.shareFile({ channel: WEBBER_DM, user: WEBBER, name: IDLE, bytes: strace(IDLE) });
    await use(shared.message, { userId: WEBBER, channelId: WEBBER_DM });
    expect(await settle(h.auditLines.length + 1)).toMatchObject({ userId: WEBBER, channelId: WEBBER_DM, outcome: 'ok' });
    const cli = await cliSummary(IDLE);
    expect(botReplies(WEBBER_DM, String(shared.message['ts']))[0]?.text).toContain(escapeMrkdwn(cli.verdict.text));
  });

  test('a file the bot cannot see (a private channel it is not in): it asks to be invited', async () => {
    const shared = standIn.shareFile({ channel: SECRET_ROOM, name: IDLE, bytes: strace(IDLE) });
    // The private channel is no access channel: Webber's rule lets him use the bot there.
    await use(shared.message, { userId: WEBBER, channelId: SECRET_ROOM });
    expect(await settle(h.auditLines.length + 1)).toMatchObject({ outcome: 'error', errorCode: 'file_unavailable' });
    expect(String(standIn.responses.at(-1)!.body['text'])).toContain(`The bot cannot see "${IDLE}": invite it to this conversation`);
  });

  test('without the files:read scope (missing_scope): whoever runs the bot is told to add it and reinstall', async () => {
    const shared = standIn.shareFile({ channel: OPS, name: IDLE, bytes: strace(IDLE) });
    standIn.fail('files.info', 'missing_scope');
    await use(shared.message);
    expect(await settle(h.auditLines.length + 1)).toMatchObject({ outcome: 'error', errorCode: 'file_unavailable' });
    expect(String(standIn.responses.at(-1)!.body['text'])).toContain('must add the `files:read` scope to the Slack app and reinstall it');
  });

  test('the stand-in serves url_private_download only with the bot token, as Slack does (else its sign-in page)', async () => {
    const shared = standIn.shareFile({ channel: OPS, name: IDLE, bytes: strace(IDLE) });
    const url = String(shared.file.object['url_private_download']);
    const anonymous = await fetch(url);
    expect(anonymous.headers.get('content-type')).toContain('text/html');
    expect(await anonymous.text()).toContain('Sign in');
    const withToken = await fetch(url, { headers: { authorization: `Bearer ${BOT_TOKEN}` } });
    expect(Buffer.from(await withToken.arrayBuffer()).equals(strace(IDLE))).toBe(true);
    expect(shared.file.downloads.map((d) => d.authorized)).toEqual([false, true]);
  });
});
