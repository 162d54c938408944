#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-bench.sh - XTCP against Linux TCP, same guest, same veth pair; runs
# INSIDE a scripts/vm-run.sh guest (started by scripts/bench.sh, `make bench`).
#
# Usage: scripts/guest-bench.sh KVER OUTDIR
#
#   xb-srv 10.77.0.1 xa  <------ veth ------>  xb 10.77.0.2 xb-cli
#   (servers)                                   (clients; loopback runs:
#                                                server and client here)
#
# Every workload (tools/build/xtcp_bench) runs for XTCP and Linux TCP in
# turn, PAIRS times, the order swapped every other pair (XTCP first on odd
# pairs). Linux TCP STREAM runs twice per pair: as shipped ("tcp") and with
# GSO/GRO/TSO off on both ends of the path ("tcp_nooffload", ethtool -K).
# Memory samples get a fresh pair of namespaces each (so that no TIME_WAIT
# entry of an earlier sample expires during a measurement), deleted
# afterwards; the keepalive runs one pair of namespaces where XTCP's and
# Linux TCP's connections stay open side by side and take turns with
# SO_KEEPALIVE on (run_keepalive). Loss runs: netem "loss P%" on both veth ends, "delay
# 10ms" on the data direction (RTT about 10 ms), offloads off for both stacks
# (the devices then cut GSO skbs into segments after the qdisc; both stacks
# still build GSO skbs, Linux's TCP whatever the device's features, so
# netem draws once per skb and a loss takes a whole skb: fewer, larger skbs
# (stretch ACKs, a larger cwnd) mean fewer loss events per byte), and
# receive steered to CPU 0 on both ends (RPS), as the netem selftests do: a
# qdisc on a veth of a 2-vCPU guest runs from either CPU, and the two CPUs'
# backlogs would reorder segments netem never reordered.
#
# Writes OUTDIR/raw.csv: kernel,test,stack,pair,value,unit (value NA when a
# run failed; its error is in the output), and OUTDIR/info.txt.
#
# Environment (scripts/bench.sh passes them on):
#   BENCH_PAIRS       pairs per workload (default 5)
#   BENCH_LOSS_PAIRS  pairs per loss rate (default 1: at 10 ms RTT one run of
#                     64 MiB takes about 25-50 s at 1% loss and 2 min at 5%
#                     under TCG, for either stack)
#   BENCH_SECS        seconds per STREAM/RR/CRR run (default 2)
#   BENCH_MEM_CONNS   connections of the memory samples (default 10000)
#   BENCH_KA_CONNS    keepalive connections (default 20000)
#   BENCH_KA_SECS     keepalive measurement time per turn (default 5)
#   BENCH_LOSS_BYTES  bytes per loss run (default 64M)
#   BENCH_LOSS_RATES  netem loss rates in percent (default "1 5")
#   BENCH_TESTS       space-separated groups to run (default all): stream
#                     stream_lo rr crr mem keepalive loss
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)

die() { echo "guest-bench: $*" >&2; exit 2; }
[ $# -eq 2 ] || die "usage: $0 KVER OUTDIR   (inside the guest via scripts/vm-run.sh)"
KVER=$1
OUT=$2
[ "$(uname -r)" = "$KVER" ] || die "running kernel is $(uname -r), not $KVER"

num() { [[ ${!1} =~ ^[1-9][0-9]*$ ]] || die "bad $1='${!1}' (want a positive integer)"; }
PAIRS=${BENCH_PAIRS:-5}; num PAIRS
LOSS_PAIRS=${BENCH_LOSS_PAIRS:-1}; num LOSS_PAIRS
SECS=${BENCH_SECS:-2}; num SECS
MEM_CONNS=${BENCH_MEM_CONNS:-10000}; num MEM_CONNS
KA_CONNS=${BENCH_KA_CONNS:-20000}; num KA_CONNS
KA_SECS=${BENCH_KA_SECS:-5}; num KA_SECS
LOSS_BYTES=${BENCH_LOSS_BYTES:-64M}
[[ $LOSS_BYTES =~ ^[1-9][0-9]*[KMG]?$ ]] || die "bad BENCH_LOSS_BYTES='$LOSS_BYTES'"
LOSS_RATES=${BENCH_LOSS_RATES:-1 5}
for p in $LOSS_RATES; do
	[[ $p =~ ^[1-9][0-9]?$ ]] || die "bad loss rate '$p' in BENCH_LOSS_RATES (want 1-99)"
done
ALL_TESTS="stream stream_lo rr crr mem keepalive loss"
TESTS=${BENCH_TESTS:-$ALL_TESTS}
for t in $TESTS; do
	[[ " $ALL_TESTS " == *" $t "* ]] || die "unknown test group '$t' in BENCH_TESTS ($ALL_TESTS)"
done

BENCH=$REPO/tools/build/xtcp_bench
MODULE=$REPO/build/$KVER/xtcp.ko
[ -x "$BENCH" ] || die "$BENCH missing (make tools)"
[ -f "$MODULE" ] || die "$MODULE missing (make modules)"
mkdir -p "$OUT"
RAW=$OUT/raw.csv
echo "kernel,test,stack,pair,value,unit" >"$RAW"
TMPD=$(mktemp -d /tmp/guest-bench.XXXXXX)

NSS=xb-srv NSC=xb-cli SRV_IP=10.77.0.1
PORT=10000		# a fresh server port per run; clients use 20000-65535
srv_pids=()		# servers running (srv_start, srv_stop)
ka_pids=()		# keepalive clients running

cleanup() {
	local p
	for p in "${ka_pids[@]+"${ka_pids[@]}"}" "${srv_pids[@]+"${srv_pids[@]}"}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for ns in $NSS $NSC xbm-srv xbm-cli; do
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$TMPD"
}
trap cleanup EXIT

log() { printf '# [%4ds] %s\n' "$SECONDS" "$*"; }

# ------------------------------------------------------------ topology
# topo SRV_NS CLI_NS: two namespaces joined by a veth pair, lo up in both.
topo() {
	ip netns add "$1"
	ip netns add "$2"
	ip link add xa netns "$1" type veth peer name xb netns "$2"
	ip -n "$1" addr add $SRV_IP/24 dev xa
	ip -n "$2" addr add 10.77.0.2/24 dev xb
	ip -n "$1" link set xa up
	ip -n "$2" link set xb up
	ip -n "$1" link set lo up
	ip -n "$2" link set lo up
	ip netns exec "$2" sysctl -qw net.ipv4.ip_local_port_range="20000 65535"
	# room for every TIME_WAIT entry of the runs (the default follows the
	# guest's memory, a few thousand), for both stacks alike
	ip netns exec "$2" sysctl -qw net.ipv4.tcp_max_tw_buckets=262144 \
		net.xtcp.max_tw_buckets=262144
	ip netns exec "$1" sysctl -qw net.core.somaxconn=4096
	ip netns exec "$2" sysctl -qw net.core.somaxconn=4096
}

# offload on|off: GSO/GRO/TSO of both veth ends and of the client's lo
# (info.txt shows what the devices accepted).
offload() {
	local nd
	for nd in $NSS:xa $NSC:xb $NSC:lo; do
		ip netns exec "${nd%%:*}" ethtool -K "${nd#*:}" gso "$1" gro "$1" tso "$1" \
			2>/dev/null || log "ethtool -K ${nd#*:} gso/gro/tso $1: refused in part"
	done
}

# features NS DEV: its TSO, GSO and GRO state on one line.
features() {
	ip netns exec "$1" ethtool -k "$2" |
		grep -E '^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload):' |
		tr -s ' \n' ' '
}

slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }

# Wait until the slab total stops shrinking (a deleted namespace's sockets
# freed, RCU callbacks run), at most 20 s.
settle() {
	local a b i
	a=$(slab_kb)
	for ((i = 0; i < 20; i++)); do
		sleep 1
		b=$(slab_kb)
		[ $((a - b)) -lt 64 ] && return 0
		a=$b
	done
}

# ------------------------------------------------------------- one run
fam() { [ "$1" = xtcp ] && echo xtcp || echo inet; }

# wait_lines FILE PATTERN COUNT SECS: until FILE has COUNT lines matching
# PATTERN; fails after SECS.
wait_lines() {
	local i
	for ((i = 0; i < $4 * 10; i++)); do
		[ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# srv_start NS STACK MODE [ADDR]: a server on a fresh port ($PORT), ready
# when it has printed "listening".
srv_start() {
	local pid
	PORT=$((PORT + 1))
	[ $PORT -lt 20000 ] || die "out of server ports"
	ip netns exec "$1" "$BENCH" server -f "$(fam "$2")" -p $PORT -m "$3" \
		${4:+-a "$4"} >"$TMPD/srv.$PORT.log" 2>&1 &
	pid=$!
	srv_pids+=("$pid")
	wait_lines "$TMPD/srv.$PORT.log" listening 1 10 && return 0
	cat "$TMPD/srv.$PORT.log" >&2
	return 1
}

# srv_stop: every server, their errors (if any) to stderr.
srv_stop() {
	local p
	for p in "${srv_pids[@]+"${srv_pids[@]}"}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	srv_pids=()
	cat "$TMPD"/srv.*.log 2>/dev/null | grep -v listening >&2 || true
	rm -f "$TMPD"/srv.*.log
}

# record TEST STACK PAIR VALUE UNIT
record() { echo "$KVER,$1,$2,$3,$4,$5" >>"$RAW"; }

# field LINE KEY: the value of KEY=... in one xtcp_bench output line.
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

# servers NS MODE ADDR: an XTCP and a Linux TCP server for a group of runs;
# their ports in sport[xtcp], sport[inet].
declare -A sport
servers() {
	local f
	for f in xtcp inet; do
		sport[$f]=
		if srv_start "$1" $f "$2" "$3"; then
			sport[$f]=$PORT
		else
			log "$f server in $1 did not start"
		fi
	done
}

# sample TEST STACK PAIR -- CLIENT ARGS...: one client run in the client
# namespace against the group's server (servers), its value= recorded.
sample() {
	local test=$1 stack=$2 pair=$3 f out val unit limit=120
	shift 4
	[ "$1" != bulk ] || limit=600
	f=$(fam "$stack")
	if [ -z "${sport[$f]}" ]; then
		record "$test" "$stack" "$pair" NA ""
		return 0
	fi
	if out=$(ip netns exec $NSC timeout $limit "$BENCH" "$@" -f "$f" -p "${sport[$f]}" \
		2>"$TMPD/cli.err"); then
		val=$(field "$out" value)
		unit=$(field "$out" unit)
		log "$test $stack pair $pair: $out"
		record "$test" "$stack" "$pair" "${val:-NA}" "$unit"
	else
		log "$test $stack pair $pair: FAILED: $(tr '\n' ' ' <"$TMPD/cli.err")"
		record "$test" "$stack" "$pair" NA ""
	fi
}

# order PAIR STACKS...: the stacks, reversed on even pairs.
order() {
	local pair=$1
	shift
	if [ $((pair % 2)) = 1 ]; then
		echo "$@"
	else
		echo "$@" | tr ' ' '\n' | tac | tr '\n' ' '
	fi
}

# ----------------------------------------------------------- workloads
# stream_on ADDR SRV_NS TESTPREFIX
stream_on() {
	local addr=$1 sns=$2 name=$3 c pair stack
	servers "$sns" sink "$addr"
	for c in 1 8; do
		for ((pair = 1; pair <= PAIRS; pair++)); do
			for stack in $(order $pair xtcp tcp tcp_nooffload); do
				if [ "$stack" = tcp_nooffload ]; then
					offload off
				fi
				sample "${name}$c" "$stack" $pair -- stream -a "$addr" -c $c -t "$SECS"
				if [ "$stack" = tcp_nooffload ]; then
					offload on
				fi
			done
		done
	done
	srv_stop
}

run_stream() { stream_on $SRV_IP $NSS stream_veth_; }
run_stream_lo() { stream_on 127.0.0.1 $NSC stream_lo_; }

run_rr() {
	local c pair stack
	servers $NSS echo $SRV_IP
	for c in 1 8; do
		for ((pair = 1; pair <= PAIRS; pair++)); do
			for stack in $(order $pair xtcp tcp); do
				sample "rr_$c" "$stack" $pair -- rr -a $SRV_IP -c $c -t "$SECS"
			done
		done
	done
	srv_stop
}

run_crr() {
	local pair stack
	servers $NSS echo $SRV_IP
	for ((pair = 1; pair <= PAIRS; pair++)); do
		for stack in $(order $pair xtcp tcp); do
			sample crr_1 "$stack" $pair -- crr -a $SRV_IP -t "$SECS"
		done
	done
	srv_stop
}

# mem_sample PAIR STACK: one memory run in new namespaces; its output line
# in $TMPD/mem.out (empty on failure).
mem_sample() {
	local pair=$1 stack=$2 out=
	settle
	topo xbm-srv xbm-cli
	if srv_start xbm-srv "$stack" echo $SRV_IP; then
		if ! out=$(ip netns exec xbm-cli timeout 600 "$BENCH" mem -f "$(fam "$stack")" \
			-a $SRV_IP -p $PORT -n "$MEM_CONNS" 2>"$TMPD/cli.err"); then
			log "mem $stack pair $pair: FAILED: $(tr '\n' ' ' <"$TMPD/cli.err")"
			out=
		fi
	fi
	srv_stop
	ip netns del xbm-cli
	ip netns del xbm-srv
	[ -z "$out" ] || log "mem $stack pair $pair: $out"
	echo "$out" >"$TMPD/mem.out"
}

run_mem() {
	local pair stack out
	for ((pair = 1; pair <= PAIRS; pair++)); do
		for stack in $(order $pair xtcp tcp); do
			mem_sample $pair "$stack"
			out=$(cat "$TMPD/mem.out")
			record mem_established "$stack" $pair "$(field "$out" est_bytes | grep . || echo NA)" bytes
			record mem_timewait "$stack" $pair "$(field "$out" tw_bytes | grep . || echo NA)" bytes
			record meminfo_established "$stack" $pair \
				"$(field "$out" est_meminfo_bytes | grep . || echo NA)" bytes
			record meminfo_timewait "$stack" $pair \
				"$(field "$out" tw_meminfo_bytes | grep . || echo NA)" bytes
		done
	done
}

# cpu: busy and total jiffies (USER_HZ) of all CPUs, from /proc/stat.
cpu() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# XTCP's and Linux TCP's KA_CONNS idle connections are opened once, side by
# side in new namespaces (keepalive time and interval 1 s there), then take
# turns with SO_KEEPALIVE on: 2 s to reach the steady state, then busy
# jiffies and probes sent (TCPKeepAlive) over KA_SECS.
run_keepalive() {
	local pair stack pid n b0 a0 b1 a1 p0 p1 ok=1
	local -A kpid
	settle
	topo xbm-srv xbm-cli
	ip netns exec xbm-cli sysctl -qw net.ipv4.tcp_keepalive_time=1 \
		net.ipv4.tcp_keepalive_intvl=1 net.xtcp.keepalive_time=1 net.xtcp.keepalive_intvl=1
	for stack in xtcp tcp; do
		if ! srv_start xbm-srv $stack echo $SRV_IP; then
			ok=0
			break
		fi
		ip netns exec xbm-cli "$BENCH" keepalive -f "$(fam $stack)" -a $SRV_IP -p $PORT \
			-n "$KA_CONNS" >"$TMPD/ka.$stack.log" 2>&1 &
		kpid[$stack]=$!
		ka_pids+=($!)
		if ! wait_lines "$TMPD/ka.$stack.log" ready 1 600; then
			log "keepalive $stack: FAILED: $(tr '\n' ' ' <"$TMPD/ka.$stack.log")"
			ok=0
			break
		fi
		log "$(cat "$TMPD/ka.$stack.log")"
	done
	for ((pair = 1; pair <= PAIRS; pair++)); do
		for stack in $(order $pair xtcp tcp); do
			pid=${kpid[$stack]:-}
			if [ $ok = 0 ]; then
				record keepalive_busy "$stack" $pair NA busy%
				record keepalive_per_probe "$stack" $pair NA us/probe
				record keepalive_probes "$stack" $pair NA probes
				continue
			fi
			n=$(grep -c ' on$' "$TMPD/ka.$stack.log" || true)
			n=$((n + 1))
			kill -USR1 "$pid"
			if ! wait_lines "$TMPD/ka.$stack.log" ' on$' $n 120; then
				log "keepalive $stack: FAILED: SO_KEEPALIVE not turned on"
				ok=0
				continue
			fi
			sleep 2
			read -r b0 a0 < <(cpu)
			p0=$(counter xbm-cli "$stack" TCPKeepAlive)
			sleep "$KA_SECS"
			read -r b1 a1 < <(cpu)
			p1=$(counter xbm-cli "$stack" TCPKeepAlive)
			kill -USR2 "$pid"
			if ! wait_lines "$TMPD/ka.$stack.log" ' off$' $n 120; then
				log "keepalive $stack: FAILED: SO_KEEPALIVE not turned off"
				ok=0
			fi
			log "keepalive $stack pair $pair: busy $((b1 - b0)) of $((a1 - a0)) jiffies, $((p1 - p0)) probes"
			record keepalive_busy "$stack" $pair \
				"$(awk -v b=$((b1 - b0)) -v a=$((a1 - a0)) 'BEGIN { printf "%.2f", 100 * b / a }')" busy%
			# /proc/stat counts in USER_HZ = 100 per second
			if [ $((p1 - p0)) -gt 0 ]; then
				record keepalive_per_probe "$stack" $pair \
					"$(awk -v b=$((b1 - b0)) -v p=$((p1 - p0)) 'BEGIN { printf "%.2f", b * 1e4 / p }')" us/probe
			else
				record keepalive_per_probe "$stack" $pair NA us/probe
			fi
			record keepalive_probes "$stack" $pair $((p1 - p0)) probes
		done
	done
	for pid in "${ka_pids[@]+"${ka_pids[@]}"}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	ka_pids=()
	srv_stop
	ip netns del xbm-cli
	ip netns del xbm-srv
}

# counter NS STACK NAME: a counter of one namespace's stack:
# /proc/net/xtcp_stat for XTCP, /proc/net/netstat's TcpExt for Linux TCP.
counter() {
	if [ "$2" = xtcp ]; then
		ip netns exec "$1" awk -v n="$3" '$1 == n { print $2 }' /proc/net/xtcp_stat
	else
		ip netns exec "$1" awk -v n="$3" '/^TcpExt:/ {
			if (!h) { for (i = 2; i <= NF; i++) name[i] = $i; h = 1 }
			else for (i = 2; i <= NF; i++) if (name[i] == n) print $i }' /proc/net/netstat
	fi
}

# The loss-recovery counters a loss run logs (both ends, both stacks).
LOSS_COUNTERS="RetransSegs TCPFastRetrans TCPSackRecovery TCPLossProbes TCPLostRetransmit
TCPDSACKRecv TCPFullUndo TCPLossUndo"

# snap NS STACK: "NAME VALUE" lines of LOSS_COUNTERS in one namespace
# (/proc/net/snmp's Tcp and /proc/net/netstat's TcpExt for Linux TCP).
snap() {
	if [ "$2" = xtcp ]; then
		ip netns exec "$1" awk -v l="$LOSS_COUNTERS" 'BEGIN { split(l, a); for (i in a) w[a[i]] }
			$1 in w { print $1, $2 }' /proc/net/xtcp_stat
	else
		ip netns exec "$1" awk -v l="$LOSS_COUNTERS" 'BEGIN { split(l, a); for (i in a) w[a[i]] }
			/^(Tcp|TcpExt):/ {
				if (!h[$1]++) { for (i = 2; i <= NF; i++) name[$1, i] = $i; next }
				for (i = 2; i <= NF; i++) if (name[$1, i] in w) print name[$1, i], $i
			}' /proc/net/snmp /proc/net/netstat
	fi
}

# snap_both STACK: LOSS_COUNTERS summed over both namespaces.
snap_both() {
	{ snap $NSS "$1"; snap $NSC "$1"; } |
		awk '{ v[$1] += $2 } END { for (n in v) print n, v[n] }' | sort
}

# rps MASK: which CPUs receive the veth's packets, both ends (0: no RPS).
rps() {
	ip netns exec $NSS sh -c "echo $1 >/sys/class/net/xa/queues/rx-0/rps_cpus"
	ip netns exec $NSC sh -c "echo $1 >/sys/class/net/xb/queues/rx-0/rps_cpus"
}

run_loss() {
	local p pair stack r0 r1 val c0 c1
	offload off
	rps 1
	servers $NSS sink $SRV_IP
	for p in $LOSS_RATES; do
		ip netns exec $NSC tc qdisc replace dev xb root netem delay 10ms loss $p% limit 10000
		ip netns exec $NSS tc qdisc replace dev xa root netem loss $p% limit 10000
		for ((pair = 1; pair <= LOSS_PAIRS; pair++)); do
			for stack in $(order $pair xtcp tcp); do
				r0=$(($(counter $NSS "$stack" TCPTimeouts) + $(counter $NSC "$stack" TCPTimeouts)))
				c0=$(snap_both "$stack")
				sample "loss${p}_time" "$stack" $pair -- bulk -a $SRV_IP -b "$LOSS_BYTES"
				r1=$(($(counter $NSS "$stack" TCPTimeouts) + $(counter $NSC "$stack" TCPTimeouts)))
				c1=$(snap_both "$stack")
				log "loss $p% $stack pair $pair counters:" $(join <(echo "$c0") <(echo "$c1") |
					awk '{ printf "%s +%d ", $1, $3 - $2 }')
				val=$(tail -n1 "$RAW" | cut -d, -f5)
				if [ "$val" = NA ]; then
					record "loss${p}_rto" "$stack" $pair NA rtos
				else
					record "loss${p}_rto" "$stack" $pair $((r1 - r0)) rtos
				fi
			done
		done
		ip netns exec $NSC tc qdisc del dev xb root
		ip netns exec $NSS tc qdisc del dev xa root
	done
	srv_stop
	rps 0
	offload on
}

# ---------------------------------------------------------------- main
for dep in $(modinfo -F depends "$MODULE" | tr , ' '); do
	modprobe "$dep"
done
insmod "$MODULE"
topo $NSS $NSC
{
	echo "kernel $KVER"
	echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpus $(nproc)"
	echo "pairs $PAIRS loss_pairs $LOSS_PAIRS secs $SECS mem_conns $MEM_CONNS"
	echo "ka_conns $KA_CONNS ka_secs $KA_SECS loss_bytes $LOSS_BYTES"
	echo "as shipped: xb $(features $NSC xb); lo $(features $NSC lo)"
	offload off
	echo "offloads off: xb $(features $NSC xb); lo $(features $NSC lo)"
	offload on
} >"$OUT/info.txt"
sed 's/^/# /' "$OUT/info.txt"

for t in $TESTS; do
	log "=== $t"
	"run_$t"
done
log "=== done"
srv_stop
ip netns del $NSS
ip netns del $NSC
settle
rmmod xtcp || log "rmmod xtcp failed"
