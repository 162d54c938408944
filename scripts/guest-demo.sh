#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-demo.sh - narrated tour of what XTCP does at this stage; runs INSIDE
# a scripts/vm-run.sh guest (started by scripts/demo.sh / `make demo`).
#
# Usage: scripts/guest-demo.sh [KVER]      (default: the running kernel)
#
# Needs build/KVER/xtcp.ko (make) and tools/build/xtcp_demo (make -C tools).
# Every step is a function step_NAME, run in the order of STEPS below; a
# failing step is reported and the tour goes on. To grow the demo, write a
# new step_ function and add its name to STEPS.
# Exit status: 0 if every step worked, 1 otherwise.
# Steps are called indirectly (step_$name).
# shellcheck disable=SC2317
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
KVER=${1:-$(uname -r)}
MODULE=$REPO/build/$KVER/xtcp.ko
DEMO=$REPO/tools/build/xtcp_demo
RAWSYN=$REPO/tools/xtcp_rawsyn.py

PORT=5000		# the demo listener (initial namespace)
CLOSED_PORT=5001	# nobody listens here: SYNs get RSTs
NSA=xdemo-a		# 10.0.0.1, answers
NSB=xdemo-b		# 10.0.0.2, sends the SYN
TMPD=$(mktemp -d /tmp/xtcp-demo.XXXXXX)
LISTEN_LOG=$TMPD/listen.log
listen_pid=
cap_pid=

STEPS=(
	insmod
	socket_listen
	proc_net
	sysctl_list
	sysctl_netns
	stat
	rst
	connection
	close
	rmmod
)

cleanup() {
	[ -n "$cap_pid" ] && kill "$cap_pid" 2>/dev/null
	[ -n "$listen_pid" ] && kill "$listen_pid" 2>/dev/null
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	rm -rf "$TMPD"
}
trap cleanup EXIT

# Colours when the host terminal has them (scripts/demo.sh sets XTCP_DEMO_COLOR).
if [ "${XTCP_DEMO_COLOR:-0}" = 1 ]; then
	B=$'\033[1m' C=$'\033[36m' R=$'\033[31m' N=$'\033[0m'
else
	B='' C='' R='' N=''
fi
heading() { printf '\n%s==== %s ====%s\n' "$B" "$*" "$N"; }
say() { printf '%s\n' "$*"; }
# show CMD...: print the command like a shell prompt, then run it.
show() {
	printf '%s# %s%s\n' "$C" "$*" "$N"
	"$@"
}
# wait_for FILE PATTERN SECS
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ------------------------------------------------------------------ steps
step_insmod() {
	heading "Load the module: insmod build/$KVER/xtcp.ko"
	[ -f "$MODULE" ] || { say "$MODULE not built (run make)"; return 1; }
	echo "xtcp-demo: insmod" >/dev/kmsg
	say "(what it depends on first: $(modinfo -F depends "$MODULE"))"
	for dep in $(modinfo -F depends "$MODULE" | tr , ' '); do
		show modprobe "$dep" || return 1
	done
	show insmod "$MODULE" || return 1
	say "Kernel log since the insmod:"
	dmesg | sed -n '/xtcp-demo: insmod/,$p' | grep -v 'xtcp-demo:'
	show grep -E '^xtcp ' /proc/modules
}

step_socket_listen() {
	heading "socket(AF_XTCP, SOCK_STREAM, 0), bind to port $PORT, listen"
	[ -x "$DEMO" ] || { say "$DEMO not built (make -C tools)"; return 1; }
	say "# $DEMO listen $PORT 600 &"
	"$DEMO" listen "$PORT" 600 >"$LISTEN_LOG" 2>&1 &
	listen_pid=$!
	if ! wait_for "$LISTEN_LOG" "listening on" 30; then
		cat "$LISTEN_LOG"
		return 1
	fi
	cat "$LISTEN_LOG"
}

step_proc_net() {
	heading "/proc/net/xtcp: the listener, in /proc/net/tcp's format (st 0A = LISTEN)"
	say "/proc/net/tcp's header, for comparison:"
	head -n 1 /proc/net/tcp
	say "/proc/net/xtcp (port $PORT = 0x$(printf '%04X' "$PORT")):"
	show cat /proc/net/xtcp || return 1
	grep -qE ":$(printf '%04X' "$PORT") 00000000:0000 0A " /proc/net/xtcp ||
		{ say "(no LISTEN row for port $PORT)"; return 1; }
}

step_sysctl_list() {
	heading "Per-namespace tunables: sysctl net.xtcp"
	show sysctl net.xtcp
}

step_sysctl_netns() {
	heading "Sysctls are per network namespace"
	local v
	show ip netns add "$NSA" || return 1
	show ip netns exec "$NSA" sysctl -w net.xtcp.tw_timeout=30 || return 1
	say "In $NSA:"
	show ip netns exec "$NSA" sysctl net.xtcp.tw_timeout
	say "In the initial namespace (unchanged, default 60):"
	show sysctl net.xtcp.tw_timeout
	v=$(sysctl -n net.xtcp.tw_timeout)
	[ "$v" = 60 ] || { say "(expected 60, got $v)"; return 1; }
}

step_stat() {
	heading "Counters: /proc/net/xtcp_stat (nstat-like \"Name value\")"
	show cat /proc/net/xtcp_stat
}

step_rst() {
	heading "A SYN to a closed XTCP port is answered by a RST (veth between two namespaces)"
	local cap=$TMPD/rst.pcap
	ip netns list | grep -qw "$NSA" || ip netns add "$NSA"
	show ip netns add "$NSB" || return 1
	show ip link add veth-a netns "$NSA" type veth peer name veth-b netns "$NSB" || return 1
	ip -n "$NSA" addr add 10.0.0.1/24 dev veth-a
	ip -n "$NSA" link set veth-a up
	ip -n "$NSA" link set lo up
	ip -n "$NSB" addr add 10.0.0.2/24 dev veth-b
	ip -n "$NSB" link set veth-b up
	ip -n "$NSB" link set lo up
	say "$NSA: 10.0.0.1 on veth-a  <--veth-->  $NSB: 10.0.0.2 on veth-b"
	say "# ip netns exec $NSB dumpcap -i veth-b -f 'ip proto 253' -w rst.pcap &"
	ip netns exec "$NSB" dumpcap -q -i veth-b -f 'ip proto 253' -w "$cap" \
		>"$TMPD/cap.log" 2>&1 &
	cap_pid=$!
	wait_for "$TMPD/cap.log" "Capturing on" 60 || { cat "$TMPD/cap.log"; return 1; }
	say "Send a hand-built SYN (TCP header on IP protocol 253) from $NSB to 10.0.0.1:$CLOSED_PORT:"
	show ip netns exec "$NSB" python3 "$RAWSYN" --dst 10.0.0.1 --dport "$CLOSED_PORT" \
		--sport 40000 --seq 1000 --wait 5
	local rc=$?
	sleep 1
	kill -INT "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
	cap_pid=
	say "The capture, decoded as TCP (tshark -d ip.proto==253,tcp):"
	show tshark -n -o tcp.check_checksum:TRUE -r "$cap" -d ip.proto==253,tcp \
		-T fields -E header=y -e frame.number -e ip.src -e ip.dst -e ip.proto \
		-e tcp.srcport -e tcp.dstport -e tcp.flags.str -e tcp.seq_raw -e tcp.ack_raw \
		-e tcp.checksum.status 2>/dev/null
	say "(tcp.checksum.status 1 = good: the checksum uses the TCP pseudo-header, protocol 6)"
	show tshark -n -o tcp.check_checksum:TRUE -r "$cap" -d ip.proto==253,tcp 2>/dev/null
	say "Counters in $NSA after answering:"
	ip netns exec "$NSA" cat /proc/net/xtcp_stat | grep -E '^(InSegs|OutSegs|OutRsts) '
	[ "$rc" = 0 ]
}

# The whole life of a connection between the two namespaces of step_rst:
# handshake, data, keepalive probes and their ACKs, close, TIME_WAIT
# (net.xtcp.tw_timeout=3 in the client's namespace) expiring.
step_connection() {
	heading "A connection: handshake, data, keepalive, close, TIME_WAIT"
	local cap=$TMPD/conn.pcap srv=$TMPD/serve.log cli=$TMPD/client.log
	local spid rc=0 i
	ip netns list | grep -qw "$NSB" || { say "(needs step rst's namespaces)"; return 1; }
	# fill in checksums in software so that tshark can verify them
	ip netns exec "$NSA" ethtool -K veth-a tx off >/dev/null 2>&1
	ip netns exec "$NSB" ethtool -K veth-b tx off >/dev/null 2>&1
	show ip netns exec "$NSB" sysctl -w net.xtcp.tw_timeout=3
	ip netns exec "$NSB" dumpcap -q -i veth-b -f 'ip proto 253' -w "$cap" \
		>"$TMPD/cap2.log" 2>&1 &
	cap_pid=$!
	wait_for "$TMPD/cap2.log" "Capturing on" 60 || { cat "$TMPD/cap2.log"; return 1; }
	say "# ip netns exec $NSA xtcp_demo serve 10.0.0.1 5002 &"
	ip netns exec "$NSA" "$DEMO" serve 10.0.0.1 5002 >"$srv" 2>&1 &
	spid=$!
	wait_for "$srv" "listening" 30 || { cat "$srv"; return 1; }
	say "# ip netns exec $NSB xtcp_demo connect 10.0.0.1 5002 hello 3 &"
	ip netns exec "$NSB" "$DEMO" connect 10.0.0.1 5002 hello 3 >"$cli" 2>&1 &
	wait_for "$cli" "SO_KEEPALIVE" 30 || { cat "$cli"; rc=1; }
	say "While connected (st 01 = ESTABLISHED), client side then server side:"
	ip netns exec "$NSB" cat /proc/net/xtcp
	ip netns exec "$NSA" cat /proc/net/xtcp | tail -n +2
	wait_for "$cli" "close()" 30 || rc=1
	sleep 0.5
	say "After the client's close(): the client holds TIME_WAIT (st 06, timer 03):"
	ip netns exec "$NSB" cat /proc/net/xtcp
	wait "$spid" || rc=1
	cat "$cli" "$srv"
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$NSB" grep -q ' 06 ' /proc/net/xtcp || break
		sleep 0.1
	done
	say "About 3 s later (net.xtcp.tw_timeout=3) the TIME_WAIT entry has expired:"
	ip netns exec "$NSB" cat /proc/net/xtcp
	ip netns exec "$NSB" grep -E '^(ActiveOpens|CurrEstab|TCPKeepAlive|TimeWaited) ' \
		/proc/net/xtcp_stat
	ip netns exec "$NSB" grep -q ' 06 ' /proc/net/xtcp && rc=1
	sleep 0.5
	kill -INT "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
	cap_pid=
	say "The capture, decoded as TCP with Wireshark's analysis (tshark -d ip.proto==253,tcp):"
	show tshark -n -o tcp.check_checksum:TRUE -o tcp.relative_sequence_numbers:TRUE \
		-r "$cap" -d ip.proto==253,tcp 2>/dev/null
	tshark -n -r "$cap" -d ip.proto==253,tcp -Y tcp.analysis.keep_alive 2>/dev/null |
		grep -q . || { say "(no keepalive probe in the capture)"; rc=1; }
	return "$rc"
}

step_close() {
	heading "Close the listener"
	[ -n "$listen_pid" ] || { say "(no listener running)"; return 1; }
	kill -TERM "$listen_pid"
	wait "$listen_pid"
	local rc=$?
	listen_pid=
	tail -n 2 "$LISTEN_LOG"
	show cat /proc/net/xtcp
	[ "$rc" = 0 ]
}

step_rmmod() {
	heading "Unload: rmmod xtcp"
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	echo "xtcp-demo: rmmod" >/dev/kmsg
	show rmmod xtcp || return 1
	dmesg | sed -n '/xtcp-demo: rmmod/,$p' | grep -v 'xtcp-demo:'
	if dmesg | grep -qE 'WARNING:|BUG:|Oops|Call Trace|leak'; then
		say "(the kernel log has warnings, see dmesg.txt)"
		return 1
	fi
	say "Module unloaded, kernel log clean."
}

# ------------------------------------------------------------------- main
say "XTCP demo on Linux $(uname -r) ($(nproc) CPUs, QEMU guest)"
failed=()
for s in "${STEPS[@]}"; do
	if ! "step_$s"; then
		printf '%s!! step %s failed%s\n' "$R" "$s" "$N"
		failed+=("$s")
	fi
done
echo
if [ ${#failed[@]} -eq 0 ]; then
	say "Demo finished: all ${#STEPS[@]} steps worked."
	exit 0
fi
say "Demo finished: ${#failed[@]} of ${#STEPS[@]} steps failed: ${failed[*]}"
exit 1
