/** The slash command, as registered in manifest.yml. */
export const COMMAND = '/workerman';

/** Bolt's HTTP endpoint for commands and interactivity (HTTP mode). */
export const EVENTS_PATH = '/slack/events';

/** Health check route served in HTTP mode. */
export const HEALTH_PATH = '/healthz';

/** Block Kit action_ids. Per-message data goes into the element's `value`, never into the id. */
export const ACTION_IDS = {
  /** Button on a status message; value = host name (re-validated on click). */
  statusRefresh: 'status_refresh',
  /** "Trace a PID…" menu on a status message, and the "Trace PID n" button on a watch alert; value = `host:pid` (re-validated). */
  traceSelect: 'trace_select',
  /** Button on the ephemeral trace confirmation; value = `{"h":host,"p":pid,"d":seconds}` (re-validated). */
  traceConfirm: 'trace_confirm',
  /** Button on the ephemeral trace confirmation: deletes it. */
  traceCancel: 'trace_cancel',
  /** "Silence 1 h" button on a watch alert; value = the alert's key (`host/kind/subject`, looked up among the open alerts). */
  alertSilence: 'alert_silence',
  /** "Chart" button (on an alert): value = `host` or `host window` (`web-1 1h`), re-validated on click. */
  historyChart: 'history_chart',
} as const;

/** Shortcut callback_ids, as registered in manifest.yml (`features.shortcuts`). */
export const SHORTCUT_IDS = {
  /** "Summarise strace log" on a message (type `message`): its file, snippet or pasted text is summarised in its thread. */
  summarise: 'summarise_strace_log',
} as const;
