/** What every text renderer is told about the terminal it writes to. */
export interface TextRenderOptions {
  /** ANSI colour (the CLI decides: see cli/decide-color.ts). */
  color: boolean;
  /**
   * The terminal's width: wider tables give way column by column (each column's `fit`) and say so in
   * one line; prose wraps at spaces. Undefined (piped, or not a terminal): nothing is cut.
   */
  maxWidth?: number | undefined;
}

const ANSI = {
  bold: '\x1b[1m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  dim: '\x1b[2m',
  reset: '\x1b[0m',
} as const;

/** A colour (or weight) text may be painted in. */
export type Tone = keyof Omit<typeof ANSI, 'reset'>;

/** Wraps text in an ANSI colour when colour is on; returns it unchanged otherwise. */
export function paint(text: string, tone: Tone, color: boolean): string {
  return color ? `${ANSI[tone]}${text}${ANSI.reset}` : text;
}
