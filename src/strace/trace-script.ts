/**
 * The one remote `sh` script that runs a trace on a host, and the argv that runs it. The script text
 * is a constant: everything variable (pids, duration, config values) is passed as positional
 * arguments, validated here AND again by the script, so nothing typed by a user ever becomes shell
 * text. It is POSIX sh (dash, bash, busybox ash) and needs coreutils `timeout`, util-linux `flock`
 * and, for streaming, GNU `tail --pid`.
 *
 * Protocol on STDOUT: lines starting with `@@wmops:` (see `TRACE_MARKER`), snapshot blocks
 * (`@@wmops:snap PHASE PID MS` ... `@@wmops:snap-end PHASE PID`) and, between
 * `@@wmops:trace-begin NONCE` and `@@wmops:trace-end NONCE`, the trace exactly as strace wrote it.
 * The script's own stderr carries nothing the caller needs.
 */

/** Prefix of every protocol line the script prints. */
export const TRACE_MARKER = '@@wmops:';
/** Version of the protocol; the first line is `@@wmops:hello <version> <nonce>`. */
export const TRACE_PROTOCOL_VERSION = 1;
/** Exit status of the script when a preflight check refused the trace (an `error` line says why). */
export const TRACE_SCRIPT_REFUSED_EXIT = 3;
/** Per-snapshot cap on fd lines, so a process with 100k connections cannot flood the channel. */
export const MAX_FD_LINES = 20_000;
/** Grace between timeout's SIGINT and its SIGKILL (`timeout -k`): strace detaches on INT well before. */
export const KILL_AFTER_S = 5;

// Runs detached from the channel (setsid) under all the locks: starts the time-boxed strace with its
// trace going to a file, caps the file's size, waits, then checks every target is left running and
// untraced, sending SIGCONT to one left stopped by the trace. Args: WORKDIR OUTERPID MAXBYTES CMD...
// It never writes to the SSH channel, so a dead channel cannot kill it (no SIGPIPE, no SIGHUP).
const INNER_SOURCE = String.raw`
W=$1; OP=$2; MAXB=$3; shift 3
PIDS=; prev=
for a do [ "$prev" = -p ] && PIDS="$PIDS $a"; prev=$a; done
for p in $PIDS; do
  sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$p/status > "$W/pre.$p" 2>/dev/null
done
now_ms() { t=$(date +%s%3N 2>/dev/null); case $t in ''|*[!0-9]*) t=$(($(date +%s) * 1000));; esac; echo "$t"; }
now_ms > "$W/t0"
"$@" 2>"$W/trace" &
tp=$!
echo "$tp" > "$W/tpid"
(
  exec 9<&-
  while [ ! -e "$W/rc" ] && [ ! -e "$W/rc.tmp" ]; do
    sz=$(wc -c < "$W/trace" 2>/dev/null) || sz=0
    if [ "$((sz + 0))" -gt "$MAXB" ]; then : > "$W/truncated"; kill -INT "$tp" 2>/dev/null; break; fi
    sleep 0.2
  done
) &
wp=$!
wait "$tp"
rc=$?
now_ms > "$W/t1"
echo "$rc" > "$W/rc.tmp"
kill "$wp" 2>/dev/null
for p in $PIDS; do
  if [ ! -r /proc/$p/status ]; then echo "$p gone" >> "$W/verify"; continue; fi
  st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$p/status 2>/dev/null)
  tr=$(sed -n 's/^TracerPid:[[:space:]]*//p' /proc/$p/status 2>/dev/null)
  if [ "$st" = T ] || [ "$st" = t ] || [ "\${tr:-0}" != 0 ]; then
    sleep 0.3
    st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$p/status 2>/dev/null)
    tr=$(sed -n 's/^TracerPid:[[:space:]]*//p' /proc/$p/status 2>/dev/null)
  fi
  fix=-
  pre=$(cat "$W/pre.$p" 2>/dev/null)
  if { [ "$st" = T ] || [ "$st" = t ]; } && [ "\${tr:-0}" = 0 ] && [ "$pre" != T ]; then
    if kill -CONT "$p" 2>/dev/null || sudo -n kill -CONT "$p" 2>/dev/null; then fix=sigcont; else fix=sigcont-failed; fi
    st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$p/status 2>/dev/null)
  fi
  echo "$p \${st:-?} \${tr:-?} $fix \${pre:-?}" >> "$W/verify"
done
mv "$W/rc.tmp" "$W/rc"
# The caller collects and removes the work dir. When the caller is gone (channel dropped) this removes
# it; in the background, without the slot fd, so the locks are released as soon as this shell exits.
(
  exec 9<&-
  i=0
  while [ -d "$W" ] && [ $i -lt 600 ]; do
    kill -0 "$OP" 2>/dev/null || { rm -rf "$W"; break; }
    i=$((i + 1)); sleep 0.5
  done
) &
`;

const SCRIPT_SOURCE = String.raw`set -u
M=@@wmops
say() { printf '%s:%s\n' "$M" "$*"; }
W=
fail() {
  if [ -n "$W" ] && [ ! -e "$W/tpid" ]; then rm -rf "$W"; fi
  say "error $*"; exit 3
}
num() { case $2 in ''|*[!0-9.]*|*.*.*|.*) fail input_invalid - "bad_$1" "$2";; esac; }
int() { case $2 in ''|*[!0-9]*) fail input_invalid - "bad_$1" "$2";; esac; }
now_ms() { t=$(date +%s%3N 2>/dev/null); case $t in ''|*[!0-9]*) t=$(($(date +%s) * 1000));; esac; echo "$t"; }

[ $# -ge 12 ] || fail input_invalid - bad_args "$#"
NONCE=$1 STRACE=$2 SUDO=$3 DUR=$4 HALF=$5 SLEN=$6 MAXB=$7 SLOTS=$8 SLIMIT=$9
shift 9
SF=$1 KNOWN=" $2 "
shift 2
case $NONCE in ''|*[!0-9a-f]*) fail input_invalid - bad_nonce "";; esac
case $STRACE in ''|*[!A-Za-z0-9_./-]*) fail input_invalid - bad_strace "";; esac
case $SUDO in 0|1) ;; *) fail input_invalid - bad_sudo "$SUDO";; esac
num duration "$DUR"; num half "$HALF"; int string_limit "$SLEN"; int max_bytes "$MAXB"; int slots "$SLOTS"; int syscall_limit "$SLIMIT"
case $KNOWN in *[!0-9\ ]*) fail input_invalid - bad_known "";; esac
for p do case $p in ''|0*|*[!0-9]*) fail input_invalid "$p" bad_pid "$p";; esac; done
PIDS="$*"
say "hello 1 $NONCE"
say "info clk_tck $(getconf CLK_TCK 2>/dev/null || echo 100)"
say "info arch $(uname -m 2>/dev/null)"
ME=$(id -u)
say "info uid $ME"

# --- preflight: tools
if ! command -v "$STRACE" >/dev/null 2>&1; then fail strace_missing - strace_missing "$STRACE"; fi
for t in timeout flock tail; do
  command -v $t >/dev/null 2>&1 || fail command_failed - tool_missing $t
done
SV=$("$STRACE" -V 2>/dev/null | head -n 1)
say "info strace_version $SV"
V=$(printf '%s\n' "$SV" | sed -n 's/.*version \([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p')
HASLIMIT=0
if [ -n "$V" ]; then
  maj=\${V% *} min=\${V#* }
  if [ "$maj" -gt 6 ] || { [ "$maj" -eq 6 ] && [ "$min" -ge 3 ]; }; then HASLIMIT=1; fi
fi
say "info syscall_limit $HASLIMIT"

# --- preflight: permissions
YS=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null) || YS=0
say "info yama \${YS:-0}"
[ "\${YS:-0}" = 3 ] && fail strace_not_permitted - yama_3 3
if [ "$SUDO" = 1 ]; then
  command -v sudo >/dev/null 2>&1 || fail strace_not_permitted - sudo_missing ""
  sudo -n "$STRACE" -V >/dev/null 2>&1 || fail strace_not_permitted - sudo_password "$STRACE"
elif [ "$ME" = 0 ]; then
  CE=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
  if [ -n "$CE" ] && [ $(( (0x$CE >> 19) & 1 )) -eq 0 ]; then fail strace_not_permitted - no_cap_sys_ptrace "$CE"; fi
else
  if [ "\${YS:-0}" = 1 ] || [ "\${YS:-0}" = 2 ]; then
    if ! getcap "$(command -v "$STRACE")" 2>/dev/null | grep -q cap_sys_ptrace; then
      fail strace_not_permitted - "yama_$YS" "$YS"
    fi
  fi
fi

# --- preflight: every pid is a live, untraced Workerman process of this host
for p in $PIDS; do
  st=$(cat /proc/$p/stat 2>/dev/null) || fail pid_not_found "$p" gone ""
  rest=\${st##*") "}
  state=\${rest%% *}; rest=\${rest#* }; ppid=\${rest%% *}
  [ "$state" = Z ] && fail pid_not_found "$p" zombie ""
  cl=$(tr '\000\n' '  ' < /proc/$p/cmdline 2>/dev/null | cut -c1-300)
  # An exiting process loses its command line before it turns into a zombie.
  if [ -z "$cl" ]; then
    st=$(cat /proc/$p/stat 2>/dev/null) || fail pid_not_found "$p" gone ""
    case \${st##*") "} in Z*|X*) fail pid_not_found "$p" zombie "";; esac
  fi
  role=-
  case $cl in "WorkerMan: master process"*) role=master;; "WorkerMan: worker process"*) role=worker;; esac
  known=0
  case $KNOWN in *" $p "*) known=1;; esac
  ok=0; why=title; mt=
  if [ "$role" != - ]; then
    if [ -z "$SF" ]; then ok=1
    else
      if [ "$role" = master ]; then mt=$cl; else mt=$(tr '\000\n' '  ' < /proc/$ppid/cmdline 2>/dev/null | cut -c1-300); fi
      case "$mt " in *"start_file=$SF "*) ok=1;; *) why=other_start_file;; esac
    fi
  fi
  if [ $ok = 0 ] && [ $known = 1 ]; then
    ok=1
    if [ "$role" = worker ] && [ "$ppid" = 1 ]; then say "note $p orphan"
    elif [ "$role" = - ]; then say "note $p untitled"
    else say "note $p known"; fi
  fi
  if [ $ok = 0 ]; then
    if [ $why = other_start_file ]; then fail pid_not_workerman "$p" other_start_file "$mt"; fi
    fail pid_not_workerman "$p" title "$cl"
  fi
  tpid=$(sed -n 's/^TracerPid:[[:space:]]*//p' /proc/$p/status 2>/dev/null)
  if [ "\${tpid:-0}" != 0 ]; then
    fail already_traced "$p" tracer "$tpid" "$(cat /proc/$tpid/comm 2>/dev/null)"
  fi
  if [ "$SUDO" != 1 ] && [ "$ME" != 0 ]; then
    tu=$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$p/status 2>/dev/null)
    [ "$tu" = "$ME" ] || fail strace_not_permitted "$p" other_uid "$tu" "$ME"
  fi
  say "proc $p $ppid $role $cl"
done

# --- snapshots of /proc (also used in the middle and after the trace)
netlines() {
  d=/proc/$1/net
  set --
  for f in tcp tcp6 udp udp6 unix; do [ -r "$d/$f" ] && set -- "$@" "$d/$f"; done
  [ $# -gt 0 ] || { cat > /dev/null; return 0; }
  { cat; echo @; } | awk '
    st == 0 { if ($0 == "@") { st = 1; next } want[$1] = 1; next }
    FNR == 1 { next }
    { k = FILENAME; sub(/.*\//, "", k); ino = (k == "unix") ? $7 : $10; if (ino in want) print "net " k " " $0 }
  ' - "$@"
}
snap() {
  say "snap $1 $2 $(now_ms)"
  if [ -r /proc/$2/stat ]; then
    s=$(cat /proc/$2/stat 2>/dev/null) && printf 'stat %s\n' "$s"
    awk '/^(State|PPid|TracerPid|Uid):/ { print "status " $0 }' /proc/$2/status 2>/dev/null
    printf 'syscall %s\n' "$(cat /proc/$2/syscall 2>/dev/null)"
    printf 'wchan %s\n' "$(cat /proc/$2/wchan 2>/dev/null)"
    fds=$(ls -l /proc/$2/fd 2>/dev/null | grep ' -> ' | head -n ${MAX_FD_LINES})
    if [ -n "$fds" ]; then
      printf '%s\n' "$fds" | sed 's/^/fd /'
      printf '%s\n' "$fds" | sed -n 's/.* -> socket:\[\([0-9]*\)\]$/\1/p' | netlines "$2"
    fi
  fi
  say "snap-end $1 $2"
}
snap_all() { for p in $PIDS; do snap "$1" "$p"; done; }
snap_all before

# --- locks on the host: a per-host slot (fd 9, inherited by the tracer) and one lock per pid
T=\${TMPDIR:-/tmp}
case $T in /*) ;; *) T=/tmp;; esac
mklock() { [ -e "$1" ] || (umask 0; : >> "$1") 2>/dev/null; [ -r "$1" ]; }
i=1; SLOT=
while [ $i -le $SLOTS ]; do
  f="$T/workerman-ops-trace.slot.$i.lock"
  if mklock "$f"; then
    exec 9<"$f"
    if flock -n 9; then SLOT=$i; break; fi
    exec 9<&-
  fi
  i=$((i + 1))
done
[ -n "$SLOT" ] || fail trace_busy - slots "$SLOTS"
say "info slot $SLOT"
find "$T" -maxdepth 1 -type d -name 'workerman-ops-trace-run.*' -mmin +30 -exec rm -rf {} + 2>/dev/null
W=$(mktemp -d "$T/workerman-ops-trace-run.XXXXXX") || fail command_failed - mktemp "$T"

launch() {
  n=$#
  for p do mklock "$T/workerman-ops-trace.$p.lock"; set -- "$@" flock -n -o "$T/workerman-ops-trace.$p.lock"; done
  shift $n
  set -- "$@" sh -c "$INNER" workerman-ops-tracer "$W" "$$" "$MAXB"
  k=$#
  # timeout runs as the SSH user and signals sudo, which relays SIGINT to strace: the sudoers rule
  # needs only strace itself (allowing timeout as root would allow any command as root).
  set -- "$@" timeout -s INT -k ${KILL_AFTER_S} "$DUR"
  [ "$SUDO" = 1 ] && set -- "$@" sudo -n
  set -- "$@" "$STRACE" -f -tt -T -yy -s "$SLEN"
  [ "$HASLIMIT" = 1 ] && set -- "$@" "--syscall-limit=$SLIMIT"
  for p in $PIDS; do set -- "$@" -p "$p"; done
  i=0; for a do i=$((i + 1)); [ $i -gt $k ] && say "argv $a"; done
  SETSID=; command -v setsid >/dev/null 2>&1 && SETSID=setsid
  ( $SETSID "$@" < /dev/null > /dev/null 2> "$W/chain.err"; rc=$?; { echo $rc > "$W/chain.rc"; } 2>/dev/null ) &
}
INNER=$(cat <<'WMOPS_INNER_END'
${INNER_SOURCE}
WMOPS_INNER_END
)
launch $PIDS
exec 9<&-

i=0
while [ ! -e "$W/tpid" ]; do
  if [ -e "$W/chain.rc" ] && [ ! -e "$W/tpid" ]; then
    for p in $PIDS; do
      flock -n "$T/workerman-ops-trace.$p.lock" true || fail already_traced "$p" locked ""
    done
    fail already_traced - locked "$(head -c 200 "$W/chain.err" 2>/dev/null)"
  fi
  i=$((i + 1)); [ $i -gt 400 ] && fail command_failed - start_timeout ""
  sleep 0.05
done
TP=$(cat "$W/tpid")
( sleep "$HALF"; snap_all mid > "$W/mid.tmp" 2>/dev/null; mv "$W/mid.tmp" "$W/mid" ) &
MIDPID=$!
say "trace-begin $NONCE"
tail -n +1 -s 0.2 -f --pid="$TP" "$W/trace" 2>/dev/null || {
  while [ ! -e "$W/rc" ]; do sleep 0.1; done
  cat "$W/trace"
}
say "trace-end $NONCE"
i=0
while [ ! -e "$W/rc" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
kill "$MIDPID" 2>/dev/null
[ -e "$W/mid" ] && cat "$W/mid"
snap_all after
[ -e "$W/verify" ] && while read -r line; do say "verify $line"; done < "$W/verify"
TR=0; [ -e "$W/truncated" ] && TR=1
say "result $(cat "$W/rc" 2>/dev/null || echo -) $TR $(cat "$W/t0" 2>/dev/null || echo -) $(cat "$W/t1" 2>/dev/null || echo -)"
rm -rf "$W"
say "done $NONCE"
`;

/**
 * The remote script. Positional args: NONCE STRACE SUDO DURATION HALF STRLIMIT MAXBYTES SLOTS
 * SYSCALLLIMIT STARTFILE KNOWNPIDS PID... (see `buildTraceArgv`).
 */
// The source writes shell `${...}` as `\${...}` so the template literal leaves it alone.
export const TRACE_SCRIPT = SCRIPT_SOURCE.replaceAll('\\${', '${');

/** Everything the script needs, already validated by the caller. */
export interface TraceScriptParams {
  /** Random hex that frames the trace section, so no traced output can fake the end marker. */
  nonce: string;
  stracePath: string;
  sudo: boolean;
  durationS: number;
  stringLimit: number;
  maxOutputBytes: number;
  maxConcurrent: number;
  /** `--syscall-limit` value, used only where strace supports it (6.3+). */
  syscallLimit: number;
  startFile: string | null;
  /** Pids the host's status lists: allowed even without a Workerman title or master (orphans). */
  knownPids: readonly number[];
  pids: readonly number[];
}

/** Largest pid Linux allows (`pid_max` upper bound, 2^22). */
export const MAX_PID = 4_194_304;

/** Returns the argv `['sh', '-c', TRACE_SCRIPT, 'workerman-ops-trace', ...args]`; throws on a bad value. */
export function buildTraceArgv(p: TraceScriptParams): string[] {
  const isPid = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= MAX_PID;
  if (!/^[0-9a-f]{8,64}$/.test(p.nonce)) throw new RangeError('nonce must be lowercase hex');
  if (!/^[A-Za-z0-9_./-]+$/.test(p.stracePath)) throw new RangeError('strace path has characters outside [A-Za-z0-9_./-]');
  if (p.pids.length === 0 || !p.pids.every(isPid)) throw new RangeError('pids must be positive integers');
  if (!p.knownPids.every(isPid)) throw new RangeError('known pids must be positive integers');
  if (!(p.durationS > 0) || !Number.isFinite(p.durationS)) throw new RangeError('duration must be positive');
  for (const [name, v] of [
    ['stringLimit', p.stringLimit],
    ['maxOutputBytes', p.maxOutputBytes],
    ['maxConcurrent', p.maxConcurrent],
    ['syscallLimit', p.syscallLimit],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer`);
  }
  if (p.startFile !== null && (p.startFile.includes('\0') || p.startFile.includes('\n'))) {
    throw new RangeError('start file contains a NUL or newline');
  }
  return [
    'sh',
    '-c',
    TRACE_SCRIPT,
    'workerman-ops-trace',
    p.nonce,
    p.stracePath,
    p.sudo ? '1' : '0',
    formatSeconds(p.durationS),
    formatSeconds(p.durationS / 2),
    String(p.stringLimit),
    String(p.maxOutputBytes),
    String(p.maxConcurrent),
    String(p.syscallLimit),
    p.startFile ?? '',
    p.knownPids.join(' '),
    ...p.pids.map(String),
  ];
}

/** Seconds as `timeout`/`sleep` read them: at most 3 decimals, no exponent (1.5, 0.25, 30). */
export function formatSeconds(s: number): string {
  const ms = Math.max(1, Math.round(s * 1000));
  const whole = Math.floor(ms / 1000);
  const frac = ms % 1000;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}
