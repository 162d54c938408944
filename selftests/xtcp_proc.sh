#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# /proc/net/xtcp (the /proc/net/tcp format) and /proc/net/xtcp_stat,
# both per network namespace.
#
#   netns A                           netns B               netns C (fresh)
#   +---------------------------+     +----------------+    +---------------+
#   | sockhold XTCP 0.0.0.0:7000|     | sockhold XTCP  |    | xtcp_stat all |
#   |   (root, backlog 5)       |     |   0.0.0.0:7100 |    | zero          |
#   | sockhold XTCP 0.0.0.0:7001|     +----------------+    +---------------+
#   |   (uid 65534)             |
#   | sockhold -t TCP 0.0.0.0:7000 (reference row in /proc/net/tcp)
#   +---------------------------+
#   no links; each namespace's files are read via /proc/PID/net of a
#   sockhold process living in it.

source "$(dirname "$0")/lib.sh"

HOLD=$XTCP_TESTS_DIR/build/helpers/sockhold
NSA=$NS_PREFIX-a
NSB=$NS_PREFIX-b
NSC=$NS_PREFIX-c
STAT_NAMES="ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs
RetransSegs InErrs OutRsts InCsumErrors ListenOverflows ListenDrops EmbryonicRsts
SyncookiesSent SyncookiesRecv SyncookiesFailed TCPKeepAlive TCPAbortOnTimeout TimeWaited
TCPTimeWaitOverflow"

tap_plan 16

[ -x "$HOLD" ] || fail "$HOLD missing: run make -C selftests"
[ -r /proc/net/xtcp ] || fail "/proc/net/xtcp missing: is xtcp.ko loaded?"

ns_create "$NSA" "$NSB" "$NSC"

# hold NAME NS ARGS...: start sockhold in NS, wait for "port=P inode=I";
# sets NAME_pid and NAME_inode
hold() {
	local name=$1 ns=$2 out
	shift 2
	"$HOLD" -N "/run/netns/$ns" "$@" >"$TMPD/$name" 2>&1 &
	bg_track $!
	printf -v "${name}_pid" %s $!
	wait_for_file "$TMPD/$name" 30 "inode=" || fail "sockhold $* did not start: $(<"$TMPD/$name")"
	out=$(<"$TMPD/$name")
	printf -v "${name}_inode" %s "${out##*inode=}"
}

# row FILE PORT: the rows of FILE (after the header) whose local port is PORT
row() {
	local l f hex
	printf -v hex '%04X' "$2"
	{
		IFS= read -r l	# header
		while IFS= read -r l; do
			read -r -a f <<<"$l"
			[ "${f[1]##*:}" = "$hex" ] && echo "$l"
		done
	} <"$1"
}

# 1: header
IFS= read -r hx </proc/net/xtcp
IFS= read -r ht </proc/net/tcp
if [ "$hx" = "$ht" ]; then
	tap_ok "proc: header line equals /proc/net/tcp's"
else
	tap_fail "proc: header line equals /proc/net/tcp's" "xtcp '$hx' (${#hx} chars), tcp '$ht' (${#ht} chars)"
fi

hold h1 "$NSA" -a 0.0.0.0 -p 7000 -b 5
hold t1 "$NSA" -t -a 0.0.0.0 -p 7000 -b 5
hold h2 "$NSA" -u 65534 -a 0.0.0.0 -p 7001 -b 5
hold hb "$NSB" -a 0.0.0.0 -p 7100 -b 5
hold hc "$NSC" -n	# a socket that is neither bound nor listening

XA=/proc/$h1_pid/net/xtcp
xrow=$(row "$XA" 7000)
trow=$(row "/proc/$h1_pid/net/tcp" 7000)
tap_diag "xtcp row: $xrow"
tap_diag "tcp  row: $trow"
read -r -a xf <<<"$xrow"
read -r -a tf <<<"$trow"

# 2: one LISTEN row
if [ -n "$xrow" ] && [[ "$xrow" != *$'\n'* ]] && [ "${xf[1]}" = "00000000:1B58" ] &&
	[ "${xf[2]}" = "00000000:0000" ] && [ "${xf[3]}" = "0A" ]; then
	tap_ok "proc: listener in A has one row 00000000:1B58 00000000:0000 state 0A"
else
	tap_fail "proc: listener in A has one row 00000000:1B58 00000000:0000 state 0A" "row: '$xrow'"
fi

# 3: the fixed columns
re='^ *[0-9]+: [0-9A-F]{8}:[0-9A-F]{4} [0-9A-F]{8}:[0-9A-F]{4} [0-9A-F]{2} [0-9A-F]{8}:[0-9A-F]{8} [0-9A-F]{2}:[0-9A-F]{8} [0-9A-F]{8} +[0-9]+ +-?[0-9]+ [0-9]+ '
if [[ "$xrow" =~ $re ]]; then
	tap_ok "proc: row columns have /proc/net/tcp's widths"
else
	tap_fail "proc: row columns have /proc/net/tcp's widths" "row: '$xrow'"
fi

# 4: same number of columns and same padded length as a TCP listener's row
if [ "${#xf[@]}" -eq "${#tf[@]}" ] && [ "${#xrow}" -eq "${#trow}" ]; then
	tap_ok "proc: row has as many columns and as much padding as /proc/net/tcp's"
else
	tap_fail "proc: row has as many columns and as much padding as /proc/net/tcp's" \
		"xtcp ${#xf[@]} columns ${#xrow} chars, tcp ${#tf[@]} columns ${#trow} chars"
fi

# 5: tx_queue:rx_queue of a listener = backlog:0 (the XTCP contract)
tap_check "proc: tx_queue:rx_queue of the listen(5) socket is 00000005:00000000" \
	test "${xf[4]}" = "00000005:00000000"

# 6: timer, retrnsmt, uid, timeout of an idle listener (as TCP prints them)
tap_check "proc: timer/retrnsmt/uid/timeout columns are 00:00000000 00000000 0 0" \
	test "${xf[5]} ${xf[6]} ${xf[7]} ${xf[8]}" = "00:00000000 00000000 0 0"

# 7: inode
tap_check "proc: inode column is the socket's inode" test -n "$h1_inode" -a "${xf[9]}" = "$h1_inode"

# 8: no kernel pointers
ptr_ok=1
[ "${xf[11]}" = "0000000000000000" ] || ptr_ok=0
for f in "${xf[@]}"; do
	[[ "$f" =~ ^ffff[0-9a-f]{12}$ ]] && ptr_ok=0
done
tap_check "proc: pointer column is 0000000000000000, no kernel addresses" test "$ptr_ok" -eq 1

# 9: uid column
urow=$(row "$XA" 7001)
read -r -a uf <<<"$urow"
tap_check "proc: uid column is the owner's uid (65534)" test "${uf[7]}" = 65534

# 10, 11: per namespace
bx=$(row "/proc/$hb_pid/net/xtcp" 7000)
ab=$(row "$XA" 7100)
tap_check "proc: A's listener is not listed in netns B (and B's not in A)" test -z "$bx$ab"
tap_check "proc: A's listener is not listed in the caller's netns" test -z "$(row /proc/net/xtcp 7000)"

# 12: close removes the row
kill "$h1_pid"
wait "$h1_pid" 2>/dev/null
tap_check "proc: row disappears when the listener exits" test -z "$(row "/proc/$t1_pid/net/xtcp" 7000)"

# 13..16: xtcp_stat of netns C (nothing but an idle socket ever ran there)
stat_c=$(<"/proc/$hc_pid/net/xtcp_stat")
have_stat=1
[ -n "$stat_c" ] || { have_stat=0; tap_diag "/proc/net/xtcp_stat is empty or unreadable in a new netns"; }
bad="" nonzero="" seen=" " dups=""
while IFS= read -r l; do
	[[ "$l" =~ ^[A-Za-z][A-Za-z0-9]*\ [0-9]+$ ]] || bad+=" '$l'"
	read -r n v <<<"$l"
	[ "$v" = 0 ] || nonzero+=" $n=$v"
	[[ "$seen" == *" $n "* ]] && dups+=" $n"
	seen+="$n "
done <<<"$stat_c"
missing=""
for n in $STAT_NAMES; do
	[[ "$seen" == *" $n "* ]] || missing+=" $n"
done
tap_check "proc: every xtcp_stat line is 'Name value'" test "$have_stat" = 1 -a -z "$bad"
[ -n "$bad" ] && tap_diag "bad lines:$bad"
tap_check "proc: xtcp_stat has every required MIB name" test "$have_stat" = 1 -a -z "$missing"
[ -n "$missing" ] && tap_diag "missing:$missing"
tap_check "proc: xtcp_stat has no repeated names" test "$have_stat" = 1 -a -z "$dups"
[ -n "$dups" ] && tap_diag "repeated:$dups"
tap_check "proc: xtcp_stat of a fresh netns is all zero" test "$have_stat" = 1 -a -z "$nonzero"
[ -n "$nonzero" ] && tap_diag "non-zero:$nonzero"

tap_done
