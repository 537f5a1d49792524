import { createSlackApp, type SlackAppDeps } from './app.js';

export interface ServeDeps extends SlackAppDeps {
  /** Install SIGTERM/SIGINT handlers that stop the bot and exit. Default true (tests pass false). */
  handleSignals?: boolean;
  /**
   * Ends the process after a signal-initiated stop. Injected so tests never exit; the default exits
   * because the signal handlers replace Node's default of dying on SIGTERM/SIGINT.
   */
  exit?: (code: number) => void;
}

/** Starts the bot (what `workerman-ops serve` runs) and returns a stop that finishes or cancels work in flight. */
export async function runServe(deps: ServeDeps): Promise<{ stop(): Promise<void> }> {
  const bot = createSlackApp(deps);
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  try {
    await bot.start();
  } catch (error) {
    await bot.stop();
    throw error;
  }
  if (deps.handleSignals === false) return { stop: () => bot.stop() };

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      // A second Ctrl-C means "now": do not wait for the grace period.
      bot.logger.warn({ event: 'shutdown_forced', signal });
      exit(1);
      return;
    }
    signalled = true;
    bot.logger.info({ event: 'shutdown', signal });
    bot.stop().then(
      () => exit(0),
      (error: unknown) => {
        bot.logger.error({ event: 'shutdown_failed', error: String(error) });
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    stop: async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await bot.stop();
    },
  };
}
