import type { HostConfig } from '../config/host-config.js';
import { runDoctor } from '../host/run-doctor.js';
import { renderDoctorMessage } from '../render/slack/doctor-blocks.js';
import { renderShutdownReply } from '../render/slack/error-blocks.js';
import type { SlackMessage } from '../render/slack/limits.js';
import type { BotDeps } from './bot-deps.js';
import type { AuditResult } from './run-audited-request.js';
import { runOnHost } from './run-on-host.js';

/**
 * Runs the doctor on one host (in the host's queue: it runs status once) and answers the requester
 * privately through `reply`: the checks name host facts (paths, uids, kernel settings), so nothing of
 * them is posted in the channel. A shutdown mid-run is said as such (not as a timeout).
 */
export async function replyDoctor(
  deps: Pick<BotDeps, 'ackGate' | 'hostQueue' | 'transports'>,
  req: { host: HostConfig; reply: (message: SlackMessage) => Promise<void> },
  signal: AbortSignal,
): Promise<AuditResult> {
  const { host } = req;
  await deps.ackGate.quiet();
  let report;
  try {
    report = await runOnHost(deps.hostQueue, host.name, () => runDoctor(deps.transports.get(host.name), host, { signal }), { signal });
  } catch (error) {
    // Stopped while waiting for the host or while running: either way the bot is going away.
    if (!signal.aborted) throw error;
    await req.reply(renderShutdownReply());
    return { outcome: 'error', errorCode: 'cancelled', hosts: [host.name] };
  }
  await req.reply(renderDoctorMessage(report));
  // The request did what it was asked; the audit line still says whether the host has problems.
  return { outcome: 'ok', hosts: [host.name], ...(report.ok ? {} : { errorCode: 'doctor_found_problems' }) };
}
