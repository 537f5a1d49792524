import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../src/limits/clock.js';
import { createPostPacer } from '../../../src/limits/create-post-pacer.js';

describe('createPostPacer()', () => {
  it('createPostPacer() spaces posts to one channel by intervalMs, in call order', async () => {
    const clock = createManualClock(1_000);
    const pacer = createPostPacer({ intervalMs: 1_000, clock });
    const startedAt: string[] = [];
    const post = (name: string) => pacer.run('C1', async () => (startedAt.push(`${name}@${clock.now()}`), name));
    const results = Promise.all([post('a'), post('b'), post('c')]);
    await clock.advance(0);
    expect(startedAt).toEqual(['a@1000']);
    expect(pacer.queued('C1')).toBe(2);
    await clock.advance(999);
    expect(startedAt).toEqual(['a@1000']);
    await clock.advance(1);
    await clock.advance(1_000);
    expect(startedAt).toEqual(['a@1000', 'b@2000', 'c@3000']);
    expect(await results).toEqual(['a', 'b', 'c']);
  });

  it('createPostPacer() lets different channels post at the same time', async () => {
    const clock = createManualClock(0);
    const pacer = createPostPacer({ intervalMs: 1_000, clock });
    const startedAt: string[] = [];
    const posts = ['C1', 'C2', 'C3'].map((channel) => pacer.run(channel, async () => void startedAt.push(`${channel}@${clock.now()}`)));
    await clock.advance(0);
    await Promise.all(posts);
    expect(startedAt).toEqual(['C1@0', 'C2@0', 'C3@0']);
  });

  it('createPostPacer() passes a failed post to its caller and keeps pacing the next', async () => {
    const clock = createManualClock(0);
    const pacer = createPostPacer({ intervalMs: 1_000, clock });
    const failed = pacer.run('C1', async () => {
      throw new Error('not_in_channel');
    });
    const next = pacer.run('C1', async () => clock.now());
    await expect(failed).rejects.toThrow('not_in_channel');
    await clock.advance(1_000);
    expect(await next).toBe(1_000);
  });

  it('createPostPacer() does not wait when the last post to the channel is older than intervalMs', async () => {
    const clock = createManualClock(0);
    const pacer = createPostPacer({ intervalMs: 1_000, clock });
    await pacer.run('C1', async () => undefined);
    await clock.advance(5_000);
    let ran = -1;
    const post = pacer.run('C1', async () => (ran = clock.now()));
    await clock.advance(0);
    await post;
    expect(ran).toBe(5_000);
    expect(pacer.queued('C1')).toBe(0);
  });
});
