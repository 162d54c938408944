#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Orphans and namespace teardown, over XTCP and over Linux TCP in the same
# run: connections in many states (ESTABLISHED with data in flight, CLOSE_WAIT,
# FIN_WAIT2, TIME_WAIT, SYN_SENT), then the link goes dead (netem loss 100%),
# the program exits (every user socket closed: those with a FIN to deliver
# become orphans) and both namespaces are deleted. Each orphan must end on
# its own within Linux's bounds (orphan_retries, fin_timeout), and then
# nothing holds the module any more: its reference count is back where it
# was, so `rmmod xtcp` would succeed.
#
#   netns A                                 netns B
#   +----------------------+   veth pair    +----------------------+
#   | listener 10.0.0.1    | va -------- vb | 7 clients 10.0.0.2   |
#   | netem loss 100% (*)  |                | netem loss 100% (*)  |
#   +----------------------+                +----------------------+
#   (*) once the states are set up (helpers/orphanmaker)
#
# orphan_retries=1 and fin_timeout=3 (XTCP's and Linux's sysctls alike) keep
# the wait short: Linux bounds an orphan's retransmissions by the time
# orphan_retries of them take from the minimum RTO, FIN_WAIT2 by
# fin_timeout.

source "$(dirname "$0")/lib.sh"

MAKER=$XTCP_TESTS_DIR/build/helpers/orphanmaker
LIMIT=30	# seconds for every orphan to end (Linux needs ~4 here)

tap_plan 8

[ -x "$MAKER" ] || fail "$MAKER missing: run make -C selftests"
[ -r /proc/net/xtcp_sockstat ] || fail "/proc/net/xtcp_sockstat missing: is xtcp.ko loaded?"

# orphans STACK: the system-wide orphan count of one stack
orphans() {
	local f=/proc/net/sockstat k=TCP: w
	[ "$1" = xtcp ] && { f=/proc/net/xtcp_sockstat; k=XTCP:; }
	set -- $(grep "^$k" "$f")
	while [ $# -gt 1 ]; do
		[ "$1" = orphan ] && { echo "$2"; return; }
		shift
	done
	echo -1
}

refcnt() { cat /sys/module/xtcp/refcnt 2>/dev/null || echo -1; }

# run STACK: one round; sets ST (states seen), PEAK, SECS (-1: not within LIMIT)
run() {
	local stack=$1 x= na=$NS_PREFIX-$1a nb=$NS_PREFIX-$1b base t0 i n ns

	[ "$stack" = xtcp ] && x=-x
	ns_create "$na" "$nb"
	veth_create "$na" va "$nb" vb
	ns_batch "$na" <<-END
		addr add 10.0.0.1/24 dev va
		link set va up
		link set lo up
	END
	ns_batch "$nb" <<-END
		addr add 10.0.0.2/24 dev vb
		link set vb up
		link set lo up
	END
	for ns in "$na" "$nb"; do
		if [ "$stack" = xtcp ]; then
			ip netns exec "$ns" sysctl -qw net.xtcp.orphan_retries=1 net.xtcp.fin_timeout=3
		else
			ip netns exec "$ns" sysctl -qw net.ipv4.tcp_orphan_retries=1 net.ipv4.tcp_fin_timeout=3
		fi || fail "sysctls in $ns"
	done
	base=$(orphans "$stack")
	ST=$("$MAKER" $x "$na" "$nb" va vb 2>"$TMPD/$stack.err")
	PEAK=$(orphans "$stack")
	tap_diag "$stack: states before exit: $ST; orphans $base before, $PEAK after exit"
	if [ "$PEAK" -le "$base" ]; then	# what is left, for the log
		tap_diag "$stack: orphanmaker stderr: $(tr '\n' ' ' <"$TMPD/$stack.err")"
		for ns in "$na" "$nb"; do
			tap_diag "$stack: $ns rows after exit: $(ip netns exec "$ns" \
				awk 'NR > 1 { printf "%s:%s ", $3, $4 }' "/proc/net/$stack" 2>&1)"
		done
	fi
	ip netns del "$na"
	ip netns del "$nb"
	_LIB_NS=()
	t0=$(date +%s.%N)
	SECS=-1
	for ((i = 0; i < LIMIT * 10; i++)); do
		n=$(orphans "$stack")
		if [ "$n" -le "$base" ]; then
			SECS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
			break
		fi
		tsleep 0.1
	done
	tap_diag "$stack: orphans back to $base after ${SECS} s (-1: not within $LIMIT s)"
}

REF0=$(refcnt)
run xtcp
XST=$ST XPEAK=$PEAK XSECS=$SECS
REF1=$(refcnt)
run tcp
TST=$ST TPEAK=$PEAK TSECS=$SECS

has_states() {
	local s
	for s in st01 st02 st05 st06 st08; do
		[[ " $1" == *" $s="* ]] || return 1
	done
}
tap_check "XTCP: ESTABLISHED, SYN_SENT, FIN_WAIT2, TIME_WAIT, CLOSE_WAIT set up ($XST)" \
	has_states "$XST"
tap_check "Linux TCP: the same states set up ($TST)" has_states "$TST"
tap_check "XTCP: closing the program left orphans" test "$XPEAK" -ge 1
tap_check "Linux TCP: closing the program left orphans" test "$TPEAK" -ge 1
tap_check "XTCP: every orphan ended after the namespaces were deleted (${XSECS} s)" \
	test "$XSECS" != -1
tap_check "Linux TCP: every orphan ended after the namespaces were deleted (${TSECS} s)" \
	test "$TSECS" != -1
tap_diag "xtcp.ko reference count: $REF0 before, $REF1 after"
tap_check "nothing holds xtcp.ko any more (reference count back to $REF0): rmmod would succeed" \
	test "$REF1" -le "$REF0"
xs=${XSECS%.*}
ts=${TSECS%.*}
tap_check "XTCP's orphans ended within Linux's time plus 10 s (${XSECS} s vs ${TSECS} s)" \
	test "$XSECS" != -1 -a "$TSECS" != -1 -a "${xs:-99}" -le $((${ts:-0} + 10))

tap_done
