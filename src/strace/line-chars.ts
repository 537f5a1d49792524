/**
 * The ASCII codes and fixed markers of strace's line syntax, shared by the string parsers
 * (parse-line.ts, parse-syscall-line.ts, parse-strace-message.ts) and the byte readers
 * (parse-line-bytes.ts, parse-bytes-fields.ts, parse-bytes-other.ts).
 */

export const CH_0 = 48;
export const CH_9 = 57;
export const CH_SPACE = 32;
export const CH_COLON = 58;
export const CH_DOT = 46;
export const CH_LBRACKET = 91;
export const CH_RBRACKET = 93;
export const CH_LT = 60;
export const CH_GT = 62;
export const CH_LPAREN = 40;
export const CH_MINUS = 45;
export const CH_PLUS = 43;
export const CH_a = 97;
export const CH_z = 122;
export const CH_UNDERSCORE = 95;

export const UNFINISHED = ' <unfinished ...>';
export const DETACHED = ' <detached ...>';
