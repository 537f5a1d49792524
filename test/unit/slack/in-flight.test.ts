import { describe, expect, test } from 'vitest';
import { createHostQueue, type HostQueue } from '../../../src/limits/create-host-queue.js';
import { createInFlight } from '../../../src/slack/in-flight.js';

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });

describe('createInFlight()', () => {
  test('drain() waits for running work that ends within the grace period', async () => {
    const inFlight = createInFlight();
    const work = inFlight.run((signal) => sleep(50, signal).then(() => 'done'));
    expect(inFlight.size).toBe(1);
    await expect(inFlight.drain({ graceMs: 1000 })).resolves.toEqual({ finished: 1, aborted: 0 });
    await expect(work).resolves.toBe('done');
    expect(inFlight.isDraining).toBe(true);
  });

  test('drain() aborts work still running after the grace period', async () => {
    const inFlight = createInFlight();
    const work = inFlight.run((signal) => sleep(10_000, signal));
    const t0 = Date.now();
    await expect(inFlight.drain({ graceMs: 50 })).resolves.toEqual({ finished: 0, aborted: 1 });
    expect(Date.now() - t0).toBeLessThan(2000);
    await expect(work).rejects.toThrow(/shutting down/);
    expect(inFlight.size).toBe(0);
  });
});

// The bot's per-host queue is limits/create-host-queue.ts (the Slack adapter's own limiter was folded into it).
describe('createHostQueue() as the bot uses it', () => {
  const run = async <T>(queue: HostQueue, host: string, work: () => Promise<T>, onQueued?: (position: number) => void): Promise<T> => {
    const release = await queue.acquire(host, onQueued === undefined ? undefined : ({ position }) => onQueued(position));
    try {
      return await work();
    } finally {
      release();
    }
  };

  test('runs at most N commands per host at once, in order, others unaffected', async () => {
    const queue = createHostQueue(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const queued: number[] = [];
    const job = (i: number, host = 'web-1') =>
      run(
        queue,
        host,
        async () => {
          running += 1;
          peak = Math.max(peak, running);
          await sleep(20);
          order.push(i);
          running -= 1;
        },
        (position) => queued.push(position),
      );
    await Promise.all([job(1), job(2), job(3), job(4), job(5, 'web-2')]);
    expect(peak).toBe(3); // 2 on web-1 + 1 on web-2
    expect(order.indexOf(3)).toBeLessThan(order.indexOf(4));
    expect(queued).toEqual([1, 2]);
    expect(queue.stateOf('web-1')).toEqual({ running: 0, waiting: 0 });
  });

  test('frees the slot when the work throws', async () => {
    const queue = createHostQueue(1);
    await expect(run(queue, 'h', async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(run(queue, 'h', async () => 'ok')).resolves.toBe('ok');
  });

  test('a waiter whose signal aborts leaves the queue without taking a slot', async () => {
    const queue = createHostQueue(1);
    const release = await queue.acquire('h');
    const controller = new AbortController();
    const waiting = queue.acquire('h', undefined, controller.signal);
    controller.abort(new Error('the bot is shutting down'));
    await expect(waiting).rejects.toThrow(/shutting down/);
    release();
    expect(queue.stateOf('h')).toEqual({ running: 0, waiting: 0 });
  });
});
