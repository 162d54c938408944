#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XTCP handshakes on the wire, decoded by tshark as TCP
# (-d ip.proto==253,tcp) with checksum verification:
#   - a normal connect/accept: SYN options (MSS, SACK_PERM, TS, NOP, WS in
#     Linux's order), SYN-ACK acks ISN+1, final ACK acks the server's ISN+1;
#   - a spoofed SYN from 10.0.0.99 (nobody answers the SYN-ACK):
#     1 + net.xtcp.synack_retries SYN-ACKs, 1 s then 2 s apart;
#   - connect() with TCP_SYNCNT=2 to a silent 10.0.0.98: 3 SYNs, 1 s then
#     2 s apart, ETIMEDOUT after ~7 s.
#
#   netns A (clients)                          netns B (server)
#   xtcp_tool connect / syn                    xtcp_tool serve 10.0.0.2:5000
#   10.0.0.1/24 va  <------- veth ------->  vb 10.0.0.2/24
#   dumpcap on vb; tx checksum offload off on both ends, so checksums are
#   complete on the capture. Permanent ARP entries send frames for
#   10.0.0.99 (in B) and 10.0.0.98 (in A) to a MAC nobody has.

source "$(dirname "$0")/lib.sh"

HELPER=$XTCP_TESTS_DIR/build/helpers/xtcp_tool
NSA=$NS_PREFIX-a
NSB=$NS_PREFIX-b
CAP=$TMPD/hs.pcapng
SYNACK_RETRIES=2
# tshark's tcp.checksum.status: 0 Bad, 1 Good, 2 Unverified
CSUM_GOOD=1

tap_plan 9

[ -x "$HELPER" ] || fail "$HELPER missing: run make -C selftests"
need_cmd tshark || fail "tshark not installed"
need_cmd ethtool || fail "ethtool not installed"
[ -d /proc/sys/net/xtcp ] || fail "net.xtcp missing: is xtcp.ko loaded?"

topo_ab "$NSA" "$NSB"
ns_batch "$NSA" <<-END
	neigh add 10.0.0.98 lladdr 02:00:00:00:00:98 dev va nud permanent
END
ns_batch "$NSB" <<-END
	neigh add 10.0.0.99 lladdr 02:00:00:00:00:99 dev vb nud permanent
END
ip netns exec "$NSA" sh -c "ethtool -K va tx off >/dev/null && sysctl -qw net.xtcp.tw_timeout=1" ||
	fail "setup of $NSA"
ip netns exec "$NSB" sh -c "ethtool -K vb tx off >/dev/null &&
	sysctl -qw net.xtcp.synack_retries=$SYNACK_RETRIES net.xtcp.tw_timeout=1" ||
	fail "setup of $NSB"

cap_start "$NSB" vb "$CAP" -f 'ip proto 253'

# server: one client, then keep listening while the spoofed request retries
"$HELPER" serve "/run/netns/$NSB" 10.0.0.2 5000 1 0 $((2 ** (SYNACK_RETRIES + 1) + 1)) \
	>"$TMPD/serve" 2>&1 &
srv_pid=$!
bg_track "$srv_pid"
wait_for_file "$TMPD/serve" 30 "listening" || fail "server did not start: $(<"$TMPD/serve")"
"$HELPER" connect "/run/netns/$NSA" 10.0.0.2 5000 >"$TMPD/client" 2>&1
wait_for_file "$TMPD/serve" 10 "served"
"$HELPER" syn "/run/netns/$NSA" 10.0.0.99 10.0.0.2 1234 5000 1000 || fail "raw SYN"
"$HELPER" connect "/run/netns/$NSA" 10.0.0.98 6000 2 >"$TMPD/silent" 2>&1
wait "$srv_pid"
tsleep 0.5
cap_stop

client=$(<"$TMPD/client")
silent=$(<"$TMPD/silent")
tap_diag "client: ${client//$'\n'/ }; silent: ${silent//$'\n'/ }"

# one line per segment, fields separated by |, repeated fields joined by ;
# 0 time 1 src 2 dst 3 sport 4 dport 5 syn 6 ack 7 rst 8 seq 9 ackno
# 10 csum 11 option kinds 12 mss 13 wscale 14 len
tshark -r "$CAP" -d ip.proto==253,tcp -o tcp.check_checksum:TRUE -T fields \
	-E separator='|' -E occurrence=a -E aggregator=';' \
	-e frame.time_relative -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport \
	-e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.reset -e tcp.seq_raw -e tcp.ack_raw \
	-e tcp.checksum.status -e tcp.option_kind -e tcp.options.mss_val \
	-e tcp.options.wscale.shift -e tcp.len >"$TMPD/pkts" 2>"$TMPD/tshark.err" ||
	fail "tshark decode: $(<"$TMPD/tshark.err")"
pkts_load "$TMPD/pkts"

# select SRC DST DPORT_OR_SPORT SYN ACK: matching segments, one per line
# (field 3 or 4 must equal the port)
select_segs() {
	local l f
	for l in "${PKTS[@]}"; do
		IFS='|' read -r -a f <<<"$l"
		[ "${f[1]}" = "$1" ] && [ "${f[2]}" = "$2" ] || continue
		[ "${f[3]}" = "$3" ] || [ "${f[4]}" = "$3" ] || continue
		[ "${f[5]}" = "$4" ] && [ "${f[6]}" = "$5" ] || continue
		echo "$l"
	done
}

# 1. the connection itself
if [[ "$client" == *"connect=0"* && "$client" == *"echo=ok"* ]]; then
	tap_ok "handshake: connect() returned 0 and data was echoed"
else
	tap_fail "handshake: connect() returned 0 and data was echoed" "$client"
fi

# 2. every XTCP segment carries a correct TCP checksum
n_all=${#PKTS[@]} n_good=0
for l in "${PKTS[@]}"; do
	IFS='|' read -r -a f <<<"$l"
	[ "${f[10]}" = "$CSUM_GOOD" ] && n_good=$((n_good + 1))
done
if [ "$n_all" -gt 10 ] && [ "$n_good" -eq "$n_all" ]; then
	tap_ok "handshake: all $n_all segments have a good TCP checksum"
else
	tap_fail "handshake: all segments have a good TCP checksum" "$n_good of $n_all good"
fi

# 3.-5. the three segments of the normal handshake
syn=$(select_segs 10.0.0.1 10.0.0.2 5000 1 0)
IFS='|' read -r -a S <<<"${syn%%$'\n'*}"
sport=${S[3]}
synack=$(select_segs 10.0.0.2 10.0.0.1 "${sport:-x}" 1 1)
IFS='|' read -r -a SA <<<"$synack"
ack=""
for l in "${PKTS[@]}"; do
	IFS='|' read -r -a f <<<"$l"
	if [ "${f[3]}" = "$sport" ] && [ "${f[5]}" = 0 ] && [ "${f[14]}" = 0 ]; then
		ack=$l
		break
	fi
done
IFS='|' read -r -a A <<<"$ack"
tap_diag "SYN: $syn"
tap_diag "SYN-ACK: $synack"
tap_diag "ACK: $ack"

if [ -n "$syn" ] && [[ "$syn" != *$'\n'* ]] && [ "${S[11]}" = "2;4;8;1;3" ] &&
   [ "${S[12]}" = 1460 ] && [ -n "${S[13]}" ] && [ "${S[9]}" = 0 ]; then
	tap_ok "handshake: SYN has MSS 1460, SACK_PERM, TS, NOP, WS in Linux's order"
else
	tap_fail "handshake: SYN has MSS 1460, SACK_PERM, TS, NOP, WS in Linux's order" \
		"want one SYN with options 2;4;8;1;3, got: '$syn'"
fi
if [ -n "$synack" ] && [[ "$synack" != *$'\n'* ]] && [ -n "${S[8]}" ] &&
   [ "${SA[9]}" = $(((S[8] + 1) % 4294967296)) ] && [ "${SA[11]}" = "2;4;8;1;3" ]; then
	tap_ok "handshake: SYN-ACK acks client ISN+1, options MSS, SACK_PERM, TS, NOP, WS"
else
	tap_fail "handshake: SYN-ACK acks client ISN+1, options MSS, SACK_PERM, TS, NOP, WS" \
		"SYN seq ${S[8]:-?}, SYN-ACK: '$synack'"
fi
if [ -n "$ack" ] && [ -n "${SA[8]}" ] && [ "${A[6]}" = 1 ] && [ "${A[7]}" = 0 ] &&
   [ "${A[8]}" = $(((S[8] + 1) % 4294967296)) ] &&
   [ "${A[9]}" = $(((SA[8] + 1) % 4294967296)) ]; then
	tap_ok "handshake: third segment is a bare ACK of server ISN+1, seq client ISN+1"
else
	tap_fail "handshake: third segment is a bare ACK of server ISN+1, seq client ISN+1" \
		"SYN-ACK seq ${SA[8]:-?}, ACK: '$ack'"
fi

# backoff_ok GAP...: the gaps (ms) are 1000, 2000, 4000 ... (-300, +600)
backoff_ok() {
	local i=0 g exp

	for g in "$@"; do
		exp=$((1000 << i))
		[ "$g" -ge $((exp - 300)) ] && [ "$g" -le $((exp + 600)) ] || return 1
		i=$((i + 1))
	done
}

# 6.-7. SYN-ACKs to the spoofed, silent 10.0.0.99
mapfile -t sas < <(select_segs 10.0.0.2 10.0.0.99 1234 1 1)
want=$((SYNACK_RETRIES + 1))
gaps="" gaps_ok=1 prev=""
for l in "${sas[@]}"; do
	IFS='|' read -r -a f <<<"$l"
	t=$(to_ms "${f[0]}")
	if [ -n "$prev" ]; then
		gaps+=" $((t - prev))"
	fi
	prev=$t
done
backoff_ok $gaps || gaps_ok=0
if [ "${#sas[@]}" -eq "$want" ] && [ "$gaps_ok" = 1 ]; then
	tap_ok "synack: $want SYN-ACKs (1 + synack_retries) to an unanswering peer, gaps$gaps ms"
else
	tap_fail "synack: $want SYN-ACKs (1 + synack_retries) to an unanswering peer" \
		"got ${#sas[@]}, gaps$gaps ms"
fi
acks_ok=1
for l in "${sas[@]}"; do
	IFS='|' read -r -a f <<<"$l"
	[ "${f[9]}" = 1001 ] || acks_ok=0
done
if [ "${#sas[@]}" -gt 0 ] && [ "$acks_ok" = 1 ]; then
	tap_ok "synack: every retransmitted SYN-ACK acks the spoofed ISN+1"
else
	tap_fail "synack: every retransmitted SYN-ACK acks the spoofed ISN+1" "${sas[*]}"
fi

# 8.-9. SYN retransmissions of a connect() with TCP_SYNCNT=2
mapfile -t syns < <(select_segs 10.0.0.1 10.0.0.98 6000 1 0)
gaps="" gaps_ok=1 prev="" seqs_ok=1 seq0=""
for l in "${syns[@]}"; do
	IFS='|' read -r -a f <<<"$l"
	t=$(to_ms "${f[0]}")
	[ -n "$prev" ] && gaps+=" $((t - prev))"
	prev=$t
	[ -z "$seq0" ] && seq0=${f[8]}
	[ "${f[8]}" = "$seq0" ] || seqs_ok=0
done
backoff_ok $gaps || gaps_ok=0
if [ "${#syns[@]}" -eq 3 ] && [ "$gaps_ok" = 1 ] && [ "$seqs_ok" = 1 ]; then
	tap_ok "syn: TCP_SYNCNT=2 sends 3 SYNs with the same ISN, gaps$gaps ms"
else
	tap_fail "syn: TCP_SYNCNT=2 sends 3 SYNs with the same ISN" \
		"got ${#syns[@]}, gaps$gaps ms, same ISN $seqs_ok"
fi
silent_ms=${silent##*ms=}
silent_ms=${silent_ms%%[!0-9]*}
if [[ "$silent" == *"connect=ETIMEDOUT"* ]] && [ -n "$silent_ms" ] &&
   [ "$silent_ms" -ge 6500 ] && [ "$silent_ms" -le 9000 ]; then
	tap_ok "syn: connect() fails with ETIMEDOUT after ${silent_ms} ms (1+2+4 s)"
else
	tap_fail "syn: connect() fails with ETIMEDOUT after ~7 s" "$silent"
fi

tap_done
