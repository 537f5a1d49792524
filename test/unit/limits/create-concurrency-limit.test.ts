import { describe, expect, it } from 'vitest';
import { createConcurrencyLimit } from '../../../src/limits/create-concurrency-limit.js';
import { createHostQueue } from '../../../src/limits/create-host-queue.js';
import { createTraceCap } from '../../../src/limits/create-trace-cap.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('createConcurrencyLimit()', () => {
  it('createConcurrencyLimit() grants slots up to the limit, then queues in FIFO order', async () => {
    const limit = createConcurrencyLimit(2);
    const order: string[] = [];
    const a = await limit.acquire();
    const b = await limit.acquire();
    const queued: unknown[] = [];
    const c = limit.acquire((state) => queued.push(['c', state])).then((release) => (order.push('c'), release));
    const d = limit.acquire((state) => queued.push(['d', state])).then((release) => (order.push('d'), release));
    await tick();
    expect(queued).toEqual([
      ['c', { position: 1, running: 2 }],
      ['d', { position: 2, running: 2 }],
    ]);
    expect([limit.running, limit.waiting]).toEqual([2, 2]);
    b();
    b(); // idempotent: a double release must not free two slots
    await tick();
    expect(order).toEqual(['c']);
    expect([limit.running, limit.waiting]).toEqual([2, 1]);
    a();
    (await c)();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect([limit.running, limit.waiting]).toEqual([0, 0]);
  });

  it('createConcurrencyLimit() removes an aborted waiter from the queue', async () => {
    const limit = createConcurrencyLimit(1);
    const first = await limit.acquire();
    const controller = new AbortController();
    const waiting = limit.acquire(undefined, controller.signal);
    const next = limit.acquire();
    controller.abort(new Error('user cancelled'));
    await expect(waiting).rejects.toThrow('user cancelled');
    expect(limit.waiting).toBe(1);
    first();
    (await next)();
    expect(limit.running).toBe(0);
  });

  it('createConcurrencyLimit() tryAcquire() does not jump the queue', async () => {
    const limit = createConcurrencyLimit(1);
    const first = limit.tryAcquire();
    expect(first).not.toBeNull();
    expect(limit.tryAcquire()).toBeNull();
    const queued = limit.acquire();
    first!();
    expect(limit.tryAcquire()).toBeNull();
    (await queued)();
    expect(limit.tryAcquire()).not.toBeNull();
  });

  it('createConcurrencyLimit() rejects a limit below 1', () => {
    expect(() => createConcurrencyLimit(0)).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });
});

describe('createHostQueue()', () => {
  it('createHostQueue() queues per host with a visible waiting state and keeps hosts independent', async () => {
    const queue = createHostQueue((host) => (host === 'big' ? 2 : 1));
    const web = await queue.acquire('web-1');
    const waitingFor: string[] = [];
    const second = queue.acquire('web-1', ({ position, running }) => waitingFor.push(`web-1: #${position} behind ${running}`));
    const other = await queue.acquire('web-2');
    await queue.acquire('big');
    await queue.acquire('big');
    await tick();
    expect(waitingFor).toEqual(['web-1: #1 behind 1']);
    expect(queue.stateOf('web-1')).toEqual({ running: 1, waiting: 1 });
    expect(queue.stateOf('big')).toEqual({ running: 2, waiting: 0 });
    web();
    const release = await second;
    expect(queue.stateOf('web-1')).toEqual({ running: 1, waiting: 0 });
    release();
    other();
    expect(queue.stateOf('web-1')).toEqual({ running: 0, waiting: 0 });
    expect(queue.stateOf('never-seen')).toEqual({ running: 0, waiting: 0 });
  });
});

describe('createTraceCap()', () => {
  it('createTraceCap() refuses a trace beyond the cap with trace_busy, and frees the slot on release', () => {
    const cap = createTraceCap(2);
    const a = cap.acquireNow();
    cap.acquireNow();
    expect(() => cap.acquireNow()).toThrow(expect.objectContaining({ code: 'trace_busy', message: expect.stringContaining('2 traces are already running') }));
    a();
    expect(() => cap.acquireNow()).not.toThrow();
    expect(cap.running).toBe(2);
  });

  it('createTraceCap() acquire() waits for a free slot instead', async () => {
    const cap = createTraceCap(1);
    const a = await cap.acquire();
    let waited = false;
    const b = cap.acquire(() => (waited = true));
    a();
    (await b)();
    expect(waited).toBe(true);
    expect(cap.running).toBe(0);
  });
});
