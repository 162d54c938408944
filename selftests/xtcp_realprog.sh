#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unmodified Debian programs on XTCP at both ends, through the xtcpize
# LD_PRELOAD shim (tools/xtcpize): nginx + curl (16 MiB file, sendfile on),
# redis-server + redis-cli + redis-benchmark, iperf3 (10 s, control and data
# connections). Each program's own output is checked (HTTP status, sizes,
# SHA-256, replies, JSON report), and /proc/net/xtcp + counters show that the
# connections were XTCP, not Linux TCP.
#
#   netns A (clients) 10.0.0.1 "va" <-- veth --> "vb" 10.0.0.2 netns B (servers)
#   (lib.sh's topo_ab, the C tests' topology)
#   IP protocol 253 on the wire; tx checksum offload, TSO, GSO off on both
#   ends; dumpcap on va during the nginx/curl and redis phases (iperf3 is not
#   captured: 10 s at full speed is too much for tshark under TCG), decoded
#   with tshark -d ip.proto==253,tcp.
#
# Servers listen on IPv4 addresses only: the shim leaves AF_INET6 sockets on
# Linux TCP (XTCP has no IPv6 yet).

source "$(dirname "$0")/lib.sh"

XF=$XTCP_TESTS_DIR/build/helpers/io_xfer
XTCPIZE=$(cd "$XTCP_TESTS_DIR/../tools/xtcpize" && pwd)/xtcpize
NSC=$NS_PREFIX-a
NSS=$NS_PREFIX-b
SADDR=$IP_B
CADDR=$IP_A
CAP=$TMPD/realprog.pcapng
FSIZE=16777216

tap_plan 13

[ -x "$XF" ] || fail "$XF missing: run make -C selftests"
[ -r "$(dirname "$XTCPIZE")/build/libxtcpize.so" ] || fail "libxtcpize.so missing: run make -C tools"
[ -r /proc/net/xtcp_stat ] || fail "/proc/net/xtcp_stat missing: is xtcp.ko loaded?"
for c in nginx curl iperf3 redis-server redis-cli redis-benchmark tshark ethtool python3; do
	need_cmd "$c" || fail "$c not installed (scripts/install-deps.sh)"
done

topo_ab "$NSC" "$NSS"
# veth hands each packet to the backlog of the CPU that sent it, so with two
# vCPUs a loss-free link still reorders (Linux TCP hides that by sending
# 64 KB GSO packets). RPS steers each end's receive path to CPU 0: the link
# is then really loss- and reorder-free, as the capture check expects.
for n in "$NSS:vb" "$NSC:va"; do
	ip netns exec "${n%%:*}" sh -c "ethtool -K ${n#*:} tx off tso off gso off >/dev/null &&
		echo 1 >/sys/class/net/${n#*:}/queues/rx-0/rps_cpus &&
		echo 1 >/proc/sys/net/xtcp/tw_timeout" || fail "ethtool/rps/sysctl in ${n%%:*}"
done

# rows PID PORTHEX FILE: rows of /proc/PID/net/FILE with local port PORTHEX
rows() {
	local l n=0
	while read -r l; do
		[[ $l == *:*" "*:*" "* ]] || continue
		l=${l#*: }
		[ "${l:9:4}" = "$2" ] && n=$((n + 1))
	done <"/proc/$1/net/$3"
	echo $n
}

# processes that stay in NSC and NSS, to read their /proc/net files without exec
ip netns exec "$NSC" sleep 1000 &
cpid=$!
bg_track $cpid
ip netns exec "$NSS" sleep 1000 &
spid=$!
bg_track $spid

# snap TAG: copy both namespaces' /proc/net/xtcp_stat
snap() {
	cat "/proc/$cpid/net/xtcp_stat" >"$TMPD/$1.c"
	cat "/proc/$spid/net/xtcp_stat" >"$TMPD/$1.s"
}
# sdelta FROM TO SIDES COUNTER...: how much the counters grew between two
# snaps, summed over SIDES ("c", "s" or "c s")
sdelta() {
	local from=$1 to=$2 sides=$3 side c n=0

	shift 3
	for c in "$@"; do
		for side in $sides; do
			n=$((n + $(xstat "$TMPD/$to.$side" "$c" 0) - $(xstat "$TMPD/$from.$side" "$c" 0)))
		done
	done
	echo $n
}
# deltas FROM TO: the counters that changed, both sides (diagnostics)
deltas() {
	local side n v out="" k
	declare -A a
	for side in c s; do
		while read -r n v; do a[$side$n]=$v; done <"$TMPD/$1.$side"
		if [ $side = c ]; then out+=" client:"; else out+=" server:"; fi
		while read -r n v; do
			k=$((v - ${a[$side$n]:-0}))
			[ "$k" != 0 ] && out+=" $n+$k"
		done <"$TMPD/$2.$side"
	done
	echo "$out"
}

# -B 64: a 64 MiB kernel ring, so a TCG-slow dumpcap keeps up with curl's burst
cap_start "$NSC" va "$CAP" -B 64
snap cap0

# ------------------------------------------------------------ nginx + curl
mkdir -p "$TMPD/www"
"$XF" gen -b $FSIZE -s 77 >"$TMPD/www/f16.bin"
nginx_start "$NSS" "$SADDR:8080" "$XTCPIZE" run
ngpid=$NGPID
tsleep 0.5
n_x=$(rows $ngpid 1F90 xtcp) n_t=$(rows $ngpid 1F90 tcp)
tap_check "nginx (xtcpize) listens on $SADDR:8080 over XTCP: /proc/net/xtcp rows $n_x, /proc/net/tcp rows $n_t" \
	test "$n_x" = 1 -a "$n_t" = 0

snap st0
t0=$SECONDS
ip netns exec "$NSC" "$XTCPIZE" run curl -sS --max-time 150 -o "$TMPD/got.bin" \
	-w 'code=%{http_code} size=%{size_download} secs=%{time_total} remote=%{remote_ip}:%{remote_port}\n' \
	"http://$SADDR:8080/f16.bin" >"$TMPD/curl.out" 2>"$TMPD/curl.err"
rc=$?
snap st1
tap_diag "curl rc $rc in $((SECONDS - t0)) s: $(<"$TMPD/curl.out") $(<"$TMPD/curl.err")"
tap_diag "XTCP counters during curl:$(deltas st0 st1)"
tap_check "curl (xtcpize) GET 16 MiB from nginx: exit 0, HTTP 200, $FSIZE bytes" \
	test "$rc" = 0 -a "$(<"$TMPD/curl.out")" != "" -a \
	"$(sed -n 's/^code=\([0-9]*\) size=\([0-9]*\).*/\1 \2/p' "$TMPD/curl.out")" = "200 $FSIZE"
sha=$(sha256sum "$TMPD/www/f16.bin" "$TMPD/got.bin" 2>&1)
tap_diag "$sha"
sha_a=${sha%%$'\n'*} sha_b=${sha#*$'\n'}
tap_check "curl's file has the SHA-256 of nginx's" test "${sha_a%% *}" = "${sha_b%% *}"
ao=$(sdelta st0 st1 c ActiveOpens)
if grep -q "\"GET /f16.bin HTTP/1.1\" 200 $FSIZE " "$TMPD/ng/access.log" && [ "$ao" -ge 1 ]; then
	tap_ok "nginx logged the GET (200, $FSIZE bytes); curl's connection was XTCP (ActiveOpens +$ao)"
else
	tap_fail "nginx logged the GET (200, $FSIZE bytes); curl's connection was XTCP (ActiveOpens +$ao)" \
		"access.log: $(<"$TMPD/ng/access.log")"
fi
kill "$ngpid"
wait "$ngpid" 2>/dev/null
if grep -qE '\[(alert|crit|emerg)\]' "$TMPD/ng/error.log"; then
	tap_fail "nginx error log has no alert/crit/emerg entries" "$(grep -E '\[(alert|crit|emerg)\]' "$TMPD/ng/error.log" | head -3)"
else
	tap_ok "nginx error log has no alert/crit/emerg entries"
fi

# ------------------------------------------------------------------ redis
ip netns exec "$NSS" "$XTCPIZE" run redis-server --bind "$SADDR" --port 6379 --save "" \
	--appendonly no --protected-mode no --dir "$TMPD" --logfile "$TMPD/redis.log" \
	>"$TMPD/redis.out" 2>&1 &
rpid=$!
bg_track $rpid
wait_for_file "$TMPD/redis.log" 60 "Ready to accept connections" ||
	fail "redis-server did not start: $(<"$TMPD/redis.log") $(<"$TMPD/redis.out")"
n_x=$(rows $rpid 18EB xtcp) n_t=$(rows $rpid 18EB tcp)
snap st0
ip netns exec "$NSC" "$XTCPIZE" run bash -c "
	redis-cli -h $SADDR SET xtcpkey 'hello over xtcp' && redis-cli -h $SADDR GET xtcpkey &&
	redis-cli -h $SADDR INCRBY counter 41 && redis-cli -h $SADDR INCR counter" >"$TMPD/rcli.out" 2>&1
tap_diag "redis-cli: $(tr '\n' '|' <"$TMPD/rcli.out")"
tap_check "redis-server (xtcpize) on XTCP (xtcp rows $n_x, tcp rows $n_t); redis-cli SET/GET/INCRBY/INCR replies right" \
	test "$n_x" = 1 -a "$n_t" = 0 -a "$(tr '\n' '|' <"$TMPD/rcli.out")" = "OK|hello over xtcp|41|42|"
t0=$SECONDS
ip netns exec "$NSC" "$XTCPIZE" run redis-benchmark -h "$SADDR" -p 6379 -t set,get -n 1000 -c 4 \
	--csv >"$TMPD/bench.out" 2>&1
rc=$?
snap st1
tap_diag "redis-benchmark rc $rc in $((SECONDS - t0)) s: $(tr '\n' ' ' <"$TMPD/bench.out")"
tap_diag "XTCP counters during redis-cli and redis-benchmark:$(deltas st0 st1)"
ok=0
set_rps=$(sed -n 's/^"SET","\([0-9.]*\)".*/\1/p' "$TMPD/bench.out")
get_rps=$(sed -n 's/^"GET","\([0-9.]*\)".*/\1/p' "$TMPD/bench.out")
[ $rc = 0 ] && [ -n "$set_rps" ] && [ -n "$get_rps" ] && [ "${set_rps%.*}" -gt 0 ] &&
	[ "${get_rps%.*}" -gt 0 ] && ! grep -qi "error" "$TMPD/bench.out" && ok=1
ao=$(sdelta st0 st1 c ActiveOpens)
tap_check "redis-benchmark (xtcpize) -t set,get -n 1000 -c 4: SET $set_rps rps, GET $get_rps rps, no errors, XTCP ActiveOpens +$ao" \
	test "$ok" = 1 -a "$ao" -ge 4
ip netns exec "$NSC" "$XTCPIZE" run redis-cli -h "$SADDR" INFO stats >"$TMPD/rinfo" 2>&1
tc=$(sed -n 's/^total_connections_received:\([0-9]*\).*/\1/p' "$TMPD/rinfo")
tap_check "redis-server counted the clients' connections (total_connections_received $tc)" \
	test "${tc:-0}" -ge 10
kill "$rpid"
wait "$rpid" 2>/dev/null

tsleep 0.5
snap cap1
cap_stop
# "Packets received/dropped on interface 'va': 25879/0 (pcap:0/...)"
capdrop=$(sed -n 's|.*received/dropped on interface.*: [0-9]*/\([0-9]*\) .*|\1|p' "$TMPD/cap.err")

# ----------------------------------------------------------------- iperf3
ip netns exec "$NSS" "$XTCPIZE" run iperf3 -s -4 -B "$SADDR" -p 5201 -1 \
	>"$TMPD/iperf-s.out" 2>&1 &
ipid=$!
bg_track $ipid
for ((i = 0; i < 100; i++)); do
	[ "$(rows $ipid 1451 xtcp 2>/dev/null)" = 1 ] && break
	tsleep 0.2
done
snap st0
t0=$SECONDS
ip netns exec "$NSC" "$XTCPIZE" run iperf3 -4 -c "$SADDR" -p 5201 -t 10 -J \
	>"$TMPD/iperf.json" 2>"$TMPD/iperf.err"
rc=$?
snap st1
wait $ipid
tap_diag "XTCP counters during iperf3:$(deltas st0 st1)"
tap_diag "iperf3 client rc $rc in $((SECONDS - t0)) s; server: $(tail -n 3 "$TMPD/iperf-s.out" | tr '\n' ' ')"
python3 - "$TMPD/iperf.json" >"$TMPD/iperf.sum" 2>&1 <<-'EOF'
	import json, sys
	j = json.load(open(sys.argv[1]))
	e = j.get("end", {})
	s, r = e.get("sum_sent", {}), e.get("sum_received", {})
	print("error=%s sent=%d received=%d secs=%.1f mbit=%.1f retransmits=%s cong=%s intervals=%d" % (
	    repr(j.get("error", "")), s.get("bytes", 0), r.get("bytes", 0), s.get("seconds", 0),
	    r.get("bits_per_second", 0) / 1e6, s.get("retransmits", "-"),
	    e.get("sender_tcp_congestion", "-"), len(j.get("intervals", []))))
EOF
tap_diag "iperf3: $(<"$TMPD/iperf.sum") $(head -c 300 "$TMPD/iperf.err")"
sum=$(<"$TMPD/iperf.sum")
sent=$(sed -n 's/.* sent=\([0-9]*\) .*/\1/p' <<<"$sum")
recv=$(sed -n 's/.* received=\([0-9]*\) .*/\1/p' <<<"$sum")
tap_check "iperf3 (xtcpize) -4 -t 10 -J: no error, bytes sent ${sent:-?} and received ${recv:-?} > 0" \
	test "$rc" = 0 -a "${sum%% *}" = "error=''" -a "${sent:-0}" -gt 0 -a "${recv:-0}" -gt 0
ao=$(sdelta st0 st1 c ActiveOpens)
tap_check "iperf3's control and data connections were both XTCP (ActiveOpens +$ao)" test "$ao" -ge 2

# ------------------------------------------------------------ the capture
# 0 frame 1 ip.proto 2 dport 3 sport 4 tcp csum 5 ip csum 6 malformed 7 flags
# 8 window_update 9 expert 10 tcp.checksum 11 window_full 12 zero_window
# 13 zero_window_probe 14 zero_window_probe_ack
tshark -r "$CAP" -d ip.proto==253,tcp -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
	-T fields -E separator='|' -E occurrence=f -e frame.number -e ip.proto -e tcp.dstport \
	-e tcp.srcport -e tcp.checksum.status -e ip.checksum.status -e _ws.malformed \
	-e tcp.analysis.flags -e tcp.analysis.window_update -e _ws.expert.message -e tcp.checksum \
	-e tcp.analysis.window_full -e tcp.analysis.zero_window -e tcp.analysis.zero_window_probe \
	-e tcp.analysis.zero_window_probe_ack >"$TMPD/pkts" 2>"$TMPD/tshark.err" ||
	fail "tshark: $(<"$TMPD/tshark.err")"
frames=0 ip4=0 x=0 t=0 good=0 bad=0 mangled0=0 malformed=0 ipbad=0 flagged=0 wupd=0 wfull=0 flist=""
declare -A kinds=()
while IFS='|' read -r -a f; do
	frames=$((frames + 1))
	[ -n "${f[1]}" ] && ip4=$((ip4 + 1))
	[ "${f[1]}" = 253 ] && x=$((x + 1))
	[ "${f[1]}" = 6 ] && t=$((t + 1))
	[ -n "${f[6]}" ] && malformed=$((malformed + 1))
	[ "${f[5]}" = 0 ] && ipbad=$((ipbad + 1))
	[ -n "${f[2]}" ] || continue
	[ "${f[4]}" = 1 ] && good=$((good + 1))
	# 0xffff for a zero sum: what the kernel's skb_checksum_help() writes
	# (CSUM_MANGLED_0) with checksum offload off, for Linux TCP as for XTCP
	if [ "${f[4]}" = 0 ]; then
		if [ "${f[10]}" = 0xffff ]; then
			good=$((good + 1)) mangled0=$((mangled0 + 1))
		else
			bad=$((bad + 1))
		fi
	fi
	[ -n "${f[7]}" ] || continue
	if [ -n "${f[8]}" ]; then
		wupd=$((wupd + 1))	# a window update is no anomaly
		continue
	fi
	# nor is a sender filling the window of a reader slower than the
	# link (curl writing to disk under TCG), a receiver closing its window
	# and the persist timer's probes: flow control, not loss
	if [ -n "${f[11]}${f[12]}${f[13]}${f[14]}" ]; then
		wfull=$((wfull + 1))
		continue
	fi
	flagged=$((flagged + 1))
	k=${f[9]##*,}	# the last expert message is the analysis one
	k=${k% (#*}	# "Duplicate ACK (#12)" -> "Duplicate ACK"
	kinds[$k]=$((${kinds[$k]:-0} + 1))
	[ $flagged -le 5 ] && flist+=" [frame ${f[0]} ${f[3]}->${f[2]}: ${f[9]}]"
done <"$TMPD/pkts"
summary=""
for k in "${!kinds[@]}"; do
	summary+=" {$k}=${kinds[$k]}"
done
tap_diag "capture: $frames frames, IPv4 $ip4, IP proto 253: $x, 6: $t; TCP checksum good $good (0xffff for 0: $mangled0) bad $bad; IP bad $ipbad"
tap_diag "analysis flags (besides $wupd window updates and $wfull full or zero windows and probes):${summary:- none}"
tap_check "capture: decodes as TCP with -d ip.proto==253,tcp, no malformed packets, all on IP protocol 253" \
	test "$frames" -gt 1000 -a "$malformed" = 0 -a "$x" = "$ip4" -a "$t" = 0
tap_check "capture: every TCP checksum good ($good of $((good + bad))), IPv4 header checksums good" \
	test "$bad" = 0 -a "$good" -gt 0 -a "$ipbad" = 0
# A frame the capture itself dropped (dumpcap counts it) shows up as the pair
# "Previous segment(s) not captured" + "ACKed segment that wasn't captured":
# the receiver ACKed what the ring lost. Only then are those two excused.
excused=0
if [ "${capdrop:-0}" -gt 0 ]; then
	for k in "${!kinds[@]}"; do
		case $k in
		"Previous segment(s) not captured"* | "ACKed segment that wasn't captured"*)
			v=${kinds[$k]}
			excused=$((excused + v)) ;;
		esac
	done
fi
tap_diag "capture: dumpcap dropped ${capdrop:-?} frames; $excused not-captured flags excused by that"
# The flags the counters below may excuse, by kind: retransmissions
# (plain, spurious, fast), out-of-order segments, duplicate ACKs.
rtx=0 ooo=0 dup=0
for k in "${!kinds[@]}"; do
	case $k in
	*"(suspected) retransmission"* | *"(suspected) spurious retransmission"* | \
	*"(suspected) fast retransmission"*)
		rtx=$((rtx + ${kinds[$k]})) ;;
	*"(suspected) out-of-order segment"*)
		ooo=$((ooo + ${kinds[$k]})) ;;
	"Duplicate ACK"*)
		dup=$((dup + ${kinds[$k]})) ;;
	esac
done
# A tail loss probe (RFC 8985, armed as Linux's after new data) goes out
# when an ACK is late, and on a loss-free link it is a spurious
# retransmission, answered by a DSACK that Wireshark calls a duplicate
# ACK. Linux's TCP sends them too under the same delays (TCG stalls). Only
# as many as the senders counted (TCPLossProbes, both sides) are excused.
tlp=$(sdelta cap0 cap1 "c s" TCPLossProbes)
tlp_rtx=$((rtx < tlp ? rtx : tlp)) tlp_dup=$((dup < tlp ? dup : tlp))
excused=$((excused + tlp_rtx + tlp_dup))
tap_diag "capture: tail loss probes sent (TCPLossProbes) $tlp; retransmissions $tlp_rtx and duplicate ACKs $tlp_dup excused by them"
# The link loses nothing, but a receiver may drop a segment it has no
# memory for, and counts it as Linux's TCP does: TCPBacklogDrop (the
# socket backlog past Linux's tcp_add_backlog() limit while the reader
# holds the socket), TCPRcvQDrop or TCPOFODrop. On the debug kernel a
# reader slowed by KASAN, or a host busy enough, does that. Each counted
# drop excuses one retransmission (which Wireshark calls an out-of-order
# segment when it follows the segment before it closely, as a SACK-driven
# one does, or a fast retransmission when it follows duplicate ACKs), and
# while there were drops, each out-of-order segment queued after them
# (TCPOFOQueue) one duplicate ACK. Anything else fails.
drops=$(sdelta cap0 cap1 "c s" TCPBacklogDrop TCPRcvQDrop TCPOFODrop)
drop_rtx=0 drop_dup=0
if [ "$drops" -gt 0 ]; then
	ofoq=$(sdelta cap0 cap1 "c s" TCPOFOQueue)
	r=$((rtx - tlp_rtx + ooo)) d=$((dup - tlp_dup))
	drop_rtx=$((r < drops ? r : drops))
	drop_dup=$((d < ofoq ? d : ofoq))
fi
excused=$((excused + drop_rtx + drop_dup))
tap_diag "capture: receiver drops counted (TCPBacklogDrop+TCPRcvQDrop+TCPOFODrop) $drops; retransmissions or out-of-order segments $drop_rtx and duplicate ACKs $drop_dup excused by them"
# With a receiver that drops, the sender's loss detection (RACK) may also
# resend a segment that was only late (still in that receiver's backlog):
# a spurious retransmission, which the receiver answers with a DSACK
# (RFC 2883) that the sender counts (TCPDSACKRecv) and Wireshark calls a
# duplicate ACK. Each counted DSACK (but those answering the loss probes
# above) excuses one retransmission and one duplicate ACK that nothing
# above excused.
dsack=$(($(sdelta cap0 cap1 "c s" TCPDSACKRecv) - tlp_dup))
[ "$dsack" -ge 0 ] || dsack=0
rtx_left=$((rtx + ooo - tlp_rtx - drop_rtx)) dup_left=$((dup - tlp_dup - drop_dup))
ds_rtx=$((rtx_left < dsack ? rtx_left : dsack)) ds_dup=$((dup_left < dsack ? dup_left : dsack))
[ "$ds_rtx" -ge 0 ] || ds_rtx=0
[ "$ds_dup" -ge 0 ] || ds_dup=0
excused=$((excused + ds_rtx + ds_dup))
tap_diag "capture: DSACKs received (TCPDSACKRecv, less the probes' ones) $dsack; retransmissions $ds_rtx and duplicate ACKs $ds_dup excused by them"
# A receiver short of memory may also prune its out-of-order queue
# (OfoPruned: data it had SACKed is gone); the sender sees the SACK
# reneging and, as Linux's TCP, recovers by timeout. When the receiver
# pruned, the sender's retransmissions that were neither fast
# retransmissions nor loss probes (RetransSegs - TCPFastRetrans -
# TCPLossProbes: the timeout's) excuse as many retransmissions left.
pruned=$(sdelta cap0 cap1 "c s" OfoPruned)
prune_rtx=0
if [ "$pruned" -gt 0 ]; then
	prune_rtx=$(($(sdelta cap0 cap1 "c s" RetransSegs) - $(sdelta cap0 cap1 "c s" TCPFastRetrans) - tlp))
	rtx_left=$((rtx_left - ds_rtx))
	prune_rtx=$((rtx_left < prune_rtx ? rtx_left : prune_rtx))
	[ "$prune_rtx" -ge 0 ] || prune_rtx=0
fi
excused=$((excused + prune_rtx))
tap_diag "capture: out-of-order queue prunes (OfoPruned) $pruned; timeout retransmissions $prune_rtx excused by them"
if [ "$((flagged - excused))" = 0 ]; then
	tap_ok "capture: no TCP analysis flags but flow control (window updates, full windows) on a loss-free link"
else
	tap_fail "capture: no TCP analysis flags but flow control (window updates, full windows) on a loss-free link" "$flagged flagged, $excused excused;${summary:- none}:$flist"
fi

[ -n "${XTCP_OUT:-}" ] && cp "$CAP" "$XTCP_OUT/realprog.pcapng" 2>/dev/null
tap_done
