#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XTCP's tracepoints (system "xtcp", module/xtcp_trace.h) recorded by perf
# over one connection's whole life, and the same life of a Linux TCP
# connection recorded through Linux's own sock:/tcp: tracepoints in the
# same run: the two clients must go through the same states in the same
# order.
#
#   netns A (server)                        netns B (client)
#   +----------------------+   veth pair    +-----------------------+
#   | io_xfer listen       | va -------- vb | io_xfer connect -A    |
#   | 10.0.0.1/24          |                | 10.0.0.2/24           |
#   +----------------------+                | netem loss 10% on vb  |
#                                           | net.xtcp.tw_timeout=1 |
#                                           +-----------------------+
#
# The client sends 3 MB through 10% loss (some segment is retransmitted:
# netem draws once per skb, and both stacks hand it GSO skbs of up to
# 64 KB, at least ~50 of them: the chance that none is lost is below
# 1e-2 even then, and with the few segments per skb of an ACK-clocked
# flow far below; 300 KB once went through XTCP, and Linux TCP, without
# a loss), closes
# first (TIME_WAIT, 1 s for XTCP), the server reads EOF and closes.
# perf record -a -e 'xtcp:*' runs around it; perf script's lines are then
# checked per socket (skaddr) and per 4-tuple.

source "$(dirname "$0")/lib.sh"

XF=$XTCP_TESTS_DIR/build/helpers/io_xfer
DSOCKS=$XTCP_TESTS_DIR/build/helpers/diag_socks
NSA=$NS_PREFIX-a
NSB=$NS_PREFIX-b
BYTES=3000000
TRACEFS=/sys/kernel/tracing

tap_plan 15

[ -x "$XF" ] || fail "$XF missing: run make -C selftests"
[ -r /proc/net/xtcp_stat ] || fail "/proc/net/xtcp_stat missing: is xtcp.ko loaded?"
if ! need_cmd perf; then
	for i in $(seq 15); do tap_skip "tracepoint check $i" "perf not installed"; done
	tap_done
fi
mountpoint -q "$TRACEFS" || mount -t tracefs nodev "$TRACEFS" 2>/dev/null
if [ ! -d "$TRACEFS/events/xtcp" ]; then
	# a kernel without CONFIG_EVENT_TRACING compiles them out
	for i in $(seq 15); do tap_skip "tracepoint check $i" "no $TRACEFS/events/xtcp"; done
	tap_done
fi

topo_ab "$NSA" "$NSB" 6
# TSO/GSO off on vb: GSO skbs are cut into segments in software after the
# qdisc, so netem still draws once per skb (see the top)
ip netns exec "$NSB" ethtool -K vb tso off gso off >/dev/null || fail "ethtool -K vb"
ip netns exec "$NSB" sysctl -qw net.xtcp.tw_timeout=1 || fail "net.xtcp.tw_timeout"

# life STACKFLAG PORT TAG: one connection's life under perf; perf script
# output in $TMPD/TAG.txt, io_xfer's reports in $TMPD/TAG.cli/.srv
life() {
	local x=$1 port=$2 tag=$3 ev

	if [ -n "$x" ]; then
		ev=(-e 'xtcp:*')
	else
		ev=(-e sock:inet_sock_set_state -e tcp:tcp_retransmit_skb
		    -e tcp:tcp_destroy_sock -e tcp:tcp_probe)
	fi
	cat >"$TMPD/$tag.run" <<-END
		#!/bin/bash
		rm -f "$TMPD/$tag.ready"
		"$XF" listen -N /run/netns/$NSA $x -a 10.0.0.1 -p $port -r $BYTES \
			-R "$TMPD/$tag.ready" -w 60 >"$TMPD/$tag.srv" 2>&1 &
		srv=\$!
		for i in \$(seq 200); do [ -s "$TMPD/$tag.ready" ] && break; sleep 0.1; done
		ip netns exec $NSB tc qdisc add dev vb root netem loss 10%
		"$XF" connect -N /run/netns/$NSB $x -a 10.0.0.1 -p $port -b $BYTES -A \
			-w 60 >"$TMPD/$tag.cli" 2>&1
		ip netns exec $NSB tc qdisc del dev vb root
		wait \$srv
		# XTCP's TIME_WAIT lasts 1 s here: see it end (and the sockets freed)
		sleep 2.5
	END
	chmod +x "$TMPD/$tag.run"
	perf record -q -a "${ev[@]}" -o "$TMPD/$tag.data" -- "$TMPD/$tag.run" \
		>"$TMPD/$tag.perf" 2>&1
	# one blank between fields, none in front: perf pads its columns
	perf script -i "$TMPD/$tag.data" -F event,trace 2>>"$TMPD/$tag.perf" |
		sed -E 's/[[:space:]]+/ /g; s/^ //' >"$TMPD/$tag.txt"
	tap_diag "$tag: $(wc -l <"$TMPD/$tag.txt") events; client: $(<"$TMPD/$tag.cli")"
	tap_diag "$tag: first events: $(head -3 "$TMPD/$tag.txt" | tr '\n' '|')"
}

# transitions EVENTFILE SELECTOR: "OLD>NEW ..." of the state-change lines
# matching the regex SELECTOR, in recorded order
transitions() {
	local s k i

	s=$(grep -E "$2" "$1" |
		sed -nE 's/.*oldstate=(TCP_)?([A-Z_0-9]+) newstate=(TCP_)?([A-Z_0-9]+).*/\2>\4/p' |
		tr '\n' ' ')
	# a clone that lost the race for its request (an ACK and a segment
	# on two CPUs) is traced LISTEN>SYN_RECV, SYN_RECV>CLOSE by both
	# stacks: leave such pairs out
	k=$(grep -o 'SYN_RECV>CLOSE ' <<<"$s" | wc -l)
	s=${s//SYN_RECV>CLOSE /}
	for ((i = 0; i < k; i++)); do
		s=${s/LISTEN>SYN_RECV /}
	done
	echo "$s"
}

# the segments the XTCP server sends (SYN-ACK, ACKs, FIN): what the
# XTCP client's ACK processing sees
outsegs() { ip netns exec "$NSA" awk '$1 == "OutSegs" { print $2 }' /proc/net/xtcp_stat; }
os0=$(outsegs)
life -x 5001 xtcp
os1=$(outsegs)
life "" 5002 tcp

X=$TMPD/xtcp.txt
T=$TMPD/tcp.txt
kv() { tr ' ' '\n' <"$1" | sed -n "s/^$2=//p"; }

tap_check "XTCP connection completed (client sent $BYTES bytes, server got them)" \
	test "$(kv "$TMPD/xtcp.cli" sent)" = $BYTES -a "$(kv "$TMPD/xtcp.srv" recv)" = $BYTES
tap_check "Linux TCP connection completed" \
	test "$(kv "$TMPD/tcp.cli" sent)" = $BYTES -a "$(kv "$TMPD/tcp.srv" recv)" = $BYTES

# the client's ephemeral port, from SYN_SENT>ESTABLISHED (CLOSE>SYN_SENT
# is traced before connect() picks the port, with port 0, on both stacks)
xc=$(sed -nE 's/.*xtcp_set_state: src=[0-9.]+:([0-9]+) dest=10\.0\.0\.1:5001 .*oldstate=SYN_SENT newstate=ESTABLISHED.*/\1/p' "$X" | head -1)
tc=$(sed -nE 's/.*inet_sock_set_state: .*sport=([0-9]+) dport=5002 .*oldstate=TCP_SYN_SENT newstate=TCP_ESTABLISHED.*/\1/p' "$T" | head -1)
xl=$(transitions "$X" "xtcp_set_state: src=[0-9.]+:(${xc:-x}|0) dest=10\.0\.0\.1:5001 ")
tl=$(transitions "$T" "inet_sock_set_state: .*sport=(${tc:-x}|0) dport=5002 ")
tap_diag "XTCP client (port $xc): $xl"
tap_diag "Linux client (port $tc): $tl"
tap_check "xtcp_set_state: the client went CLOSE>SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2" \
	eval '[[ "$xl" == "CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>FIN_WAIT1 FIN_WAIT1>FIN_WAIT2 "* ]]'
tap_check "the XTCP client's state changes are Linux TCP's (sock:inet_sock_set_state)" \
	test -n "$xl" -a "$xl" = "$tl"
xs=$(transitions "$X" "xtcp_set_state: src=[0-9.]+:5001 ")
ts=$(transitions "$T" "inet_sock_set_state: .*sport=5002 dport=")
tap_diag "XTCP server side (port 5001): $xs"
tap_diag "Linux server side (port 5002): $ts"
tap_check "xtcp_set_state: the accepted socket went ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE" \
	eval '[[ "$xs" == *"ESTABLISHED>CLOSE_WAIT CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE"* ]]'
tap_check "the XTCP server's listener and child state changes are Linux TCP's" \
	test -n "$xs" -a "$xs" = "$ts"

# per-event checks on the XTCP client's 4-tuple
xsel="src=10.0.0.2:$xc dest=10.0.0.1:5001"
n_rtx=$(grep -c "xtcp_retransmit_skb.*$xsel" "$X")
t_rtx=$(grep -c "tcp_retransmit_skb" "$T")
tap_diag "retransmissions traced: XTCP $n_rtx, Linux TCP $t_rtx"
tap_check "xtcp_retransmit_skb: the client's retransmissions under 10% loss are traced" \
	test "$n_rtx" -ge 1
n_probe=$(grep -c "xtcp_probe: $xsel" "$X")
srv_segs=$((${os1:-0} - ${os0:-0}))
tap_diag "xtcp_probe events of the client: $n_probe; segments the server sent: $srv_segs"
# one per ACK the client processed: no more than the server's segments,
# and all of them but the few that arrive outside ESTABLISHED..FIN_WAIT2
# (SYN-ACK, a FIN sent again into TIME_WAIT); how many ACKs there are
# depends on GRO/GSO and the loss, not on a fixed count
tap_check "xtcp_probe: one per ACK the client processed ($n_probe of $srv_segs server segments)" \
	test "$n_probe" -ge 10 -a "$n_probe" -le "$srv_segs" -a $((2 * n_probe)) -ge "$srv_segs"
tap_check "xtcp_probe carries cwnd, ssthresh, srtt, snd_wnd, rcv_wnd, in_flight" \
	grep -qE "xtcp_probe: $xsel snd_nxt=0x[0-9a-f]+ snd_una=0x[0-9a-f]+ snd_cwnd=[0-9]+ ssthresh=[0-9]+ snd_wnd=[0-9]+ srtt=[0-9]+ rcv_wnd=[0-9]+ in_flight=[0-9]+" "$X"

# order: enter TIME_WAIT after FIN_WAIT2, exit after enter, the socket freed
order=$(grep -nE "xtcp_set_state: $xsel .*newstate=FIN_WAIT2|xtcp_time_wait_enter: $xsel|xtcp_time_wait_exit: $xsel" "$X" |
	sed -E 's/^([0-9]+):.*(FIN_WAIT2|enter|exit).*/\2/' | tr '\n' ' ')
tap_diag "client close order: $order"
tap_check "xtcp_time_wait_enter then xtcp_time_wait_exit (1 s tw_timeout), after FIN_WAIT2" \
	test "$order" = "FIN_WAIT2 enter exit "
skx=$(sed -nE "s/.*xtcp_set_state: $xsel .*newstate=ESTABLISHED skaddr=(0x)?([0-9a-f]+).*/\2/p" "$X" | head -1)
tap_check "xtcp_destroy_sock: the client socket (skaddr $skx) is freed" \
	eval 'test -n "$skx" && grep -qE "xtcp_destroy_sock: .*skaddr=(0x)?$skx" "$X"'
tap_check "no xtcp_send_reset or xtcp_receive_reset in an orderly life" \
	eval '! grep -qE "xtcp_(send|receive)_reset" "$X"'

# a RST from a closed port: xtcp_send_reset with the answered 4-tuple
perf record -q -a -e xtcp:xtcp_send_reset -o "$TMPD/rst.data" -- \
	"$XF" connect -N "/run/netns/$NSB" -x -a 10.0.0.1 -p 5999 -w 10 >"$TMPD/rst.cli" 2>&1
perf script -i "$TMPD/rst.data" -F event,trace >"$TMPD/rst.txt" 2>/dev/null
tap_diag "connect to a closed port: $(<"$TMPD/rst.cli"); $(head -1 "$TMPD/rst.txt")"
tap_check "xtcp_send_reset: a SYN to a closed port is answered, src 10.0.0.1:5999" \
	grep -qE "xtcp_send_reset: src=10\.0\.0\.1:5999 dest=10\.0\.0\.2:[0-9]+ state=CLOSE skaddr=(\(nil\)|0+)" "$TMPD/rst.txt"

# IPv6: addresses as %pISpc prints them, [fd00::2]:41000
[ -x "$DSOCKS" ] || fail "$DSOCKS missing: run make -C selftests"
printf '%s\n' "ns $NSA" "listen L x fd00::1 5003 8" "ns $NSB" \
	"connect C x fd00::2 41000 fd00::1 5003" "connect R x fd00::2 41001 fd00::1 5998" \
	"ns $NSA" "accept S L" quit >"$TMPD/v6.cmds"
perf record -q -a -e xtcp:xtcp_set_state -e xtcp:xtcp_send_reset -o "$TMPD/v6.data" -- \
	"$DSOCKS" <"$TMPD/v6.cmds" >"$TMPD/v6.out" 2>&1
perf script -i "$TMPD/v6.data" -F event,trace 2>/dev/null |
	sed -E 's/[[:space:]]+/ /g; s/^ //' >"$TMPD/v6.txt"
tap_diag "IPv6: $(tr '\n' '|' <"$TMPD/v6.out")"
tap_diag "IPv6: $(head -4 "$TMPD/v6.txt" | tr '\n' '|')"
tap_check "IPv6: xtcp_set_state src=[fd00::2]:41000 dest=[fd00::1]:5003 SYN_SENT>ESTABLISHED" \
	grep -qF "xtcp_set_state: src=[fd00::2]:41000 dest=[fd00::1]:5003 oldstate=SYN_SENT newstate=ESTABLISHED" "$TMPD/v6.txt"
tap_check "IPv6: xtcp_send_reset answers a SYN to a closed port, src=[fd00::1]:5998 dest=[fd00::2]:41001" \
	grep -qE "xtcp_send_reset: src=\[fd00::1\]:5998 dest=\[fd00::2\]:41001 state=CLOSE" "$TMPD/v6.txt"

tap_done
