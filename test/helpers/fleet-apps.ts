import type { SshdHandle } from './sshd.js';
import { createFakeApp, type FakeApp } from './workerman-app.js';

/** The apps a fleet status must tell apart, each a fake-php start file replaying a real capture. */
export interface FleetApps {
  /** Answers at once (wm5.2.2-idle). */
  fast: FakeApp;
  /** Answers 700 ms late (wm4.0.47-busy-sleep). */
  slow: FakeApp;
  /** Says the app is not running (wm4.0.47-not-running). */
  stopped: FakeApp;
  /** Answers only after `hangMs`: past the fleet's per-host timeout, then it ends by itself. */
  hanging: FakeApp;
  /** Removes the four app directories. */
  cleanup(): Promise<void>;
}

/** Creates the four apps of a fleet status scenario; `hangMs` is how long the hanging one takes. */
export async function createFleetApps(hangMs: number): Promise<FleetApps> {
  const fast = await createFakeApp({ status: ['wm5.2.2-idle'] });
  const slow = await createFakeApp({ status: ['wm4.0.47-busy-sleep'] }, 700);
  const stopped = await createFakeApp({ status: ['wm4.0.47-not-running'] });
  const hanging = await createFakeApp({ status: ['wm5.2.2-idle'] }, hangMs);
  return { fast, slow, stopped, hanging, cleanup: async () => void (await Promise.all([fast, slow, stopped, hanging].map((a) => a.cleanup()))) };
}

/** A fleet host `name` over the loopback `sshd` (2 s to connect, `ssh` overrides) running `app`'s start file. */
export function fleetHost(sshd: SshdHandle, name: string, app: FakeApp, opts: { groups: string[]; ssh?: Record<string, unknown> }): Record<string, unknown> {
  return { name, groups: opts.groups, ssh: sshd.sshSettings({ connectTimeoutMs: 2_000, ...opts.ssh }), workerman: app.host().workerman };
}
