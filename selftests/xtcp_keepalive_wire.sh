#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Keepalive probes on the wire, judged by Wireshark's TCP analysis
# (tshark -d ip.proto==253,tcp), for XTCP and for Linux TCP side by side.
#
#   netns A (client, keepalive)              netns B (server, answers)
#   +---------------------------+  veth pair  +----------------------+
#   | xtcp_tool keepalive: XTCP | va ------ vb| 10.0.0.2/24          |
#   | :7001 and TCP :7000       |             | listeners 7001, 7000 |
#   | 10.0.0.1/24, dumpcap on va|             |                      |
#   +---------------------------+             +----------------------+
#
# Each connection exchanges 4 bytes each way, then A enables SO_KEEPALIVE
# with TCP_KEEPIDLE=1 TCP_KEEPINTVL=1 TCP_KEEPCNT=9 and stays idle for
# 3.5 s: a probe about every second (an answered probe restarts the idle
# time), each an ACK without data whose seq is the next expected
# sequence number minus 1, each answered by B with an ACK.

source "$(dirname "$0")/lib.sh"

HELPER=$XTCP_TESTS_DIR/build/helpers/xtcp_tool
NSA=$NS_PREFIX-a
NSB=$NS_PREFIX-b
CAP=$TMPD/ka.pcapng

tap_plan 7

[ -x "$HELPER" ] || fail "$HELPER missing: run make -C selftests"
need_cmd tshark || fail "tshark not installed"
[ -r /proc/net/xtcp_stat ] || fail "/proc/net/xtcp_stat missing: is xtcp.ko loaded?"

topo_ab "$NSA" "$NSB"
cap_start "$NSA" va "$CAP" -f 'ip proto 253 or tcp'

"$HELPER" keepalive "/run/netns/$NSA" "/run/netns/$NSB" xtcp 7001 1 1 9 3.5 >"$TMPD/x.out" 2>&1 &
xpid=$!
"$HELPER" keepalive "/run/netns/$NSA" "/run/netns/$NSB" tcp 7000 1 1 9 3.5 >"$TMPD/t.out" 2>&1
wait "$xpid"
tsleep 0.3
cap_stop
tap_diag "xtcp helper: $(tr '\n' ' ' <"$TMPD/x.out")"
tap_diag "tcp helper: $(tr '\n' ' ' <"$TMPD/t.out")"

# one line per segment from or to 10.0.0.1:
# 0 time 1 ip.proto 2 src 3 sport 4 dport 5 seq_raw 6 ack_raw 7 len 8 flags 9 expert
tshark -r "$CAP" -d ip.proto==253,tcp -T fields -E separator='|' \
	-e frame.time_relative -e ip.proto -e ip.src -e tcp.srcport -e tcp.dstport \
	-e tcp.seq_raw -e tcp.ack_raw -e tcp.len -e tcp.flags -e _ws.expert.message \
	>"$TMPD/pkts" 2>"$TMPD/tshark.err" || fail "tshark decode: $(<"$TMPD/tshark.err")"

# analyse PROTO PORT: sets probes, acks, bad_seq, bad_form, gaps for one flow
analyse() {
	local proto=$1 port=$2 f last_nxt="" prev_t="" now
	probes=0 acks=0 bad_seq=0 bad_form=0 gaps=""
	while IFS='|' read -r -a f; do
		[ "${f[1]}" = "$proto" ] || continue
		if [ "${f[2]}" = 10.0.0.1 ] && [ "${f[4]}" = "$port" ]; then
			if [[ "${f[9]}" == *"keep-alive segment"* ]] &&
			   [[ "${f[9]}" != *"ACK to"* ]]; then
				probes=$((probes + 1))
				[ "${f[7]}" = 0 ] && [ "${f[8]}" = 0x0010 ] ||
					bad_form=$((bad_form + 1))
				[ -n "$last_nxt" ] &&
				[ "${f[5]}" = $(((last_nxt - 1) & 0xffffffff)) ] ||
					bad_seq=$((bad_seq + 1))
				now=$(to_ms "${f[0]}")
				[ -n "$prev_t" ] && gaps+=" $((now - prev_t))"
				prev_t=$now
			elif [ "${f[7]}" -gt 0 ] 2>/dev/null; then
				last_nxt=$((f[5] + f[7]))
			fi
		elif [ "${f[2]}" = 10.0.0.2 ] && [ "${f[3]}" = "$port" ] &&
		     [[ "${f[9]}" == *"ACK to a TCP keep-alive segment"* ]]; then
			acks=$((acks + 1))
		fi
	done <"$TMPD/pkts"
}

analyse 6 7000
t_probes=$probes t_acks=$acks t_gaps=$gaps
tap_diag "TCP: $probes probes, $acks keep-alive ACKs, bad seq $bad_seq, bad form $bad_form, gaps (ms):$gaps"
analyse 253 7001
tap_diag "XTCP: $probes probes, $acks keep-alive ACKs, bad seq $bad_seq, bad form $bad_form, gaps (ms):$gaps"

tap_check "keepalive: tshark sees XTCP keep-alive probes (>= 3 in 3.5 s)" test "$probes" -ge 3
tap_check "keepalive: as many XTCP probes as TCP sends ($t_probes)" test "$probes" -eq "$t_probes"
tap_check "keepalive: every XTCP probe has seq = next expected seq - 1" \
	test "$probes" -gt 0 -a "$bad_seq" -eq 0
tap_check "keepalive: every XTCP probe is a bare ACK without data" \
	test "$probes" -gt 0 -a "$bad_form" -eq 0
tap_check "keepalive: the peer ACKs every XTCP probe" test "$probes" -gt 0 -a "$acks" -eq "$probes"

ok_gaps=1
[ -n "$gaps" ] || ok_gaps=0
for g in $gaps; do
	[ "$g" -ge 700 ] && [ "$g" -le 1500 ] || ok_gaps=0
done
tap_check "keepalive: XTCP probes 0.7-1.5 s apart (ms:$gaps; TCP:$t_gaps)" test "$ok_gaps" = 1

tap_check "keepalive: the answered XTCP connection is still up" grep -q "state=0" "$TMPD/x.out"

[ -n "${XTCP_OUT:-}" ] && cp "$CAP" "$XTCP_OUT/keepalive_wire.pcapng" 2>/dev/null
tap_done
