#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XTCP <-> Linux TCP through the translator, judged on the wire: data under
# loss, keepalive probes both ways, abort_on_overflow RST to a Linux client;
# everything captured on the XTCP host's interface and checked with
# Wireshark's TCP analysis (tshark -d ip.proto==253,tcp).
#
#   netns X (XTCP host)                             netns L (Linux TCP host)
#   10.77.0.1 xt0 [tc clsact: 253->6 out, 6->253 in] === lt0 10.77.0.2
#   dumpcap on xt0; tx checksum offload, TSO, GSO off on both ends
#
# Phases (ports): 47001 XTCP client -> Linux server and 47002 Linux client ->
# XTCP server, 2 MiB each way at once under netem loss 2%; loss removed;
# 47003 Linux client with TCP_KEEPIDLE=1 TCP_KEEPINTVL=1 TCP_KEEPCNT=2 idle
# 4.5 s against an XTCP server, 47004 the same with an XTCP client and a Linux
# server (an unanswered probe sequence would kill the connection after 3 s);
# 47005 an XTCP listener (backlog 2, net.xtcp.abort_on_overflow=1) that never
# accepts, two Linux clients connected, then two at once over a 100 ms link:
# the second one's ACK overflows the accept queue and gets a RST.
#
# The capture point sits after the translator on egress and before it on
# ingress, so the wire there carries IP protocol 6 only.
#
# Expected TCP analysis flags: in the loss phase retransmissions, lost /
# out-of-order segments, duplicate ACKs, window updates, and flow control:
# "window full", zero window and its probes (the receivers hash every byte
# with SHA-256, slow under TCG; Linux <-> Linux shows window full too under
# 2% loss here); in the keepalive phase keep-alives and their ACKs;
# anything else fails.

source "$(dirname "$0")/lib.sh"

XF=$XTCP_TESTS_DIR/build/helpers/io_xfer
TOPO=$(cd "$XTCP_TESTS_DIR/../scripts" && pwd)/topo-interop.sh
NSX=$NS_PREFIX-x
NSL=$NS_PREFIX-l
CAP=$TMPD/interop.pcapng
B=$((2 * 1048576))

tap_plan 13

[ -x "$XF" ] || fail "$XF missing: run make -C selftests"
need_cmd tshark || fail "tshark not installed"
need_cmd ethtool || fail "ethtool not installed"
[ -r /proc/net/xtcp_stat ] || fail "/proc/net/xtcp_stat missing: is xtcp.ko loaded?"

ns_create "$NSX" "$NSL"
"$TOPO" up "$NSX" "$NSL" --no-offload --netem "loss 2%" --sysctl net.xtcp.tw_timeout=2 \
	>"$TMPD/topo.env" 2>"$TMPD/topo.err" || fail "topo-interop.sh up: $(<"$TMPD/topo.err")"
eval "$(<"$TMPD/topo.env")"

cap_start "$NSX" "$XDEV" "$CAP"

# ------------------------------------------------- data under loss, close
"$XF" listen -N "/run/netns/$NSL" -a "$LADDR" -p 47001 -b $B -r $B -s 31 >"$TMPD/c.srv" 2>&1 &
p1=$!
"$XF" listen -N "/run/netns/$NSX" -x -a "$XADDR" -p 47002 -b $B -r $B -s 41 >"$TMPD/d.srv" 2>&1 &
p2=$!
"$XF" connect -N "/run/netns/$NSL" -a "$XADDR" -p 47002 -b $B -r $B -s 42 -A >"$TMPD/d.cli" 2>&1 &
p3=$!
bg_track $p1; bg_track $p2; bg_track $p3
"$XF" connect -N "/run/netns/$NSX" -x -a "$LADDR" -p 47001 -b $B -r $B -s 32 -A >"$TMPD/c.cli" 2>&1
wait $p1 $p2 $p3
for f in c.cli c.srv d.cli d.srv; do
	tap_diag "$f: $(<"$TMPD/$f")"
done
# conn_ok CLI SRV: both directions intact, client in TIME_WAIT, server saw EOF
conn_ok() {
	local c=$TMPD/$1 s=$TMPD/$2
	[ "$(kv "$c" recv)" = $B ] && [ "$(kv "$s" recv)" = $B ] &&
	[ "$(kv "$c" recv_sha256)" = "$(kv "$s" sent_sha256)" ] &&
	[ "$(kv "$s" recv_sha256)" = "$(kv "$c" sent_sha256)" ] &&
	[ "$(kv "$c" close_state)" = 06 ] && [ "$(kv "$s" eof)" = 1 ]
}
tap_check "XTCP client <-> Linux server, loss 2%: 2 MiB each way intact, client TIME_WAIT, server EOF" \
	conn_ok c.cli c.srv
tap_check "Linux client <-> XTCP server, loss 2%: 2 MiB each way intact, client TIME_WAIT, server EOF" \
	conn_ok d.cli d.srv

# --------------------------------------------------------------- keepalive
tc -n "$NSX" qdisc del dev "$XDEV" root
tc -n "$NSL" qdisc del dev "$LDEV" root
"$XF" listen -N "/run/netns/$NSX" -x -a "$XADDR" -p 47003 -i 4.5 >"$TMPD/e.srv" 2>&1 &
p1=$!
"$XF" listen -N "/run/netns/$NSL" -a "$LADDR" -p 47004 -i 4.5 >"$TMPD/f.srv" 2>&1 &
p2=$!
"$XF" connect -N "/run/netns/$NSL" -a "$XADDR" -p 47003 -k 1:1:2 -i 4.5 -A >"$TMPD/e.cli" 2>&1 &
p3=$!
bg_track $p1; bg_track $p2; bg_track $p3
"$XF" connect -N "/run/netns/$NSX" -x -a "$LADDR" -p 47004 -k 1:1:2 -i 4.5 -A >"$TMPD/f.cli" 2>&1
wait $p1 $p2 $p3
for f in e.cli e.srv f.cli f.srv; do
	tap_diag "$f: $(<"$TMPD/$f")"
done
ka_e=$(kv "$TMPD/e.cli" ka) ka_f=$(kv "$TMPD/f.cli" ka)
tap_check "Linux keepalive (idle 1, intvl 1, cnt 2) answered by XTCP: alive after 4.5 s, Linux TCPKeepAlive +$ka_e" \
	test "$(kv "$TMPD/e.cli" alive)" = 1 -a "$(kv "$TMPD/e.srv" alive)" = 1 -a "${ka_e:-0}" -ge 3
tap_check "XTCP keepalive (idle 1, intvl 1, cnt 2) answered by Linux: alive after 4.5 s, XTCP TCPKeepAlive +$ka_f" \
	test "$(kv "$TMPD/f.cli" alive)" = 1 -a "$(kv "$TMPD/f.srv" alive)" = 1 -a "${ka_f:-0}" -ge 3

# ------------------------------------------------------- abort_on_overflow
tc -n "$NSL" qdisc add dev "$LDEV" root netem delay 100ms
"$XF" hold -N "/run/netns/$NSX" -x -S net.xtcp.abort_on_overflow=1 -a "$XADDR" -p 47005 \
	-L 2 -H 6 -R "$TMPD/g.ready" >"$TMPD/g.srv" 2>&1 &
p=$!
bg_track $p
wait_for_file "$TMPD/g.ready" 30 ready || fail "XTCP listener on 47005 did not come up: $(<"$TMPD/g.srv")"
"$XF" burst -N "/run/netns/$NSL" -a "$XADDR" -p 47005 -P 2 -C 2 >"$TMPD/g.cli" 2>&1
wait $p
tap_diag "burst clients: $(<"$TMPD/g.cli")"
tap_diag "XTCP listener: $(<"$TMPD/g.srv")"
resets=0
for w in $(<"$TMPD/g.cli"); do
	[[ $w == c*=ECONNRESET ]] && resets=$((resets + 1))
done
tap_check "abort_on_overflow=1: the Linux client overflowing XTCP's accept queue gets ECONNRESET ($resets)" \
	test "$resets" -ge 1
ov=$(kv "$TMPD/g.srv" ListenOverflows) rst=$(kv "$TMPD/g.srv" OutRsts)
tap_check "abort_on_overflow=1: XTCP counted ListenOverflows +$ov, OutRsts +$rst" \
	test "${ov:-0}" -ge 1 -a "${rst:-0}" -ge 1
ip netns exec "$NSX" sh -c 'echo 1 >/proc/sys/net/xtcp/tw_timeout'

tsleep 0.5
cap_stop

# ------------------------------------------------------------ the capture
# 0 frame 1 ip.proto 2 ip.src 3 sport 4 dport 5 rst 6 tcp csum status
# 7 ip csum status 8 malformed 9 analysis.flags 10 keep_alive 11 keep_alive_ack
# 12 retransmission 13 fast_retr 14 spurious_retr 15 lost_segment
# 16 ack_lost_segment 17 duplicate_ack 18 out_of_order 19 window_update
# 20 expert messages 21 tcp.checksum 22 tcp.len 23 window_full 24 zero_window
# 25 zero_window_probe 26 zero_window_probe_ack 27 tcp.seq 28 tcp.stream
t0=$SECONDS
# per packet: no stream reassembly (a retransmission overlapping data that
# tshark holds for reassembly is reported as malformed, "New fragment
# overlaps old data", though its bytes are the original's)
tshark -r "$CAP" -d ip.proto==253,tcp -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
	-o tcp.desegment_tcp_streams:FALSE \
	-T fields -E separator='|' -E occurrence=f \
	-e frame.number -e ip.proto -e ip.src -e tcp.srcport -e tcp.dstport -e tcp.flags.reset \
	-e tcp.checksum.status -e ip.checksum.status -e _ws.malformed -e tcp.analysis.flags \
	-e tcp.analysis.keep_alive -e tcp.analysis.keep_alive_ack -e tcp.analysis.retransmission \
	-e tcp.analysis.fast_retransmission -e tcp.analysis.spurious_retransmission \
	-e tcp.analysis.lost_segment -e tcp.analysis.ack_lost_segment -e tcp.analysis.duplicate_ack \
	-e tcp.analysis.out_of_order -e tcp.analysis.window_update -e _ws.expert.message -e tcp.checksum -e tcp.len -e tcp.analysis.window_full \
	-e tcp.analysis.zero_window -e tcp.analysis.zero_window_probe -e tcp.analysis.zero_window_probe_ack \
	-e tcp.seq -e tcp.stream \
	>"$TMPD/pkts" 2>"$TMPD/tshark.err" || fail "tshark: $(<"$TMPD/tshark.err")"
tap_diag "tshark: $((SECONDS - t0)) s"

frames=0 tcp=0 p253=0 malformed=0 csum_good=0 csum_bad=0 csum_other=0 ip_bad=0 mangled0=0
ka_l=0 kaack_x=0 ka_x=0 kaack_l=0 rst_x=0 unexpected=0 pend_l=0 pend_x=0
declare -A flagcount=() hi=() stale=() prev=() prev1=()
names=(x x x x x x x x x x keep_alive keep_alive_ack retransmission fast_retransmission
       spurious_retransmission lost_segment ack_lost_segment duplicate_ack out_of_order
       window_update x x x window_full zero_window zero_window_probe zero_window_probe_ack)
unexp_list="" malformed_list=""
while IFS='|' read -r -a f; do
	frames=$((frames + 1))
	[ "${f[1]}" = 253 ] && p253=$((p253 + 1))
	if [ -n "${f[8]}" ]; then
		malformed=$((malformed + 1))
		[ $malformed -gt 5 ] ||
			malformed_list+=" #${f[0]} ${f[2]}:${f[3]}>${f[4]} len ${f[22]} seq ${f[27]} {${f[20]}}"
	fi
	[ "${f[7]}" = 0 ] && ip_bad=$((ip_bad + 1))
	[ -n "${f[3]}" ] || continue
	tcp=$((tcp + 1))
	case "${f[6]}" in
	1) csum_good=$((csum_good + 1)) ;;
	0)	# 0xffff for a zero sum is what the kernel's skb_checksum_help()
		# writes (CSUM_MANGLED_0) for Linux TCP as for XTCP: not an error
		if [ "${f[21]}" = 0xffff ]; then
			csum_good=$((csum_good + 1)) mangled0=$((mangled0 + 1))
		else
			csum_bad=$((csum_bad + 1))
		fi ;;
	*) csum_other=$((csum_other + 1)) ;;
	esac
	# the side that sent it (X: XTCP host, L: Linux host) and the server port
	side=L
	[ "${f[2]}" = "$XADDR" ] && side=X
	port=${f[3]}
	[[ ${f[4]} == 4700? ]] && port=${f[4]}
	[ "$side$port${f[5]}" = "X470051" ] && rst_x=$((rst_x + 1))
	# keep-alive probes, and the bare ACK the other side sends next on that
	# connection (Wireshark calls the first one a window update: the window
	# grew since the handshake; Linux does the same)
	case "$side$port" in
	L47003) [ -n "${f[10]}" ] && ka_l=$((ka_l + 1)) pend_l=1 ;;
	X47003) [ "${f[22]}" = 0 ] && [ $pend_l = 1 ] && kaack_x=$((kaack_x + 1)) pend_l=0 ;;
	X47004) [ -n "${f[10]}" ] && ka_x=$((ka_x + 1)) pend_x=1 ;;
	L47004) [ "${f[22]}" = 0 ] && [ $pend_x = 1 ] && kaack_l=$((kaack_l + 1)) pend_x=0 ;;
	esac
	# the rig's veth reorders (README): a bare ACK that arrives after data
	# its sender sent later carries an old sequence number, and the answer
	# to it (RFC 9293: an unacceptable segment is ACKed) is a duplicate
	# ACK by Wireshark's rules, whichever stack sends it
	key=$side${f[28]} other=L
	[ $side = L ] && other=X
	if [ "${f[22]}" = 0 ] && [ -n "${hi[$key]:-}" ] && [ "${f[27]}" -lt "${hi[$key]}" ]; then
		stale[${f[28]}]=$side
	fi
	if [ -z "${hi[$key]:-}" ] || [ $((f[27] + f[22])) -gt "${hi[$key]}" ]; then
		hi[$key]=$((f[27] + f[22]))
	fi
	# the stream's two frames before this one, for the failure message
	ctx=${prev[${f[28]}]:-}
	prev[${f[28]}]="${prev1[${f[28]}]:-} | ${f[0]} $side len ${f[22]} seq ${f[27]}${f[20]:+ (${f[20]})}"
	prev1[${f[28]}]="${f[0]} $side len ${f[22]} seq ${f[27]}${f[20]:+ (${f[20]})}"
	[ -n "${f[9]}" ] || continue
	# which analysis flags are expected where
	case $port in
	47001|47002) allowed=" retransmission fast_retransmission spurious_retransmission lost_segment ack_lost_segment duplicate_ack out_of_order window_update window_full zero_window zero_window_probe zero_window_probe_ack " ;;
	47003|47004) allowed=" keep_alive keep_alive_ack window_update " ;;
	*) allowed=" window_update " ;;
	esac
	# a FIN sent again: the tail loss probe (Linux's, and XTCP's since it
	# arms it as Linux after new data) racing the peer's delayed ACK
	[[ ${f[20]} == *"Connection finish (FIN)"* ]] &&
		allowed+="retransmission spurious_retransmission "
	known=0 bad=0 why=
	for i in 10 11 12 13 14 15 16 17 18 19 23 24 25 26; do
		[ -n "${f[$i]}" ] || continue
		known=1
		flagcount[${names[$i]}]=$((${flagcount[${names[$i]}]:-0} + 1))
		if [ $i = 17 ] && [ "${stale[${f[28]}]:-}" = $other ]; then
			stale[${f[28]}]=""
			flagcount[answer_to_reordered]=$((${flagcount[answer_to_reordered]:-0} + 1))
			continue
		fi
		[[ $allowed == *" ${names[$i]} "* ]] || bad=1 why+=" ${names[$i]}"
	done
	if [ $known = 0 ] || [ $bad = 1 ]; then
		unexpected=$((unexpected + 1))
		[ $unexpected -le 10 ] &&
			unexp_list+=" [frame ${f[0]} port $port from $side:${why:- ${f[9]}}; ${f[20]}; after:${ctx}]"
	fi
done <"$TMPD/pkts"
summary=""
for k in "${!flagcount[@]}"; do
	summary+=" $k=${flagcount[$k]}"
done
tap_diag "capture: $frames frames, $tcp TCP; checksums good $csum_good (0xffff for 0: $mangled0) bad $csum_bad unverified $csum_other; IP header bad $ip_bad; proto 253 $p253"
tap_diag "analysis flags:$summary"
tap_diag "keep-alive: Linux probes $ka_l, XTCP answers $kaack_x; XTCP probes $ka_x, Linux answers $kaack_l; RSTs from the XTCP listener $rst_x"

[ -z "$malformed_list" ] || tap_diag "malformed (first 5):$malformed_list"
tap_check "capture ($frames frames): no malformed packets" test "$frames" -gt 100 -a "$malformed" = 0
tap_check "capture: every TCP checksum verified good ($csum_good), IPv4 header checksums good" \
	test "$csum_good" = "$tcp" -a "$tcp" -gt 0 -a "$ip_bad" = 0
tap_check "capture: the translated wire carries IP protocol 6 only (253: $p253)" test "$p253" = 0
tap_check "capture: Linux keep-alive probes ($ka_l) each answered by an XTCP ACK ($kaack_x)" \
	test "$ka_l" -ge 3 -a "$kaack_x" = "$ka_l"
tap_check "capture: XTCP keep-alive probes ($ka_x) each answered by a Linux ACK ($kaack_l)" \
	test "$ka_x" -ge 3 -a "$kaack_l" = "$ka_x"
tap_check "capture: RST from the overflowing XTCP listener ($rst_x)" test "$rst_x" -ge 1
if [ "$unexpected" = 0 ]; then
	tap_ok "capture: TCP analysis flags only loss recovery/flow control (loss phase), keep-alive (keepalive phase), window update"
else
	tap_fail "capture: TCP analysis flags only loss recovery/flow control (loss phase), keep-alive (keepalive phase), window update" \
		"$unexpected unexpected:$unexp_list"
fi

[ -n "${XTCP_OUT:-}" ] && cp "$CAP" "$XTCP_OUT/interop_wire.pcapng" 2>/dev/null
tap_done
