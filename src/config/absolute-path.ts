import { z } from 'zod';

/** A path on the machine running the bot: starts with `/` or `~/`. */
export const AbsolutePath = z.string().min(1).refine((p) => p.startsWith('/') || p.startsWith('~/'), 'expected an absolute path');
