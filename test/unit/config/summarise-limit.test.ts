import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/config/schema.js';

describe('limits.summariseMaxBytes', () => {
  it('Config defaults limits.summariseMaxBytes to 8 MiB, with or without a limits section', () => {
    expect(Config.parse({}).limits.summariseMaxBytes).toBe(8 * 1024 * 1024);
    expect(Config.parse({ limits: { userBurst: 3 } }).limits.summariseMaxBytes).toBe(8 * 1024 * 1024);
  });

  it('Config takes 1 KiB to 256 MiB and refuses anything else, naming the setting', () => {
    expect(Config.parse({ limits: { summariseMaxBytes: 1024 } }).limits.summariseMaxBytes).toBe(1024);
    for (const bad of [1023, 256 * 1024 * 1024 + 1, 1.5, '8MB']) {
      const result = Config.safeParse({ limits: { summariseMaxBytes: bad } });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['limits', 'summariseMaxBytes']);
    }
  });
});
