import { expect } from 'vitest';
import { BotError } from '../../src/errors.js';

/** Returns the BotError `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function errorOf(promise: Promise<unknown>): Promise<BotError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BotError);
  return error as BotError;
}

/** Returns the BotError `fn` throws; rethrows anything else and fails the test if it returns. */
export function thrownBotError(fn: () => unknown): BotError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BotError) return error;
    throw error;
  }
  throw new Error('expected a BotError, got a result');
}
