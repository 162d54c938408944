#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Segments to a port with no XTCP socket are answered with RST (RFC 9293),
# checked on the wire with tshark, plus the InSegs/OutRsts counters.
#
#   netns A                                netns B (no XTCP sockets)
#   +-------------------+   veth pair      +-------------------+
#   | helpers/rawseg    | va ---------- vb | 10.0.0.2/24       |
#   | 10.0.0.1/24       |                  | dumpcap on vb:    |
#   +-------------------+                  | 'ip proto 253'    |
#                                          +-------------------+
#   netns C: idle, its counters must stay zero (per-namespace MIB)
#
# rawseg sends TCP headers on IP protocol 253 with the checksum over the
# TCP pseudo-header (protocol 6); tshark -d ip.proto==253,tcp decodes them.

source "$(dirname "$0")/lib.sh"

RAWSEG=$XTCP_TESTS_DIR/build/helpers/rawseg
NSA=$NS_PREFIX-a
NSB=$NS_PREFIX-b
NSC=$NS_PREFIX-c
DPORT=9
CAP=$TMPD/rst.pcapng
# tshark's tcp.checksum.status values: 0 Bad, 1 Good, 2 Unverified
CSUM_GOOD=1

tap_plan 14

[ -x "$RAWSEG" ] || fail "$RAWSEG missing: run make -C selftests"
need_cmd tshark || fail "tshark not installed"
[ -r /proc/net/xtcp_stat ] || fail "/proc/net/xtcp_stat missing: is xtcp.ko loaded?"

topo_ab "$NSA" "$NSB"
ns_create "$NSC"
cap_start "$NSB" vb "$CAP" -f 'ip proto 253'
STAT_B=/proc/$CAP_PID/net/xtcp_stat	# the capture process lives in B
insegs0=$(xstat "$STAT_B" InSegs)
outrsts0=$(xstat "$STAT_B" OutRsts)

# Probes, SPORT,DPORT,FLAGS,SEQ,ACK[,LEN], and the answers expected from B:
#	SYN            -> RST|ACK seq 0 ack 1001
#	SYN + 5 bytes  -> RST|ACK seq 0 ack 2006
#	ACK            -> RST seq 777777
#	ACK + 10 bytes -> RST seq 555
#	FIN, no ACK    -> RST|ACK seq 0 ack 5001
#	RST, RST|ACK   -> nothing
"$RAWSEG" -N "/run/netns/$NSA" 10.0.0.1 10.0.0.2 \
	41001,$DPORT,S,1000,0 \
	41002,$DPORT,S,2000,0,5 \
	41003,$DPORT,A,3000,777777 \
	41004,$DPORT,PA,4000,555,10 \
	41005,$DPORT,F,5000,0 \
	41006,$DPORT,R,6000,0 \
	41007,$DPORT,RA,7000,8000 ||
	fail "rawseg could not send"
tsleep 1

insegs1=$(xstat "$STAT_B" InSegs)
outrsts1=$(xstat "$STAT_B" OutRsts)
cap_stop

# one line per packet, comma separated (empty fields kept):
# 0 src 1 dst 2 sport 3 dport 4 syn 5 ack 6 rst 7 fin 8 seq 9 ack 10 win 11 csum 12 len
tshark -r "$CAP" -d ip.proto==253,tcp -o tcp.check_checksum:TRUE -T fields -E separator=, \
	-e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport \
	-e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.reset -e tcp.flags.fin \
	-e tcp.seq_raw -e tcp.ack_raw -e tcp.window_size_value -e tcp.checksum.status \
	-e tcp.len >"$TMPD/pkts" 2>"$TMPD/tshark.err" || fail "tshark decode: $(<"$TMPD/tshark.err")"
pkts_load "$TMPD/pkts"

# replies SPORT: the packets B sent back to the probe from SPORT
replies() {
	local l f
	for l in "${PKTS[@]}"; do
		IFS=, read -r -a f <<<"$l"
		if [ "${f[0]}" = 10.0.0.2 ] && [ "${f[2]}" = "$DPORT" ] && [ "${f[3]}" = "$1" ]; then
			echo "$l"
		fi
	done
}

# check_reply DESC SPORT ACKFLAG SEQ ACKNO [WIN]: exactly one reply to the
# probe from SPORT: B -> A, ports swapped, RST set, SYN/FIN clear, ACK flag,
# seq and (when ACKFLAG is 1) ack number as given, good checksum, window.
check_reply() {
	local desc=$1 r f want got
	r=$(replies "$2")
	if [ -z "$r" ] || [[ "$r" == *$'\n'* ]]; then
		tap_fail "$desc" "want exactly one reply to port $2, got: '${r:-none}'"
		return
	fi
	IFS=, read -r -a f <<<"$r"
	[ "$3" = 1 ] || f[9]=-
	want="10.0.0.1 syn=0 ack=$3 rst=1 fin=0 seq=$4 ackno=$5 csum=$CSUM_GOOD"
	got="${f[1]} syn=${f[4]} ack=${f[5]} rst=${f[6]} fin=${f[7]} seq=${f[8]} ackno=${f[9]} csum=${f[11]}"
	if [ "$want" != "$got" ]; then
		tap_fail "$desc" "want '$want', got '$got'"
	elif [ -n "${6:-}" ] && [ "${f[10]}" != "$6" ]; then
		tap_fail "$desc" "want window $6, got ${f[10]}"
	else
		tap_ok "$desc"
	fi
}

check_none() {	# DESC SPORT
	local r
	r=$(replies "$2")
	if [ -z "$r" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "unexpected reply: $r"
	fi
}

n_sent=0 n_good=0 n_from_a=0 n_from_b=0
for l in "${PKTS[@]}"; do
	IFS=, read -r -a f <<<"$l"
	case "${f[0]}" in
	10.0.0.1)
		n_from_a=$((n_from_a + 1))
		if [ "${f[3]}" = "$DPORT" ]; then
			n_sent=$((n_sent + 1))
			[ "${f[11]}" = "$CSUM_GOOD" ] && n_good=$((n_good + 1))
		fi ;;
	10.0.0.2)
		n_from_b=$((n_from_b + 1)) ;;
	esac
done
tap_check "rst: all 7 probe segments captured with good checksum" \
	test "$n_sent" -eq 7 -a "$n_good" -eq 7

check_reply "rst: SYN -> RST|ACK seq 0 ack S+1" 41001 1 0 1001
check_reply "rst: SYN -> RST|ACK with window 0" 41001 1 0 1001 0
check_reply "rst: SYN+5 bytes -> RST|ACK seq 0 ack S+6" 41002 1 0 2006
check_reply "rst: ACK -> RST seq=SEG.ACK without ACK flag" 41003 0 777777 -
check_reply "rst: ACK+10 bytes -> RST seq=SEG.ACK without ACK flag" 41004 0 555 -
check_reply "rst: FIN without ACK -> RST|ACK seq 0 ack S+1" 41005 1 0 5001
check_none "rst: incoming RST is not answered" 41006
check_none "rst: incoming RST|ACK is not answered" 41007
tap_check "rst: B sent exactly 5 segments" test "$n_from_b" -eq 5
tap_check "rst: A did not answer the RSTs it received" test "$n_from_a" -eq 7

tap_diag "B InSegs $insegs0 -> $insegs1, OutRsts $outrsts0 -> $outrsts1"
if [[ "$insegs0$insegs1" =~ ^[0-9]+$ ]] && [ $((insegs1 - insegs0)) -eq 7 ]; then
	tap_ok "rst: InSegs of B grew by 7"
else
	tap_fail "rst: InSegs of B grew by 7" "InSegs $insegs0 -> $insegs1"
fi
if [[ "$outrsts0$outrsts1" =~ ^[0-9]+$ ]] && [ $((outrsts1 - outrsts0)) -eq 5 ]; then
	tap_ok "rst: OutRsts of B grew by 5"
else
	tap_fail "rst: OutRsts of B grew by 5" "OutRsts $outrsts0 -> $outrsts1"
fi

stat_c=$(ip netns exec "$NSC" cat /proc/net/xtcp_stat)
c_nonzero=""
while read -r n v; do
	[ "$v" = 0 ] || c_nonzero+=" $n=$v"
done <<<"$stat_c"
have_stat=0
[ -n "$stat_c" ] && have_stat=1
tap_check "rst: counters of idle netns C stay zero" test "$have_stat" = 1 -a -z "$c_nonzero"
[ -n "$c_nonzero" ] && tap_diag "C non-zero:$c_nonzero"

tap_done
