import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/audit/audit-line.js';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { requireAuditTrail } from '../../../src/audit/require-audit-trail.js';
import { errorOf } from '../../helpers/bot-error.js';

const entry: AuditEntry = { userId: 'UALICE', channelId: 'COPS', command: 'status', host: 'web-1', startedAt: 0, durationMs: 1, outcome: 'ok' };

function failingTrail(code: string) {
  const state = { isFailing: false, lines: [] as string[] };
  const audit = createAuditLog(
    {
      write: (line) => {
        if (state.isFailing) throw Object.assign(new Error(code), { code });
        state.lines.push(line);
      },
    },
    { onUnwritten: () => undefined },
  );
  return { state, audit };
}

describe('requireAuditTrail()', () => {
  it('requireAuditTrail() lets a privileged command run while the trail is writable', () => {
    const { audit } = failingTrail('ENOSPC');
    expect(() => requireAuditTrail(audit, { isRequired: true, command: 'trace' })).not.toThrow();
  });

  it('requireAuditTrail() refuses with audit_unavailable while the trail cannot be written', async () => {
    const { state, audit } = failingTrail('ENOSPC');
    state.isFailing = true;
    audit.record(entry);
    const error = await errorOf(Promise.resolve().then(() => requireAuditTrail(audit, { isRequired: true, command: 'trace' })));
    expect(error.code).toBe('audit_unavailable');
    expect(error.message).toMatchInlineSnapshot(
      `"\`trace\` is refused for now: the bot cannot write its audit trail because its disk is full (ENOSPC), and commands with side effects only run when they can be audited. \`status\` still works."`,
    );
    const other = failingTrail('EIO');
    other.state.isFailing = true;
    other.audit.record(entry);
    expect(() => requireAuditTrail(other.audit, { isRequired: true, command: 'trace' })).toThrow(/writing it fails \(EIO\)/);
  });

  it('requireAuditTrail() retries the backlog first: once the disk has space the command runs', () => {
    const { state, audit } = failingTrail('ENOSPC');
    state.isFailing = true;
    audit.record(entry);
    state.isFailing = false;
    expect(() => requireAuditTrail(audit, { isRequired: true, command: 'trace' })).not.toThrow();
    expect(state.lines).toHaveLength(1);
    expect(audit.health().isWritable).toBe(true);
  });

  it('requireAuditTrail() allows the command when the config does not require a trail', () => {
    const { state, audit } = failingTrail('ENOSPC');
    state.isFailing = true;
    audit.record(entry);
    expect(() => requireAuditTrail(audit, { isRequired: false, command: 'trace' })).not.toThrow();
    expect(audit.health().isWritable).toBe(false);
  });
});
