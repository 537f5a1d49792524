import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSyscallScratch, type StraceEvent } from '../../../src/strace/events.js';
import { parseStraceLineReusing } from '../../../src/strace/parse-line.js';
import { parseOtherLineBytes } from '../../../src/strace/parse-bytes-other.js';
import { parseStraceLineBytes } from '../../../src/strace/parse-line-bytes.js';
import { createStraceSummarizer, summarizeStrace, summarizeStraceChunksWithDetails } from '../../../src/strace/summarize.js';
import { LineSplitter } from '../../../src/transport/line-splitter.js';
import { linesOf, loadSeedStrace, loadStraceFixtures } from './fixture-helpers.js';

const fixtures = loadStraceFixtures();
const seed = loadSeedStrace();
const allTexts = [...fixtures.map((f) => ({ name: f.name, text: f.text })), { name: 'seed', text: seed.text }];

/** The string parser's answer for a line, copied out of its scratch object. */
function viaString(line: string): StraceEvent | undefined {
  const ev = parseStraceLineReusing(line, createSyscallScratch());
  return ev === undefined ? undefined : { ...ev };
}

/** Every distinct line of the fixtures and the seed: what the generated lines below are made of. */
const fixtureLines = [...new Set(allTexts.flatMap(({ text }) => linesOf(text)).filter((l) => l.length > 0))];
const fixtureLine = fc.constantFrom(...fixtureLines);
/** Characters a change may put into a line: structure, digits, letters, a multi-byte one (no line breaks). */
const someChar = fc.constantFrom(' ', '(', ')', '<', '>', '-', '=', '.', ':', ',', '[', ']', '"', '?', '0', '7', '9', 'a', 'x', 'E', '_', 'é', '€');

/**
 * A fixture line as a real trace may differ from it: as is, cut anywhere (a cut line or file), spliced
 * with another at any points (lines glued by strace), a character inserted or replaced, or every
 * number in it replaced (other pids, fds, times, return values, durations).
 */
const changedFixtureLine = fc.oneof(
  fixtureLine,
  fc.tuple(fixtureLine, fc.nat()).map(([l, n]) => l.slice(0, n % (l.length + 1))),
  fc.tuple(fixtureLine, fixtureLine, fc.nat(), fc.nat()).map(([a, b, i, j]) => a.slice(0, i % (a.length + 1)) + b.slice(j % (b.length + 1))),
  fc.tuple(fixtureLine, fc.nat(), someChar).map(([l, i, c]) => {
    const k = i % (l.length + 1);
    return l.slice(0, k) + c + l.slice(k);
  }),
  fc.tuple(fixtureLine, fc.nat(), someChar).map(([l, i, c]) => {
    const k = i % (l.length + 1);
    return l.slice(0, k) + c + l.slice(k + 1);
  }),
  fc.tuple(fixtureLine, fc.array(fc.oneof(fc.nat(), fc.constantFrom(0, 1, 9, 10, 99, 1023, 1024, 4096, 2 ** 31, 2 ** 53)), { minLength: 1, maxLength: 12 })).map(([l, ns]) => {
    let k = 0;
    return l.replace(/\d+/g, () => String(ns[k++ % ns.length]));
  }),
);

/** Bytes around the line that a read past either end of its range would pick up. */
const SURROUNDINGS: [string, string][] = [
  ['', ''],
  ['08:00:00.000001 write(9, "x", 1) = 1 <0.000001>\n', '9) = 5 <0.000100>\n[pid 7] read(3<TCP:[1->2]>, "", 1) = 0\n'],
  ['[pid 1] 1795668202.473610 ', ' EAGAIN (x) <0.000100>'],
  [' <12.5> ', '5> ) = 7'],
  ['<', '.5>'],
];

/**
 * The byte parser's answer for a line placed inside larger buffers; all placements must agree (a
 * read outside the range would make one of them differ).
 */
function viaBytes(line: string): StraceEvent | null {
  const body = Buffer.from(line, 'utf8');
  let first: StraceEvent | null | undefined;
  for (const [b, a] of SURROUNDINGS) {
    const before = Buffer.from(b, 'utf8');
    const buf = Buffer.concat([before, body, Buffer.from(a, 'utf8')]);
    const ev = parseStraceLineBytes(buf, before.length, before.length + body.length, createSyscallScratch());
    const copy = ev === null ? null : { ...ev };
    if (first === undefined) first = copy;
    else expect(copy, `${JSON.stringify(b)} + line + ${JSON.stringify(a)}`).toEqual(first);
  }
  return first ?? null;
}

async function* chunksOf(buf: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe('parseStraceLineBytes()', () => {
  it('gives the string parser\'s event for every line of every fixture it accepts', () => {
    let accepted = 0;
    let total = 0;
    for (const { text } of allTexts) {
      for (const line of linesOf(text)) {
        if (line.length === 0) continue;
        total++;
        const fast = viaBytes(line);
        if (fast === null) continue;
        accepted++;
        expect(fast, line).toEqual(viaString(line));
      }
    }
    // Most lines are plain syscall lines: the fast path must take them, or it is not a fast path.
    expect(accepted / total).toBeGreaterThan(0.6);
  });

  it('agrees with the string parser on every cut of syscall lines (truncated lines, cut files)', () => {
    const samples = [
      '[pid 22098] 04:44:58.945271 recvfrom(7<TCP:[127.0.0.1:18700->127.0.0.1:38986]>, "GET /", 87380, 0, NULL, NULL) = 84 <0.000092>',
      '1795668202.473610 epoll_wait(4<anon_inode:[eventpoll]>, [], 32, 4004) = -1 EINTR (Interrupted system call) <0.001>',
      '04:43:14 mmap(NULL, 2101248, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f1e2a400000',
      '[pid  4021] write(1</srv/wm/run/résumé.log>, "ok", 2)    = 2',
      'read(12<TCP:[10.0.0.5:51234->10.0.0.9:3306]>,  <unfinished ...>',
      'sendto(8, "x", 1, 0, NULL, 0) = -1 EAGAIN (Recurso temporariamente indisponível)',
      'exit_group(0)                           = ?',
      'lseek(3, 0, SEEK_CUR) = 0x10 <0.000004>',
      '04:47:14.565467 openat(AT_FDCWD</srv/wm>, "/srv/wm/é.php", O_RDONLY) = 9</srv/wm/é.php> <0.000040>',
      'accept4(5<TCP:[0.0.0.0:80]>, NULL, NULL, SOCK_CLOEXEC) = 8<TCP:[127.0.0.1:80->127.0.0.1:5]>',
    ];
    for (const line of samples) {
      for (let cut = 1; cut <= line.length; cut++) {
        const part = line.slice(0, cut);
        const fast = viaBytes(part);
        if (fast !== null) expect(fast, part).toEqual(viaString(part));
      }
    }
  });

  it('agrees with the string parser on generated syscall-shaped lines', () => {
    const opt = (arb: fc.Arbitrary<string>) => fc.oneof(fc.constant(''), arb);
    const digits = fc.stringMatching(/^[0-9]{0,20}$/);
    const junk = fc.constantFrom('', ' ', '<', '>', '.', '-', '=', ')', ' = ', 'x', '€', ' <', '0x', 'E');
    const line = fc
      .tuple(
        opt(fc.constantFrom('[pid 12] ', '[pid  4021] ', '[pid ]', '[pid 1]')),
        opt(fc.tuple(digits, fc.constantFrom(':', '.', ''), digits, fc.constantFrom(':', ''), digits, fc.constantFrom('.', ''), digits, fc.constantFrom(' ', '')).map((p) => p.join(''))),
        fc.constantFrom('read', 'write', 'epoll_wait', 'close', 'nanosleep', 'mmap', 'x', '_llseek', 'rt_sigreturn', 'Read'),
        fc.constantFrom('(', ' (', ''),
        opt(fc.tuple(digits, opt(fc.constantFrom('<TCP:[1.2.3.4:5->6.7.8.9:10]>', '<pipe:[1]>', '</a/é>', '<a-', '<a->b', '<>')), fc.constantFrom(', ', ')', '}', ' ', '')).map((p) => p.join(''))),
        opt(fc.constantFrom('"GET / HTTP/1.1\\r\\n"', '[]', '[{events=EPOLLIN}]', '0', 'NULL')),
        fc.constantFrom(')', ') ', '', ')        '),
        opt(fc.constantFrom(' = ', '= ', ' =', ' = ?')),
        opt(fc.tuple(fc.constantFrom('', '-', '0x', '-0x'), fc.stringMatching(/^[0-9a-fA-F]{0,18}$/)).map((p) => p.join(''))),
        opt(fc.constantFrom('<TCP:[46583]>', '</srv/wm/a b.php>', '<x->y>', '<a-', '<>', '<')),
        opt(fc.constantFrom(' EAGAIN', ' EINTR (Interrupted system call)', ' ERESTART_RESTARTBLOCK (Interrupted by signal)', ' E', ' Eagain')),
        opt(fc.tuple(fc.constantFrom(' <', '<', ' '), digits, fc.constantFrom('.', ''), digits, fc.constantFrom('>', '')).map((p) => p.join(''))),
        opt(fc.constantFrom(' <unfinished ...>', ' <detached ...>', 'unfinished ...>')),
        junk,
      )
      .map((p) => p.join(''));
    fc.assert(
      fc.property(line, (l) => {
        if (l.length === 0) return;
        const fast = viaBytes(l);
        if (fast !== null) expect(fast).toEqual(viaString(l));
      }),
      { numRuns: 20000 },
    );
  });

  it('agrees with the string parser on generated lines', () => {
    const piece = fc.constantFrom(
      '[pid ', '[pid 12] ', '12', '04:43:14', '.827339', ' ', '1795668202.473610 ', 'read', 'write', 'epoll_wait', 'poll',
      'connect', '(', ')', '<', '>', '->', 'TCP:[', ']', '1.2.3.4:80', ', ', ' = ', '-1', '0x7f', 'ffffffffffffffff', ' EAGAIN',
      ' (desc)', ' <0.000123>', '<0.5>', ' <unfinished ...>', ' <detached ...>', ' attached', '"€ x"', '?', 'strace: ', ' E',
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 14 }), (parts) => {
        const line = parts.join('');
        const fast = viaBytes(line);
        if (fast !== null) expect(fast).toEqual(viaString(line));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the string parser on fixture lines cut, spliced, and changed byte by byte', () => {
    fc.assert(
      fc.property(changedFixtureLine, (line) => {
        if (line.length === 0) return;
        const fast = viaBytes(line);
        if (fast !== null) expect(fast, line).toEqual(viaString(line));
      }),
      { numRuns: 30000 },
    );
  });

  it('leaves lines it does not read fully to the string parser', () => {
    for (const line of [
      '<... read resumed>"x", 1) = 1',
      '--- SIGUSR2 {si_signo=SIGUSR2} ---',
      '+++ exited with 0 +++',
      'strace: Process 1 attached',
      'poll([{fd=3, events=POLLIN}], 1, 1000) = 0 (Timeout)',
      'connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("1.2.3.4")}, 16) = 0',
      'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLDstrace: Process 22098 attached',
      '% time     seconds  usecs/call     calls    errors syscall',
    ]) {
      expect(viaBytes(line), line).toBeNull();
    }
  });
});

/** parseOtherLineBytes' answer for a line placed inside larger buffers; all placements must agree. */
function otherViaBytes(line: string): StraceEvent | null {
  const body = Buffer.from(line, 'utf8');
  let first: StraceEvent | null | undefined;
  for (const [b, a] of [...SURROUNDINGS, ['strace: Process 1 attached\n', '']] as [string, string][]) {
    const before = Buffer.from(b, 'utf8');
    const buf = Buffer.concat([before, body, Buffer.from(a, 'utf8')]);
    const ev = parseOtherLineBytes(buf, before.length, before.length + body.length);
    if (first === undefined) first = ev;
    else expect(ev, `${JSON.stringify(b)} + line + ${JSON.stringify(a)}`).toEqual(first);
  }
  return first ?? null;
}

describe('parseOtherLineBytes()', () => {
  it("gives the string parser's event for every fixture line it accepts, and takes attach, detach, signal, cut and resumed lines", () => {
    const taken = new Set<string>();
    for (const line of fixtureLines) {
      const fast = otherViaBytes(line);
      if (fast === null) continue;
      taken.add(fast.kind === 'split' ? `split-${fast.message.kind}` : fast.kind);
      expect(fast, line).toEqual(viaString(line));
    }
    expect([...taken].sort()).toEqual(['attach', 'detach', 'resumed', 'signal', 'split-attach', 'split-detach']);
  });

  it('agrees with the string parser on fixture lines cut, spliced, and changed byte by byte', () => {
    fc.assert(
      fc.property(changedFixtureLine, (line) => {
        if (line.length === 0) return;
        const fast = otherViaBytes(line);
        if (fast !== null) expect(fast, line).toEqual(viaString(line));
      }),
      { numRuns: 30000 },
    );
  });

  it('leaves every other line to the string parser', () => {
    for (const line of [
      'strace: attach: ptrace(PTRACE_SEIZE, 1): Operation not permitted',
      'strace: Process 12 resumed',
      '--- stopped by SIGSTOP ---',
      '--- SIGCHLDé {si_signo=SIGCHLD} ---',
      '+++ exited with 0 +++',
      '<... é resumed>"x", 1) = 1',
      '<... read resumed>"x", 1) = 0xffffffffffffffff',
      'read(3, "abc", 3) = 3 attached',
      'clone(child_stack=NULL strace: Process 12 stopped',
      '[pid 7] strace: Process 12 attached',
    ]) {
      expect(otherViaBytes(line), line).toBeNull();
    }
  });
});

describe('summarizeStraceChunks() on bytes', () => {
  for (const { name, text } of allTexts) {
    it(`${name}: odd chunk sizes and CRLF line ends give the same summary as whole lines`, async () => {
      const opts = { durationMs: 3000, host: 'web-1' };
      const whole = await summarizeStrace(linesOf(text), opts);
      for (const [body, size] of [
        [text, 3],
        [text, 333],
        [text, 65536],
        [text.replace(/\n/g, '\r\n'), 2],
        [text.replace(/\n/g, '\r\n'), 4096],
      ] as const) {
        const { summary, details } = await summarizeStraceChunksWithDetails(chunksOf(Buffer.from(body, 'utf8'), size), opts);
        expect(summary).toEqual(whole);
        expect(details.overlongLines).toBe(0);
      }
    });
  }

  it('gives the summary and details of the string path for any mix of changed fixture lines, in any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(changedFixtureLine, { maxLength: 80 }), fc.integer({ min: 1, max: 300 }), fc.boolean(), async (lines, size, crlf) => {
        const opts = { durationMs: 2000, pids: [21134] };
        const reference = createStraceSummarizer(opts);
        for (const line of lines) reference.push(line);
        const expected = { summary: reference.finish(), details: reference.details() };
        const text = lines.map((l) => (crlf ? `${l}\r\n` : `${l}\n`)).join('');
        const got = await summarizeStraceChunksWithDetails(chunksOf(Buffer.from(text, 'utf8'), size), opts);
        expect(got).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('cuts and counts lines like LineSplitter does, measured in characters, not bytes', async () => {
    const maxLineLength = 60;
    // 40 characters of 3 bytes each: 120 bytes, but not overlong.
    const wide = `write(1, "${'€'.repeat(40)}", 120) = 120`;
    const long = `write(1, "${'x'.repeat(500)}", 500) = 500`;
    const text = [...linesOf(fixtures.find((f) => f.name === 'wm5.2.2-blocked-upstream-f-tt-T-yy')?.text ?? ''), wide, long, wide].join('\n') + '\n';
    const reference = createStraceSummarizer();
    const splitter = new LineSplitter(maxLineLength);
    for (const line of [...splitter.push(text), ...splitter.end()]) reference.push(line);
    const expected = reference.finish();
    expect(splitter.overlongLines).toBeGreaterThan(1);
    for (const size of [1, 7, 50, 4096]) {
      const { summary, details } = await summarizeStraceChunksWithDetails(chunksOf(Buffer.from(text, 'utf8'), size), { maxLineLength });
      expect(details.overlongLines).toBe(splitter.overlongLines);
      expect(summary).toEqual(expected);
    }
  });

  it('reads a last line without a newline, and string chunks', async () => {
    const text = 'epoll_wait(4, [], 32, 2040) = 0\nread(5, "é", 2) = 2';
    async function* strings() {
      yield text.slice(0, 20);
      yield text.slice(20);
    }
    const { summary } = await summarizeStraceChunksWithDetails(strings());
    expect(summary.syscallCount).toBe(2);
    expect(summary.fds.find((f) => f.fd === 5)?.bytesRead).toBe(2);
  });
});
