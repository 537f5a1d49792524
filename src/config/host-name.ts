import { z } from 'zod';

/** A host name users type in Slack and the CLI: a lowercase slug. */
export const HostName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected a slug: lowercase letters, digits, "-" and "_", at most 63 characters');
