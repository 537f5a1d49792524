#!/bin/sh
# workerman-ops-helper: the host side of workerman-ops. One POSIX sh script (dash, bash, busybox ash)
# that the bot runs over SSH, in one of two ways:
#
#   - as the SSH user, sent as `sh -c <this text> workerman-ops-helper COMMAND ARGS` (no install needed);
#   - as root through sudo, installed root-owned as /usr/local/sbin/workerman-ops-helper and named by
#     the only sudoers rule the bot needs:
#         deploy ALL=(root) NOPASSWD: /usr/local/sbin/workerman-ops-helper
#     Under sudo it trusts nothing it is given but numbers it re-checks against caps: the app (start
#     file), php, the app's user and strace come from the root-owned helper.conf beside the install:
#     PREFIX/etc/workerman-ops/helper.conf for PREFIX/sbin/workerman-ops-helper (so
#     /usr/local/etc/workerman-ops/helper.conf by default; /etc/workerman-ops/ for /usr/sbin or /usr/bin).
#
# Commands (every value is one positional argument; nothing is ever evaluated as shell text):
#   version                                  protocol version and, installed, the file's sha256
#   check [STRACE]                           what `workerman-ops doctor` reports: tools, strace, Yama,
#                                            lock directory, helper.conf
#   procs [START_FILE]                       Workerman masters and workers from /proc: pid, parent,
#                                            state, start time, uid, cwd, title. Never signals anyone.
#   sample [START_FILE]                      what `watch` samples every minute, from /proc only (no
#                                            signal, no ptrace): per Workerman process its state, CPU
#                                            ticks, RSS, wchan, syscall, fd count, cwd and title
#   status|connections TIMEOUT_S START_FILE  `php START_FILE status` as the app's user (sudo only)
#   trace NONCE DUR HALF STRLIMIT MAXBYTES SLOTS SYSCALLLIMIT STRACE START_FILE PID...
#                                            a time-boxed strace of Workerman pids of the app
#
# Output is a line protocol on stdout: `@@wmops:KIND ...` lines, /proc snapshot blocks, and between
# `@@wmops:trace-begin NONCE` and `@@wmops:trace-end NONCE` the trace exactly as strace wrote it. A
# refusal is one `@@wmops:error CODE PID REASON ARGS...` line and exit status 3.
#
# What holds on every exit path (time box, SIGINT/SIGTERM/SIGHUP, the SSH channel gone): strace runs
# under `timeout` started by this script with its own privileges (so the time box can always signal
# it), is stopped with SIGINT (it detaches; never SIGKILL first), and afterwards every target is
# checked to be running and untraced, with SIGCONT for one left stopped by the trace.
#
# Locks and work files live in a directory private to the user running this (mode 0700, a real
# directory owned by that user, never a symlink, in directories nobody else can rename it out of):
# /run/workerman-ops for root, else $XDG_RUNTIME_DIR/workerman-ops, $HOME/.cache/workerman-ops or
# ${TMPDIR:-/tmp}/workerman-ops-UID.

set -u
set -f
umask 077
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
LC_ALL=C
export LC_ALL

PROTOCOL=2
M=@@wmops
KILL_AFTER_S=5
MAX_FD_LINES=20000
MAX_PIDS=64
MAX_DURATION_S=300
MAX_STRLIMIT=4096
MAX_BYTES=536870912
MAX_SLOTS=16
MAX_STATUS_TIMEOUT_S=600

say() { printf '%s:%s\n' "$M" "$*"; }

# Set while a trace runs; the EXIT trap undoes whatever of it exists.
W=
D=
TP=
MIDPID=
WATCHPID=
TAILPID=
REGISTERED=
MYSTART=
STOP=0

cleanup() {
  for p in $MIDPID $WATCHPID $TAILPID; do kill "$p" 2>/dev/null; done
  [ -n "$REGISTERED" ] && deregister
  [ -n "$W" ] && rm -rf "$W"
  W=
}

fail() {
  say "error $*"
  exit 3
}

# A signal before strace starts ends the helper (the EXIT trap cleans up); during the trace it stops
# strace, which detaches, and the helper goes on to check the targets and clean up.
on_signal() {
  STOP=1
  if [ -n "$TP" ]; then kill -INT "$TP" 2>/dev/null; else exit 130; fi
}
trap cleanup EXIT
trap on_signal INT TERM HUP
# A closed SSH channel must never kill the helper mid-trace: writes to it just fail.
trap '' PIPE

is_uint() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }
# need_uint NAME VALUE MAX: a whole number from 0 to MAX.
need_uint() {
  is_uint "$2" || fail input_invalid - "bad_$1" "$2"
  if [ "${#2}" -gt 10 ] || [ "$2" -gt "$3" ]; then fail input_invalid - "bad_$1" "$2"; fi
}
# need_seconds NAME VALUE: 0.001 to MAX_DURATION_S, at most 3 decimals (what timeout and sleep read).
need_seconds() {
  case $2 in '' | *[!0-9.]* | *.*.* | .* | *.) fail input_invalid - "bad_$1" "$2" ;; esac
  case $2 in *.????*) fail input_invalid - "bad_$1" "$2" ;; esac
  whole=${2%%.*}
  if [ "${#whole}" -gt 4 ] || [ "$whole" -gt "$MAX_DURATION_S" ]; then fail input_invalid - "bad_$1" "$2"; fi
}
need_pid() {
  case $1 in '' | 0* | *[!0-9]*) fail input_invalid "$1" bad_pid "$1" ;; esac
  if [ "${#1}" -gt 7 ] || [ "$1" -gt 4194304 ]; then fail input_invalid "$1" bad_pid "$1"; fi
}
# An absolute path of plain characters (what the config and helper.conf accept).
is_path() {
  case $1 in /*) ;; *) return 1 ;; esac
  case $1 in *[!A-Za-z0-9_./@+-]* | */../* | */.. | */./* | */.) return 1 ;; esac
}
is_program() { case $1 in '' | *[!A-Za-z0-9_./@+-]*) return 1 ;; esac; }
is_user() { case $1 in '' | -* | *[!a-z0-9_.-]*) return 1 ;; esac; }

now_ms() {
  t=$(date +%s%3N 2>/dev/null)
  case $t in '' | *[!0-9]*) t=$(($(date +%s) * 1000)) ;; esac
  echo "$t"
}

# proc_stat PID: sets S_STATE, S_PPID and S_START (field 22: start time in clock ticks since boot,
# which with the pid names one process for good). Returns 1 when the process is gone.
proc_stat() {
  st=
  { read -r st < "/proc/$1/stat"; } 2>/dev/null || return 1
  [ -n "$st" ] || return 1
  # The command name (field 2) may hold spaces and ")": everything after its last ") " is numbers.
  # shellcheck disable=SC2086
  set -- ${st##*") "}
  S_STATE=${1:-?}
  S_PPID=${2:-0}
  S_START=${20:-}
}

# proc_status PID: sets P_TRACER (TracerPid) and P_UID (real uid) from /proc/PID/status, with no fork.
proc_status() {
  P_TRACER=
  P_UID=
  { exec 8< "/proc/$1/status"; } 2>/dev/null || return 1
  while IFS=: read -r k v <&8; do
    # shellcheck disable=SC2086
    case $k in
      TracerPid) set -- $v; P_TRACER=${1:-} ;;
      Uid) set -- $v; P_UID=${1:-}; break ;;
    esac
  done
  exec 8<&-
  [ -n "$P_UID" ]
}

cmdline_of() { tr '\000\n' '  ' < "/proc/$1/cmdline" 2>/dev/null | cut -c1-300; }

MASTER_TITLE='WorkerMan: master process'
WORKER_TITLE='WorkerMan: worker process'

# live_masters: `PID START_FILE` of every live Workerman master on the host (START_FILE empty when
# the title names none), the start file cut from the title (`... start_file=/srv/app/start.php`)
# without a fork per master.
live_masters() {
  ps -eo pid=,stat=,args= 2>/dev/null | while read -r mp mstat margs; do
    case $mstat in Z* | X*) continue ;; esac
    case $margs in
      "$MASTER_TITLE"*start_file=*) msf=${margs#*start_file=}; printf '%s %s\n' "$mp" "${msf%% *}" ;;
      "$MASTER_TITLE"*) printf '%s \n' "$mp" ;;
    esac
  done
}

# --- mode: privileged (root through sudo: values from helper.conf) or as the calling user
ME=$(id -u)
PRIV=0
[ "$ME" = 0 ] && [ -n "${SUDO_UID:-}" ] && PRIV=1

# conf_path: where helper.conf is for this install (see the top of this file).
conf_path() {
  case $0 in /*) ;; *) fail host_setup - conf_no_install_path "" ;; esac
  bin=${0%/*}
  prefix=${bin%/*}
  case $prefix in '' | /usr) CONF=/etc/workerman-ops/helper.conf ;; *) CONF=$prefix/etc/workerman-ops/helper.conf ;; esac
}

# root_only PATH: PATH and every directory above it are root's and not writable by group or others
# (a sticky directory such as /tmp is fine: nobody else can rename what root made in it).
root_only() {
  f=$1
  while :; do
    [ -L "$f" ] && fail host_setup - conf_unsafe "$f" symlink
    # shellcheck disable=SC2046
    set -- $(stat -c '%u %a' "$f" 2>/dev/null)
    [ "${1:-x}" = 0 ] || fail host_setup - conf_unsafe "$f" owner
    m=$((0${2:-777}))
    if [ $((m & 022)) -ne 0 ] && { [ ! -d "$f" ] || [ $((m & 01000)) -eq 0 ]; }; then fail host_setup - conf_unsafe "$f" writable; fi
    [ "$f" = / ] && break
    f=${f%/*}
    [ -n "$f" ] || f=/
  done
}

CONF=
C_SFS=
C_PHP=
C_RUNAS=
C_STRACE=
C_MAXDUR=$MAX_DURATION_S
# read_conf: loads helper.conf, refusing one that is not root's alone (a symlink, group- or
# world-writable, owned by another user, in such a directory) or holds an unknown key.
read_conf() {
  conf_path
  [ -e "$CONF" ] || fail host_setup - conf_missing "$CONF"
  root_only "$CONF"
  root_only "$0"
  n=0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    case $line in '' | '#'*) continue ;; esac
    k=${line%%=*}
    v=${line#*=}
    [ "$k" != "$line" ] || fail host_setup - conf_bad_line "$n"
    case $k in
      start_file) is_path "$v" || fail host_setup - conf_bad_value "$k"; C_SFS="$C_SFS $v" ;;
      php) is_program "$v" || fail host_setup - conf_bad_value "$k"; C_PHP=$v ;;
      run_as) is_user "$v" || fail host_setup - conf_bad_value "$k"; C_RUNAS=$v ;;
      strace) is_program "$v" || fail host_setup - conf_bad_value "$k"; C_STRACE=$v ;;
      max_duration_s)
        if ! is_uint "$v" || [ "${#v}" -gt 4 ] || [ "$v" -lt 1 ] || [ "$v" -gt "$MAX_DURATION_S" ]; then fail host_setup - conf_bad_value "$k"; fi
        C_MAXDUR=$v
        ;;
      *) fail host_setup - conf_unknown_key "$k" ;;
    esac
  done < "$CONF"
  [ -n "$C_SFS" ] || fail host_setup - conf_bad_value start_file
  : "${C_PHP:=php}"
  : "${C_STRACE:=strace}"
}

# in_conf SF: the start file is one helper.conf allows.
in_conf() { case "$C_SFS " in *" $1 "*) return 0 ;; esac; return 1; }

# --- the private lock directory. lock_dir_pick sets D; lock_dir_check sets WHY on a problem.
lock_dir_pick() {
  D=
  if [ "$PRIV" = 0 ] && [ -n "${WORKERMAN_OPS_LOCK_DIR:-}" ]; then
    D=$WORKERMAN_OPS_LOCK_DIR
  elif [ "$ME" = 0 ]; then
    if [ -d /run ]; then D=/run/workerman-ops; else D=/var/run/workerman-ops; fi
  elif [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -d "$XDG_RUNTIME_DIR" ] && [ ! -L "$XDG_RUNTIME_DIR" ] && [ "$(stat -c %u "$XDG_RUNTIME_DIR" 2>/dev/null)" = "$ME" ]; then
    D=$XDG_RUNTIME_DIR/workerman-ops
  elif [ -n "${HOME:-}" ] && [ -d "$HOME" ] && [ ! -L "$HOME" ] && [ "$(stat -c %u "$HOME" 2>/dev/null)" = "$ME" ] && { [ -d "$HOME/.cache" ] || mkdir -m 700 "$HOME/.cache" 2>/dev/null; } && [ ! -L "$HOME/.cache" ] && [ "$(stat -c %u "$HOME/.cache" 2>/dev/null)" = "$ME" ]; then
    D=$HOME/.cache/workerman-ops
  else
    t=${TMPDIR:-/tmp}
    case $t in /*) ;; *) t=/tmp ;; esac
    D=$t/workerman-ops-$ME
  fi
}
# lock_dir_check: D is usable, or WHY (and WHERE, for a directory above it) say why not. The checks
# on D itself keep out what another user made (a symlink, their directory); those on the directories
# above keep anyone else from renaming D away and moving another directory into its place between
# two traces or during one: one of theirs, or another of ours, which passes every check on D itself
# (it was once chmod-ed 0700 and its `traces/` swept). So each must be root's or ours, and one that
# others can write to must be sticky (as /tmp is). A D that others could write to is refused, not
# made 0700: what is in it already may be theirs (a `traces` symlink to our files, say).
lock_dir_check() {
  WHY=
  WHERE=
  D=${D%"${D##*[!/]}"}
  case $D in /*) ;; *) WHY=relative; return 1 ;; esac
  case ${D##*/} in . | ..) WHY=relative; return 1 ;; esac
  # The directories above, by their physical path; D is that path from here on, so a symlink among
  # them is resolved once, here, and what is checked is what is used.
  if ! p=$(cd -P "${D%/*}/" 2>/dev/null && pwd -P); then WHY=parent_missing; WHERE=${D%/*}/; return 1; fi
  D=${p%/}/${D##*/}
  while :; do
    # shellcheck disable=SC2046
    set -- $(stat -c '%u %a' "$p" 2>/dev/null)
    case ${1:-x} in 0 | "$ME") ;; *) WHY="parent_owner_${1:-unknown}"; WHERE=$p; return 1 ;; esac
    m=$((0${2:-777}))
    if [ $((m & 022)) -ne 0 ] && [ $((m & 01000)) -eq 0 ]; then WHY=parent_writable; WHERE=$p; return 1; fi
    [ "$p" = / ] && break
    p=${p%/*}
    [ -n "$p" ] || p=/
  done
  [ -e "$D" ] || [ -L "$D" ] || mkdir -m 700 "$D" 2>/dev/null
  if [ -L "$D" ]; then WHY=symlink; return 1; fi
  if [ ! -d "$D" ]; then WHY=not_a_directory; return 1; fi
  # shellcheck disable=SC2046
  set -- $(stat -c '%u %a' "$D" 2>/dev/null)
  if [ "${1:-x}" != "$ME" ]; then WHY="owner_${1:-unknown}"; return 1; fi
  if [ $((0${2:-777} & 022)) -ne 0 ]; then WHY="writable_${2:-unknown}"; return 1; fi
  # Never chmod: a directory named by mistake (WORKERMAN_OPS_LOCK_DIR=/usr as root) must stay as it is.
  if [ "${2:-}" != 700 ]; then WHY="mode_${2:-unknown}"; return 1; fi
}

# --- the registry of running traces: $D/traces/PID holds "OWNER OWNER_START" for each traced pid,
# read and changed only under flock on $D/registry.lock. An entry whose owner is gone is stale, and so
# is a work directory $D/run.OWNER.OWNER_START.XXXXXX: a helper killed with SIGKILL (no trap runs)
# leaves both, and the next trace clears them.
owner_alive() {
  proc_stat "$1" || return 1
  [ "$S_START" = "$2" ]
}
register() {
  # (D is checked private; these two are never links there, but cost nothing to make sure of.)
  if [ -L "$D/registry.lock" ] || [ -L "$D/traces" ]; then fail host_setup - lock_dir_symlink "$D"; fi
  exec 9>> "$D/registry.lock" || fail host_setup - lock_dir_unwritable "$D"
  flock -w 5 9 || fail trace_busy - registry_timeout ""
  [ -d "$D/traces" ] || mkdir "$D/traces" || fail host_setup - lock_dir_unwritable "$D"
  owners=
  set +f
  for e in "$D"/traces/*; do
    [ -f "$e" ] || continue
    # Only entries named as a pid are ours to read or remove.
    is_uint "${e##*/}" || continue
    read -r op ost < "$e" || op=
    if [ -n "$op" ] && is_uint "$op" && owner_alive "$op" "${ost:-}"; then
      case " $owners " in *" $op "*) ;; *) owners="$owners $op" ;; esac
    else
      rm -f "$e"
    fi
  done
  for r in "$D"/run.*; do
    if [ -L "$r" ] || [ ! -d "$r" ]; then continue; fi
    n=${r##*/run.}
    rest=${n#*.}
    if [ "$rest" = "$n" ] || ! is_uint "${n%%.*}" || ! is_uint "${rest%%.*}"; then continue; fi
    owner_alive "${n%%.*}" "${rest%%.*}" || rm -rf "$r"
  done
  set -f
  for p in $PIDS; do
    [ -e "$D/traces/$p" ] && fail already_traced "$p" locked ""
  done
  # shellcheck disable=SC2086
  set -- $owners
  [ $# -lt "$SLOTS" ] || fail trace_busy - slots "$SLOTS"
  proc_stat $$ || fail command_failed - self_stat ""
  MYSTART=$S_START
  for p in $PIDS; do printf '%s %s\n' "$$" "$MYSTART" > "$D/traces/$p"; done
  REGISTERED=1
  exec 9>&-
}
deregister() {
  REGISTERED=
  exec 9>> "$D/registry.lock" || return 0
  flock -w 5 9
  for p in $PIDS; do
    op=
    { read -r op ost < "$D/traces/$p"; } 2>/dev/null
    [ "$op" = "$$" ] && rm -f "$D/traces/$p"
  done
  exec 9>&-
}

# --- snapshots of /proc (before, in the middle of and after the trace)
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
  if [ -r "/proc/$2/stat" ]; then
    # The one-line files are read with the shell's own `read` (no fork: this runs before strace
    # attaches and after it detaches, so it is on the trace's critical path). wchan has no newline.
    s=
    { IFS= read -r s < "/proc/$2/stat"; } 2>/dev/null && printf 'stat %s\n' "$s"
    { while IFS= read -r s; do
        case $s in State:* | PPid:* | TracerPid:* | Uid:*) printf 'status %s\n' "$s" ;; esac
      done < "/proc/$2/status"; } 2>/dev/null
    s=
    { IFS= read -r s < "/proc/$2/syscall"; } 2>/dev/null
    printf 'syscall %s\n' "$s"
    s=
    { IFS= read -r s < "/proc/$2/wchan"; } 2>/dev/null
    printf 'wchan %s\n' "$s"
    # One `ls -l` reads every fd link at once; a readlink per fd would fork thousands of times.
    # shellcheck disable=SC2010
    fds=$(ls -l "/proc/$2/fd" 2>/dev/null | grep ' -> ' | head -n "$MAX_FD_LINES")
    if [ -n "$fds" ]; then
      printf '%s\n' "$fds" | sed 's/^/fd /'
      printf '%s\n' "$fds" | sed -n 's/.* -> socket:\[\([0-9]*\)\]$/\1/p' | netlines "$2"
    fi
  fi
  say "snap-end $1 $2"
}
snap_all() { for p in $PIDS; do snap "$1" "$p"; done; }

# ---------------------------------------------------------------------------------------------------
cmd_version() {
  sum=-
  [ -f "$0" ] && sum=$(sha256sum "$0" 2>/dev/null | cut -d' ' -f1)
  say "hello $PROTOCOL version"
  say "version $PROTOCOL ${sum:--} $([ "$PRIV" = 1 ] && echo sudo || echo user) $ME"
}

cmd_check() {
  say "hello $PROTOCOL check"
  say "check mode $([ "$PRIV" = 1 ] && echo sudo || echo user) $ME"
  strace_path=${1:-strace}
  if [ "$PRIV" = 1 ]; then
    read_conf
    say "check conf ok $CONF"
    say "check conf_value start_file${C_SFS}"
    say "check conf_value php $C_PHP"
    say "check conf_value run_as ${C_RUNAS:--}"
    strace_path=$C_STRACE
  fi
  for t in timeout flock tail ps awk sed stat mktemp sha256sum; do
    if p=$(command -v "$t" 2>/dev/null); then say "check tool $t ok $p"; else say "check tool $t missing"; fi
  done
  if p=$(command -v runuser 2>/dev/null); then say "check tool runuser ok $p"; else say "check tool runuser missing"; fi
  if p=$(command -v "$strace_path" 2>/dev/null); then
    say "check strace ok $p $("$strace_path" -V 2>/dev/null | head -n 1)"
  else
    say "check strace missing $strace_path"
  fi
  yf=/proc/sys/kernel/yama/ptrace_scope
  [ "$PRIV" = 0 ] && [ -n "${WORKERMAN_OPS_YAMA_FILE:-}" ] && yf=$WORKERMAN_OPS_YAMA_FILE
  if [ -r "$yf" ]; then say "check yama $(head -c 8 "$yf" | tr -dc 0-9)"; else say "check yama absent"; fi
  if [ "$ME" = 0 ]; then say "check cap_eff $(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)"; fi
  if [ "$ME" != 0 ]; then
    sp=$(command -v "$strace_path" 2>/dev/null)
    if [ -n "$sp" ] && command -v getcap > /dev/null 2>&1 && getcap "$sp" 2>/dev/null | grep -q cap_sys_ptrace; then
      say "check strace_cap yes"
    else
      say "check strace_cap no"
    fi
  fi
  lock_dir_pick
  if lock_dir_check; then say "check lock_dir ok $D"; else say "check lock_dir fail $WHY $D $WHERE"; fi
  say "check done"
}

cmd_procs() {
  want=${1:-}
  say "hello $PROTOCOL procs"
  ps -eo pid=,args= 2>/dev/null | while read -r pid args; do
    case $args in "WorkerMan: "*) ;; *) continue ;; esac
    proc_stat "$pid" || continue
    # (a pipeline's subshell: P_UID and friends are only used inside it)
    # shellcheck disable=SC2030
    proc_status "$pid" || P_UID=-
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null)
    printf '%s:proc %s %s %s %s %s\t%s\t%s\n' "$M" "$pid" "$S_PPID" "$S_STATE" "$S_START" "$P_UID" "$cwd" "$args"
  done
  [ -n "$want" ] && say "app $want"
  say "done procs"
}

# sample_one PID TITLE: one `s` line for the process, read from /proc with shell builtins only (no
# fork per process): `s PID PPID STATE START UTIME STIME RSS_PAGES FDS WCHAN SYSCALL<TAB>CWD<TAB>TITLE`.
# FDS, WCHAN and SYSCALL are `-` where /proc does not let this user read them (another user's process
# without sudo, or Yama for the syscall); nothing here signals, stops or attaches to the process.
sample_one() {
  sp=$1
  stitle=$2
  st=
  { read -r st < "/proc/$sp/stat"; } 2>/dev/null || return 0
  [ -n "$st" ] || return 0
  # Fields after the command name: 3 state, 4 ppid, 14 utime, 15 stime, 22 starttime, 24 rss (pages).
  # shellcheck disable=SC2086
  set -- ${st##*") "}
  [ $# -ge 22 ] || return 0
  sstate=$1 sppid=$2 sut=${12} sst=${13} sstart=${20} srss=${22}
  # wchan has no final newline: read fails at EOF but keeps what it read.
  w=
  { read -r w < "/proc/$sp/wchan"; } 2>/dev/null
  case $w in '' | *[!A-Za-z0-9_.]*) w=- ;; esac
  sc=
  { read -r sc _ < "/proc/$sp/syscall"; } 2>/dev/null
  case $sc in running) ;; '' | *[!0-9-]*) sc=- ;; esac
  # Counting the fd links by glob reads the directory in this shell: no `ls | wc` fork per process.
  set +f
  set -- "/proc/$sp/fd/"*
  set -f
  if [ -L "$1" ]; then fds=$#; else fds=-; fi
  scwd=
  if cd -P "/proc/$sp/cwd" 2>/dev/null; then
    scwd=$PWD
    cd / || :
  fi
  printf '%s:s %s %s %s %s %s %s %s %s %s %s\t%s\t%s\n' "$M" "$sp" "$sppid" "$sstate" "$sstart" "$sut" "$sst" "$srss" "$fds" "$w" "$sc" "$scwd" "$stitle"
}

cmd_sample() {
  want=${1:-}
  say "hello $PROTOCOL sample"
  say "info now_ms $(now_ms)"
  up=
  { read -r up _ < /proc/uptime; } 2>/dev/null
  say "info uptime ${up:--}"
  say "info clk_tck $(getconf CLK_TCK 2>/dev/null || echo 100)"
  say "info page_size $(getconf PAGESIZE 2>/dev/null || echo 4096)"
  say "info arch $(uname -m 2>/dev/null)"
  ps -eo pid=,args= 2>/dev/null | while read -r pid args; do
    case $args in "WorkerMan: "*) sample_one "$pid" "$args" ;; esac
  done
  [ -n "$want" ] && say "app $want"
  say "done sample"
}

cmd_status() {
  what=$1
  need_uint timeout "$2" "$MAX_STATUS_TIMEOUT_S"
  sf=$3
  if [ "$PRIV" = 1 ]; then
    read_conf
    in_conf "$sf" || fail host_setup - conf_other_start_file ""
    [ -n "$C_RUNAS" ] || fail host_setup - conf_no_run_as ""
    cd "${sf%/*}" 2> /dev/null || fail start_file_missing - no_dir ""
    if command -v runuser > /dev/null 2>&1; then
      exec timeout -k 5 "$2" runuser -u "$C_RUNAS" -- "$C_PHP" "$sf" "$what"
    fi
    exec timeout -k 5 "$2" setpriv --reuid="$C_RUNAS" --regid="$(id -g "$C_RUNAS")" --init-groups -- "$C_PHP" "$sf" "$what"
  fi
  is_path "$sf" || fail input_invalid - bad_start_file ""
  cd "${sf%/*}" 2> /dev/null || fail start_file_missing - no_dir ""
  exec timeout -k 5 "$2" php "$sf" "$what"
}

cmd_trace() {
  [ $# -ge 10 ] || fail input_invalid - bad_args "$#"
  NONCE=$1 DUR=$2 HALF=$3 SLEN=$4 MAXB=$5 SLOTS=$6 SLIMIT=$7 STRACE=$8 SF=$9
  shift 9
  case $NONCE in '' | *[!0-9a-f]*) fail input_invalid - bad_nonce "" ;; esac
  [ "${#NONCE}" -le 64 ] || fail input_invalid - bad_nonce ""
  need_seconds duration "$DUR"
  need_seconds half "$HALF"
  need_uint string_limit "$SLEN" "$MAX_STRLIMIT"
  need_uint max_bytes "$MAXB" "$MAX_BYTES"
  need_uint slots "$SLOTS" "$MAX_SLOTS"
  [ "$SLOTS" -ge 1 ] || fail input_invalid - bad_slots "$SLOTS"
  need_uint syscall_limit "$SLIMIT" 100000000
  [ $# -le "$MAX_PIDS" ] || fail input_invalid - too_many_pids "$#"
  for p do need_pid "$p"; done
  PIDS=" $* "
  if [ "$PRIV" = 1 ]; then
    read_conf
    # Under sudo only numbers come from the caller: the app and strace are helper.conf's.
    [ "${DUR%%.*}" -lt "$C_MAXDUR" ] || [ "$DUR" = "$C_MAXDUR" ] || fail input_invalid - duration_cap "$C_MAXDUR"
    if [ -z "$SF" ]; then
      # shellcheck disable=SC2086
      set -- $C_SFS
      [ $# -eq 1 ] || fail input_invalid - several_apps_conf ""
      SF=$1
    fi
    in_conf "$SF" || fail host_setup - conf_other_start_file ""
    STRACE=$C_STRACE
  else
    is_program "$STRACE" || fail input_invalid - bad_strace ""
    [ -z "$SF" ] || is_path "$SF" || fail input_invalid - bad_start_file ""
  fi

  say "hello $PROTOCOL $NONCE"
  say "info clk_tck $(getconf CLK_TCK 2>/dev/null || echo 100)"
  say "info arch $(uname -m 2>/dev/null)"
  say "info uid $ME"
  say "info mode $([ "$PRIV" = 1 ] && echo sudo || echo user)"

  # --- preflight: tools
  command -v "$STRACE" > /dev/null 2>&1 || fail strace_missing - strace_missing "$STRACE"
  for t in timeout flock tail; do
    command -v "$t" > /dev/null 2>&1 || fail command_failed - tool_missing "$t"
  done
  SV=$("$STRACE" -V 2>/dev/null | head -n 1)
  say "info strace_version $SV"
  V=$(printf '%s\n' "$SV" | sed -n 's/.*version \([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p')
  HASLIMIT=0
  if [ -n "$V" ]; then
    maj=${V% *} min=${V#* }
    if [ "$maj" -gt 6 ] || { [ "$maj" -eq 6 ] && [ "$min" -ge 3 ]; }; then HASLIMIT=1; fi
  fi
  say "info syscall_limit $HASLIMIT"

  # --- preflight: permissions
  YS=0
  { read -r YS < /proc/sys/kernel/yama/ptrace_scope; } 2>/dev/null
  say "info yama ${YS:-0}"
  [ "${YS:-0}" = 3 ] && fail strace_not_permitted - yama_3 3
  if [ "$ME" = 0 ]; then
    CE=
    # shellcheck disable=SC2086
    { while IFS=: read -r k v; do [ "$k" = CapEff ] && { set -- $v; CE=${1:-}; break; }; done < /proc/self/status; } 2>/dev/null
    if [ -n "$CE" ] && [ $(((0x$CE >> 19) & 1)) -eq 0 ]; then fail strace_not_permitted - no_cap_sys_ptrace "$CE"; fi
  elif [ "${YS:-0}" = 1 ] || [ "${YS:-0}" = 2 ]; then
    if ! getcap "$(command -v "$STRACE")" 2>/dev/null | grep -q cap_sys_ptrace; then
      fail strace_not_permitted - "yama_$YS" "$YS"
    fi
  fi

  # --- preflight: which app. Without a start file, the one app whose master runs; several: refuse.
  # OURS / ANYM: the pids of this app's live masters / of every live master, as " PID PID " (the
  # shell's own loops: no awk, sort or tr on the way to the attach).
  MASTERS=$(live_masters)
  if [ -z "$SF" ]; then
    apps=
    n=0
    while read -r mp msf; do
      [ -n "$msf" ] || continue
      case "$apps " in *" $msf "*) ;; *) apps="$apps $msf" n=$((n + 1)) ;; esac
    done <<MASTERS_EOF
$MASTERS
MASTERS_EOF
    [ "$n" -le 1 ] || fail input_invalid - several_apps "$n"
    SF=${apps# }
  fi
  OURS=' '
  ANYM=' '
  while read -r mp msf; do
    [ -n "$mp" ] || continue
    ANYM="$ANYM$mp "
    [ -n "$msf" ] && [ "$msf" = "$SF" ] && OURS="$OURS$mp "
  done <<MASTERS_EOF
$MASTERS
MASTERS_EOF
  [ -n "$SF" ] && say "info start_file $SF"

  # --- preflight: every pid is a live, untraced Workerman process of this app; its start time is
  # recorded to tell it from a later process that gets the same pid.
  for p in $PIDS; do
    proc_stat "$p" || fail pid_not_found "$p" gone ""
    case $S_STATE in Z | X) fail pid_not_found "$p" zombie "" ;; esac
    [ -n "$S_START" ] || fail pid_not_found "$p" gone ""
    ppid=$S_PPID
    start=$S_START
    cl=$(cmdline_of "$p")
    # An exiting process loses its command line before it turns into a zombie.
    if [ -z "$cl" ]; then
      proc_stat "$p" || fail pid_not_found "$p" gone ""
      case $S_STATE in Z | X) fail pid_not_found "$p" zombie "" ;; esac
    fi
    role=-
    case $cl in "$MASTER_TITLE"*) role=master ;; "$WORKER_TITLE"*) role=worker ;; esac
    [ "$role" != - ] || fail pid_not_workerman "$p" title ""
    note=
    if [ "$role" = master ]; then
      case $OURS in *" $p "*) ;; *)
        [ -z "$SF" ] || fail pid_not_workerman "$p" other_start_file "" ;;
      esac
    else
      case $OURS in
        *" $ppid "*) ;;
        *)
          case $ANYM in
            *" $ppid "*) fail pid_not_workerman "$p" other_start_file "" ;;
          esac
          # An orphan: its master is gone. It belongs to this app when the app has no live master (it
          # is what is left of it), or when it runs in the app's directory.
          cwd=$(readlink "/proc/$p/cwd" 2>/dev/null)
          if [ -n "$SF" ] && [ "$OURS" != ' ' ] && [ "$cwd" != "${SF%/*}" ]; then
            fail pid_not_workerman "$p" orphan_other ""
          fi
          note=orphan
          ;;
      esac
    fi
    proc_status "$p" || fail pid_not_found "$p" gone ""
    if [ "${P_TRACER:-0}" != 0 ]; then
      fail already_traced "$p" tracer "$P_TRACER" "$(cat "/proc/$P_TRACER/comm" 2>/dev/null)"
    fi
    # shellcheck disable=SC2031
    [ "$ME" = 0 ] || [ "$P_UID" = "$ME" ] || fail strace_not_permitted "$p" other_uid "$P_UID" "$ME"
    eval "START_$p=\$start PRE_$p=\$S_STATE"
    [ -n "$note" ] && say "note $p $note"
    say "proc $p $ppid $role $start $cl"
  done

  # --- locks, then the snapshot before
  lock_dir_pick
  lock_dir_check || fail host_setup - "lock_dir_$WHY" "$D" "$WHERE"
  register
  # (work directories of an older helper, named run.XXXXXX, have no owner to check)
  find "$D" -maxdepth 1 -type d -name 'run.*' -mmin +30 -exec rm -rf {} + 2>/dev/null
  W=$(mktemp -d "$D/run.$$.$MYSTART.XXXXXX") || fail command_failed - mktemp ""
  snap_all before

  # A test hook, honoured only as the calling user (never under sudo): wait here, between the checks
  # and the attach, until a file appears, so a test can have the pid reused in just this window.
  if [ "$PRIV" = 0 ] && [ -n "${WORKERMAN_OPS_TEST_PAUSE:-}" ]; then
    : > "$WORKERMAN_OPS_TEST_PAUSE.ready"
    i=0
    while [ ! -e "$WORKERMAN_OPS_TEST_PAUSE" ] && [ $i -lt 200 ]; do i=$((i + 1)); sleep 0.05; done
  fi

  # --- the time box: timeout, run by this script, stops strace with SIGINT; -k is the last resort.
  set -- timeout -s INT -k "$KILL_AFTER_S" "$DUR" "$STRACE" -f -tt -T -yy -s "$SLEN"
  [ "$HASLIMIT" = 1 ] && set -- "$@" "--syscall-limit=$SLIMIT"
  for p in $PIDS; do set -- "$@" -p "$p"; done
  for a do say "argv $a"; done
  now_ms > "$W/t0"
  : > "$W/trace"
  "$@" < /dev/null > /dev/null 2>> "$W/trace" &
  TP=$!
  (
    while kill -0 "$TP" 2>/dev/null; do
      sz=$({ wc -c < "$W/trace"; } 2>/dev/null) || sz=0
      if [ "$((sz + 0))" -gt "$MAXB" ]; then : > "$W/truncated"; kill -INT "$TP" 2>/dev/null; break; fi
      sleep 0.2
    done
  ) &
  WATCHPID=$!

  # --- attached? Then the pids must still name the processes checked above (pid reuse).
  # Polled every 10 ms (strace attaches in a few): the wait is on the trace's critical path. Cap 5 s.
  i=0
  while [ $i -lt 500 ] && [ "$STOP" = 0 ] && kill -0 "$TP" 2>/dev/null; do
    all=1
    for p in $PIDS; do
      if proc_status "$p"; then [ "${P_TRACER:-0}" != 0 ] || all=0; fi
    done
    [ $all = 1 ] && break
    i=$((i + 1))
    sleep 0.01
  done
  REUSED=
  for p in $PIDS; do
    eval "want=\$START_$p"
    if proc_stat "$p" && [ "$S_START" != "$want" ]; then REUSED="$REUSED $p"; fi
  done
  [ -n "$REUSED" ] && kill -INT "$TP" 2>/dev/null
  say "info attached $(now_ms)"

  ( sleep "$HALF"; snap_all mid > "$W/mid.tmp" 2>/dev/null; mv "$W/mid.tmp" "$W/mid" ) &
  MIDPID=$!
  say "trace-begin $NONCE"
  # -s: how often tail checks whether strace is gone; the trace ends at most that long after strace.
  tail -n +1 -s 0.05 -f --pid="$TP" "$W/trace" 2>/dev/null &
  TAILPID=$!
  # `wait` returns early when a trapped signal arrives; the trap has stopped strace by then.
  while :; do
    wait "$TAILPID"
    trc=$?
    kill -0 "$TAILPID" 2>/dev/null || break
  done
  TAILPID=
  # tail ends with strace; ending before it means nobody reads any more (the channel is gone).
  kill -0 "$TP" 2>/dev/null && kill -INT "$TP" 2>/dev/null
  [ "$trc" = 0 ] || STOP=1
  say "trace-end $NONCE"
  while :; do
    wait "$TP"
    rc=$?
    kill -0 "$TP" 2>/dev/null || break
  done
  now_ms > "$W/t1"
  kill "$WATCHPID" "$MIDPID" 2>/dev/null
  WATCHPID=
  MIDPID=

  # --- every target is left running and untraced; SIGCONT for one left stopped by the trace.
  want=
  pre=
  for p in $PIDS; do
    eval "want=\$START_$p pre=\$PRE_$p"
    if ! proc_stat "$p"; then say "verify $p gone - - $pre 1"; continue; fi
    if [ "$S_START" != "$want" ]; then say "verify $p gone - - $pre 0"; continue; fi
    proc_status "$p"
    if [ "$S_STATE" = T ] || [ "$S_STATE" = t ] || [ "${P_TRACER:-0}" != 0 ]; then
      sleep 0.3
      proc_stat "$p"
      proc_status "$p"
    fi
    fix=-
    if { [ "$S_STATE" = T ] || [ "$S_STATE" = t ]; } && [ "${P_TRACER:-0}" = 0 ] && [ "$pre" != T ]; then
      if kill -CONT "$p" 2>/dev/null; then fix=sigcont; else fix=sigcont-failed; fi
      sleep 0.05
      proc_stat "$p"
    fi
    say "verify $p $S_STATE ${P_TRACER:-?} $fix $pre 1"
  done
  [ -e "$W/mid" ] && cat "$W/mid"
  snap_all after
  if [ -n "$REUSED" ]; then
    # shellcheck disable=SC2086
    set -- $REUSED
    fail pid_reused "$1" start_time ""
  fi
  TR=0
  [ -e "$W/truncated" ] && TR=1
  say "result $rc $TR $(cat "$W/t0" 2>/dev/null || echo -) $(cat "$W/t1" 2>/dev/null || echo -) $STOP"
  say "done $NONCE"
}

[ $# -ge 1 ] || fail input_invalid - bad_args 0
cmd=$1
shift
case $cmd in
  version) cmd_version ;;
  check) cmd_check "$@" ;;
  procs)
    [ $# -le 1 ] || fail input_invalid - bad_args "$#"
    if [ "$PRIV" = 1 ]; then read_conf; fi
    cmd_procs "${1:-}"
    ;;
  sample)
    [ $# -le 1 ] || fail input_invalid - bad_args "$#"
    if [ "$PRIV" = 1 ]; then read_conf; fi
    [ -z "${1:-}" ] || is_path "$1" || fail input_invalid - bad_start_file ""
    cmd_sample "${1:-}"
    ;;
  status | connections)
    [ $# -eq 2 ] || fail input_invalid - bad_args "$#"
    cmd_status "$cmd" "$1" "$2"
    ;;
  trace) cmd_trace "$@" ;;
  *) fail input_invalid - bad_command "" ;;
esac
