#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sock_diag for XTCP (module/xtcp_diag.c) and tools/xtcp-ss, beside Linux
# TCP and ss: the same recipe is played on both stacks, on the same ports.
#
#   netns A (clients) 10.0.0.1/24 va ----- veth ----- vb 10.0.0.2/24 netns B (servers)
#   tw_timeout 600, fin_timeout 600                   synack_retries 10
#
#   :40001 -> :7000  ESTABLISHED, SO_KEEPALIVE idle 600 s, retransmissions
#                    made through a netem blackhole on va (A)
#   :40002 -> :7002  A sent 100 bytes and closed: FIN-WAIT-2 in A, and in B
#                    the "CLOSE_WAIT leak" (the server never reads or closes)
#   :40003 -> :7003  A closed first: TIME-WAIT in A
#   :40004 -> :7000  never accepted: in the accept queue (listener Recv-Q 1)
#   :40005 -> :7001  1 MB sent, B never reads: queues on both sides
#   10.0.0.77:40077 -> :7004  a raw SYN from an address that never answers
#                    (a static ARP entry to a MAC nobody has): SYN-RECV in B
#   :7009            a listener owned by uid 65534
#   netns C: nothing (sock_diag is per namespace)
#
# One helper process (helpers/diag_socks) holds every socket and answers
# TCP_INFO, exact sock_diag requests (dump_one) and bytecode dumps. Checks:
# xtcp-ss lists what /proc/net/xtcp lists (states, queues, addresses), -s
# counts per state, the CLOSE_WAIT leak with -p, the keepalive timer with
# -o, -i against TCP_INFO, -e, -m, dump_one, kernel-side bytecode, -S
# deltas as nstat, and ss -tan / xtcp-ss -an printing equivalent sockets
# the same way.

source "$(dirname "$0")/lib.sh"

REPO=${XTCP_REPO:-$XTCP_TESTS_DIR/..}
XSS=$REPO/tools/build/xtcp-ss
HELPER=$XTCP_TESTS_DIR/build/helpers/diag_socks
NSA=$NS_PREFIX-a
NSB=$NS_PREFIX-b
NSC=$NS_PREFIX-c
STACKS="x t"		# XTCP, Linux TCP

tap_plan 24

[ -x "$XSS" ] || fail "$XSS missing: run make tools"
[ -x "$HELPER" ] || fail "$HELPER missing: run make -C selftests"
[ -r /proc/net/xtcp ] || fail "/proc/net/xtcp missing: is xtcp.ko loaded?"
need_cmd ss || fail "ss (iproute2) not installed"
need_cmd tc || fail "tc (iproute2) not installed"

ns_create "$NSA" "$NSB" "$NSC"
veth_create "$NSA" va "$NSB" vb
ns_batch "$NSA" <<-END
	addr add 10.0.0.1/24 dev va
	link set va up
	link set lo up
END
# 10.0.0.77 "answers" ARP with a MAC nobody has: B's SYN-ACKs leave and are
# lost, and no failed resolution makes Linux drop its request (an ICMP host
# unreachable does, tcp_req_err())
ns_batch "$NSB" <<-END
	addr add 10.0.0.2/24 dev vb
	link set vb up
	link set lo up
	neigh add 10.0.0.77 lladdr 02:00:00:00:00:77 dev vb nud permanent
END

coproc DS { exec "$HELPER" 2>&1; }
DS_PID_SAVED=$DS_PID
bg_track "$DS_PID"

# --------------------------------------------------------------- recipe
dsx ns "$NSB"
dsx sysctl net.xtcp.synack_retries 10
dsx sysctl net.ipv4.tcp_synack_retries 10
for st in $STACKS; do
	for p in 7000 7001 7002 7003 7004; do
		dsx listen "${st}L$p" "$st" 0.0.0.0 "$p" 8
	done
done
dsx fsuid 65534
dsx listen xL7009 x 0.0.0.0 7009 8
dsx listen tL7009 t 0.0.0.0 7009 8
dsx fsuid 0

dsx ns "$NSA"
dsx sysctl net.xtcp.tw_timeout 600
dsx sysctl net.xtcp.fin_timeout 600
dsx sysctl net.ipv4.tcp_fin_timeout 600
for st in $STACKS; do
	dsx connect "${st}C1" "$st" 10.0.0.1 40001 10.0.0.2 7000
	dsx accept "${st}S1" "${st}L7000"
	dsx keepalive "${st}C1" 600 75 9
done

# retransmissions on :40001: its data goes into a blackhole for 3 s
tc -n "$NSA" qdisc add dev va root netem loss 100% || fail "netem on va"
for st in $STACKS; do
	dsx send "${st}C1" 10
done
tsleep 3
tc -n "$NSA" qdisc del dev va root || fail "netem off va"
for st in $STACKS; do
	for ((i = 0; i < 30; i++)); do
		dsx info "${st}C1"
		[ "$(val retransmits)" = 0 ] && [ "$(val total_retrans)" != 0 ] && break
		tsleep 1
	done
	dsx ns "$NSB"
	dsx recv "${st}S1" 10
	dsx ns "$NSA"
done

for st in $STACKS; do
	dsx connect "${st}C2" "$st" 10.0.0.1 40002 10.0.0.2 7002
	dsx accept "${st}S2" "${st}L7002"
	dsx send "${st}C2" 100
	dsx close "${st}C2"
	dsx connect "${st}C4" "$st" 10.0.0.1 40004 10.0.0.2 7000
	dsx connect "${st}C5" "$st" 10.0.0.1 40005 10.0.0.2 7001
	dsx accept "${st}S5" "${st}L7001"
	dsx send "${st}C5" 1000000
	dsx syn "$st" 10.0.0.77 10.0.0.2 40077 7004
done
# TIME_WAIT last: Linux's lasts 60 s
for st in $STACKS; do
	dsx connect "${st}C3" "$st" 10.0.0.1 40003 10.0.0.2 7003
	dsx accept "${st}S3" "${st}L7003"
	dsx close "${st}C3"
done
tsleep 0.5
for st in $STACKS; do
	dsx close "${st}S3"
done

# ------------------------------------------------------------- helpers
# names of /proc/net/tcp's state codes, as ss prints them
declare -A SNAME=([01]=ESTAB [02]=SYN-SENT [03]=SYN-RECV [04]=FIN-WAIT-1
	[05]=FIN-WAIT-2 [06]=TIME-WAIT [07]=UNCONN [08]=CLOSE-WAIT [09]=LAST-ACK
	[0A]=LISTEN [0B]=CLOSING)

hexaddr() {	# 0100000A:1B58 -> 10.0.0.1:7000 (port 0: *)
	local h=${1%%:*} p=$((16#${1##*:}))
	[ "$p" = 0 ] && p='*'
	printf '%d.%d.%d.%d:%s' $((16#${h:6:2})) $((16#${h:4:2})) \
		$((16#${h:2:2})) $((16#${h:0:2})) "$p"
}

# proc_rows FILE: "STATE RQ SQ LOCAL PEER" for each row of a /proc/net/xtcp copy
proc_rows() {
	local sl l r st q rest
	{
		read -r _
		while read -r sl l r st q rest; do
			printf '%s %d %d %s %s\n' "${SNAME[$st]}" $((16#${q#*:})) \
				$((16#${q%:*})) "$(hexaddr "$l")" "$(hexaddr "$r")"
		done
	} <"$1"
}

# ss_rows FILE: "STATE RQ SQ LOCAL PEER" of ss -H / xtcp-ss -H output
ss_rows() {
	local st rq sq l p rest
	while read -r st rq sq l p rest; do
		[[ $l == *:* ]] && echo "$st $rq $sq $l $p"
	done <"$1"
}

# same_set A B: the two files hold the same lines, in any order
same_set() {
	local -A c=()
	local l
	while IFS= read -r l; do c["$l"]=$((${c["$l"]:-0} + 1)); done <"$1"
	while IFS= read -r l; do c["$l"]=$((${c["$l"]:-0} - 1)); done <"$2"
	for l in "${!c[@]}"; do
		[ "${c[$l]}" = 0 ] || return 1
	done
	return 0
}

# snapshot NS TAG: /proc/net/xtcp of NS read before and after xtcp-ss -an -H,
# until both reads agree (queues still moving): $TMPD/TAG.proc, TAG.xss
snapshot() {
	local i
	for i in 1 2 3 4 5 6; do
		dsx ns "$1"
		dsx proc xtcp "$TMPD/$2.p1"
		"$XSS" -N "$1" -an -H >"$TMPD/$2.out" 2>&1
		dsx proc xtcp "$TMPD/$2.p2"
		proc_rows "$TMPD/$2.p1" >"$TMPD/$2.proc"
		proc_rows "$TMPD/$2.p2" >"$TMPD/$2.proc2"
		ss_rows "$TMPD/$2.out" >"$TMPD/$2.xss"
		[ "$(<"$TMPD/$2.proc")" = "$(<"$TMPD/$2.proc2")" ] && return 0
		tsleep 1
	done
	tap_diag "$1: /proc/net/xtcp kept changing"
}

# same_output A B: the same first (header) line, then the same lines in
# any order (sockets come in hash order, which differs between stacks)
same_output() {
	local -a a b
	mapfile -t a <"$1"
	mapfile -t b <"$2"
	[ "${a[0]}" = "${b[0]}" ] || return 1
	printf '%s\n' "${a[@]:1}" >"$TMPD/so.a"
	printf '%s\n' "${b[@]:1}" >"$TMPD/so.b"
	same_set "$TMPD/so.a" "$TMPD/so.b"
}

# ------------------------------------------------ ss and xtcp-ss agree
# The TIME-WAIT of Linux lasts 60 s: these come first.
# 1, 2: sockets whose queues do not depend on the stack, printed byte for byte
FB='( sport = :7000 or sport = :7003 or sport = :7004 )'
FA='( dport = :7000 or dport = :7003 )'
ss -N "$NSB" -tan "$FB" >"$TMPD/tB.ss" 2>&1
"$XSS" -N "$NSB" -an "$FB" >"$TMPD/xB.ss" 2>&1
ss -N "$NSA" -tan "$FA" >"$TMPD/tA.ss" 2>&1
"$XSS" -N "$NSA" -an "$FA" >"$TMPD/xA.ss" 2>&1
for ns in B A; do
	mapfile -t rows <"$TMPD/x$ns.ss"
	if same_output "$TMPD/t$ns.ss" "$TMPD/x$ns.ss" && [ "${#rows[@]}" -ge 4 ]; then
		tap_ok "format: ss -tan (TCP) and xtcp-ss -an (XTCP) print netns $ns's equivalent sockets identically"
	else
		tap_fail "format: ss -tan (TCP) and xtcp-ss -an (XTCP) print netns $ns's equivalent sockets identically"
		echo "# ss -tan:"; show "$TMPD/t$ns.ss"
		echo "# xtcp-ss -an:"; show "$TMPD/x$ns.ss"
	fi
done
[ -s "$TMPD/xB.ss" ] && { echo "# xtcp-ss -N B -an $FB:"; show "$TMPD/xB.ss"; }

# 3: listeners (-l)
ss -N "$NSB" -tln >"$TMPD/tl.ss" 2>&1
"$XSS" -N "$NSB" -ln >"$TMPD/xl.ss" 2>&1
mapfile -t rows <"$TMPD/xl.ss"
if same_output "$TMPD/tl.ss" "$TMPD/xl.ss" && [ "${#rows[@]}" = 7 ]; then
	tap_ok "format: ss -tln and xtcp-ss -ln list the six listeners identically (accept queue, backlog)"
else
	tap_fail "format: ss -tln and xtcp-ss -ln list the six listeners identically (accept queue, backlog)"
	show "$TMPD/tl.ss"; show "$TMPD/xl.ss"
fi

# 4: every socket, queues aside: the same states on both stacks
ok=1
for ns in "$NSA" "$NSB"; do
	for o in -an -n; do
		ss -N "$ns" -t "$o" -H >"$TMPD/t.all" 2>&1
		"$XSS" -N "$ns" "$o" -H >"$TMPD/x.all" 2>&1
		ss_rows "$TMPD/t.all" | while read -r s q1 q2 l p; do echo "$s $l $p"; done >"$TMPD/t.m"
		ss_rows "$TMPD/x.all" | while read -r s q1 q2 l p; do echo "$s $l $p"; done >"$TMPD/x.m"
		if ! same_set "$TMPD/t.m" "$TMPD/x.m"; then
			ok=0
			echo "# $ns $o: ss -t:"; show "$TMPD/t.all"
			echo "# $ns $o: xtcp-ss:"; show "$TMPD/x.all"
		fi
	done
done
tap_check "format: every socket of the recipe is in the same state on both stacks (ss -tan/-tn vs xtcp-ss -an/-n)" test $ok = 1

# ------------------------------------------------- xtcp-ss and /proc agree
snapshot "$NSB" B
snapshot "$NSA" A
for ns in B A; do
	if same_set "$TMPD/$ns.proc" "$TMPD/$ns.xss" && [ -s "$TMPD/$ns.xss" ]; then
		tap_ok "proc: xtcp-ss -an lists netns $ns's /proc/net/xtcp rows: states, queues, addresses"
	else
		tap_fail "proc: xtcp-ss -an lists netns $ns's /proc/net/xtcp rows: states, queues, addresses"
		echo "# /proc/net/xtcp:"; show "$TMPD/$ns.proc"
		echo "# xtcp-ss -an:"; show "$TMPD/$ns.out"
	fi
done
echo "# xtcp-ss -N B -an:"; show "$TMPD/B.out"
echo "# xtcp-ss -N A -an:"; show "$TMPD/A.out"

# 7: the states of the recipe
have() { grep -q "^$2 " "$TMPD/$1.xss"; }
if have B LISTEN && have B ESTAB && have B CLOSE-WAIT && have B SYN-RECV &&
	have A ESTAB && have A FIN-WAIT-2 && have A TIME-WAIT; then
	tap_ok "states: LISTEN, ESTAB, CLOSE-WAIT, SYN-RECV (B), FIN-WAIT-2, TIME-WAIT (A) listed"
else
	tap_fail "states: LISTEN, ESTAB, CLOSE-WAIT, SYN-RECV (B), FIN-WAIT-2, TIME-WAIT (A) listed"
fi

# 8, 9: -s counts per state = /proc rows per state
for ns in B A; do
	nsn=$NSB
	[ $ns = A ] && nsn=$NSA
	dsx ns "$nsn"
	dsx proc xtcp "$TMPD/s$ns.p"
	"$XSS" -N "$nsn" -s >"$TMPD/s$ns.out" 2>&1
	declare -A want=() got=()
	while read -r s rest; do want[$s]=$((${want[$s]:-0} + 1)); done < <(proc_rows "$TMPD/s$ns.p")
	inside=0 ok=1 total=0
	while read -r s n rest; do
		[ "$s" = State ] && { inside=1; continue; }
		[ $inside = 1 ] && [ -n "$s" ] && got[$s]=$n
	done <"$TMPD/s$ns.out"
	for s in ESTAB SYN-SENT SYN-RECV FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT UNCONN \
		CLOSE-WAIT LAST-ACK LISTEN CLOSING; do
		[ "${got[$s]:-missing}" = "${want[$s]:-0}" ] || ok=0
		total=$((total + ${want[$s]:-0}))
	done
	grep -q "^Total: $total\$" "$TMPD/s$ns.out" || ok=0
	# sockets + TIME_WAIT (no requests), estab = ESTAB + CLOSE-WAIT,
	# orphans: no inode, closing states (/proc's inode is column 10)
	orph=$(while read -r _ _ _ st _ _ _ _ _ ino _; do
		[ "$ino" = 0 ] && [[ $st == 0[459B] ]] && echo x; done <"$TMPD/s$ns.p" | grep -c x)
	line="XTCP:  $((total - ${want[SYN-RECV]:-0})) (estab $((${want[ESTAB]:-0} + ${want[CLOSE-WAIT]:-0})), closed ${want[UNCONN]:-0}, orphaned $orph, timewait ${want[TIME-WAIT]:-0})"
	grep -qxF "$line" "$TMPD/s$ns.out" || { ok=0; echo "# want: $line"; }
	if [ $ok = 1 ]; then
		tap_ok "summary: xtcp-ss -s counts (total, XTCP line, per state) equal /proc/net/xtcp's rows (netns $ns, $total entries)"
	else
		tap_fail "summary: xtcp-ss -s counts (total, XTCP line, per state) equal /proc/net/xtcp's rows (netns $ns, $total entries)"
		show "$TMPD/s$ns.out"; proc_rows "$TMPD/s$ns.p" | sed 's/^/#   proc: /'
	fi
	unset want got
done
show "$TMPD/sB.out"

# 10: the CLOSE_WAIT leak, found as ss users find it: state close-wait -p
"$XSS" -N "$NSB" -tnp state close-wait >"$TMPD/cw.out" 2>&1
show "$TMPD/cw.out"
cw=$(grep ' 10.0.0.2:7002 ' "$TMPD/cw.out")
read -r cwq _ <<<"$cw"
if [ -n "$cw" ] && [ "${cwq:-0}" -ge 100 ] &&
	[[ $cw == *"users:((\"diag_socks\",pid=$DS_PID_SAVED,fd="* ]] &&
	! grep -q '^State' "$TMPD/cw.out" && grep -q '^Recv-Q' "$TMPD/cw.out"; then
	tap_ok "leak: state close-wait -p shows B's :7002 socket, its unread bytes and the process that never closes it"
else
	tap_fail "leak: state close-wait -p shows B's :7002 socket, its unread bytes and the process that never closes it"
fi

# 11: the keepalive timer of :40001 (TCP_KEEPIDLE 600), on both stacks
"$XSS" -N "$NSA" -tno state established sport = :40001 >"$TMPD/ka.x" 2>&1
ss -N "$NSA" -tno state established sport = :40001 >"$TMPD/ka.t" 2>&1
show "$TMPD/ka.x"; show "$TMPD/ka.t"
re='timer:\(keepalive,[5-9]min([0-9]+sec)?,0\)'
if [[ $(<"$TMPD/ka.x") =~ $re ]] && [[ $(<"$TMPD/ka.t") =~ $re ]]; then
	tap_ok "timers: -o shows timer:(keepalive,Nmin...,0) for the SO_KEEPALIVE connection, as ss -o for TCP"
else
	tap_fail "timers: -o shows timer:(keepalive,Nmin...,0) for the SO_KEEPALIVE connection, as ss -o for TCP"
fi

# 12, 13: -i against TCP_INFO of the same socket
dsx ns "$NSA"
dsx info xC1
info=$DSR
"$XSS" -N "$NSA" -tni state established sport = :40001 >"$TMPD/i.x" 2>&1
show "$TMPD/i.x"
echo "# TCP_INFO: $info"
DSR=$info
printf -v want_rtt 'rtt:%g/%g' "$(val rtt)e-3" "$(val rttvar)e-3"
printf -v want_rto 'rto:%g' "$(val rto)e-3"
want="$want_rto $want_rtt mss:$(val mss) cwnd:$(val cwnd)"
want_rt="retrans:$(val retrans)/$(val total_retrans)"
ss_ssth=$(val ssthresh)
[ "$ss_ssth" -lt 65535 ] && want_ss="ssthresh:$ss_ssth" || want_ss=
ok=1
for w in $want $want_ss $want_rt cubic; do
	grep -q -- " $w\\b" "$TMPD/i.x" || { ok=0; echo "# missing: $w"; }
done
tap_check "info: -i shows rto, rtt/rttvar, mss, cwnd, ssthresh, retrans as TCP_INFO reports them (and cubic, the default congestion control)" test $ok = 1
tap_check "info: the blackhole made XTCP retransmit on :40001 (total_retrans $(val total_retrans))" \
	test "$(val total_retrans)" -ge 1

# 14: -e: uid, inode, cookie; shutdown
dsx info xC1
c1ino=$(val inode)
"$XSS" -N "$NSA" -tne state established sport = :40001 >"$TMPD/e.x" 2>&1
"$XSS" -N "$NSB" -tlne sport = :7009 >"$TMPD/e9.x" 2>&1
show "$TMPD/e.x"; show "$TMPD/e9.x"
if grep -q " ino:$c1ino sk:[0-9a-f][0-9a-f]* .*<->" "$TMPD/e.x" &&
	grep -q " uid:65534 ino:[1-9][0-9]* sk:" "$TMPD/e9.x"; then
	tap_ok "details: -e shows uid:65534 of the fsuid 65534 listener, the connection's ino: (its inode), sk: cookie, <->"
else
	tap_fail "details: -e shows uid:65534 of the fsuid 65534 listener, the connection's ino: (its inode), sk: cookie, <->"
fi

# 15: -m: receive memory of the bulk connection B never reads
"$XSS" -N "$NSB" -tnm state established sport = :7001 >"$TMPD/m.x" 2>&1
show "$TMPD/m.x"
tap_check "memory: -m shows skmem:(r>0,rb,t,tb,f,w,o,bl,d) for the unread bulk connection" \
	grep -Eq 'skmem:\(r[1-9][0-9]*,rb[0-9]+,t[0-9]+,tb[0-9]+,f[0-9]+,w[0-9]+,o[0-9]+,bl[0-9]+,d[0-9]+\)' "$TMPD/m.x"

# ------------------------------------------------ dump_one and bytecode
P=$(cat /sys/module/xtcp/parameters/ipproto 2>/dev/null || echo 253)
ok=1
dsx ns "$NSA"
ds one "$P" 10.0.0.1 40001 10.0.0.2 7000 && [ "$(val state)" = 1 ] &&
	[ "$(val inode)" = "$c1ino" ] || { ok=0; echo "# ESTAB: $DSR"; }
cookie=$(val cookie)
ds one "$P" 10.0.0.1 40001 10.0.0.2 7000 "$cookie" || { ok=0; echo "# own cookie: $DSR"; }
ds one "$P" 10.0.0.1 40001 10.0.0.2 7000 "1$cookie"
[ "$DSR" = "err ENOENT" ] || { ok=0; echo "# wrong cookie: $DSR"; }
ds one "$P" 10.0.0.1 40003 10.0.0.2 7003 && [ "$(val state)" = 6 ] &&
	[ "$(val timer)" = 3 ] || { ok=0; echo "# TIME_WAIT: $DSR"; }
tw_cookie=$(val cookie)
ds one "$P" 10.0.0.1 40003 10.0.0.2 7003 "$tw_cookie" || { ok=0; echo "# TIME_WAIT cookie: $DSR"; }
dsx ns "$NSB"
ds one "$P" 10.0.0.2 7004 10.0.0.77 40077 && [ "$(val state)" = 3 ] &&
	[ "$(val timer)" = 1 ] || { ok=0; echo "# SYN_RECV: $DSR"; }
ds one "$P" 10.0.0.2 7000 0.0.0.0 0 && [ "$(val state)" = 10 ] &&
	[ "$(val rq)" = 1 ] && [ "$(val wq)" = 8 ] || { ok=0; echo "# LISTEN: $DSR"; }
ds one "$P" 10.0.0.2 7999 0.0.0.0 0
[ "$DSR" = "err ENOENT" ] || { ok=0; echo "# nothing: $DSR"; }
tap_check "dump_one: exact requests find ESTAB (inode, cookie), TIME-WAIT, SYN-RECV, LISTEN; a wrong cookie or port gives ENOENT" test $ok = 1

ok=1
ds dump "$P" 0xfff s 7004
echo "# B, sport 7004: $DSR"
[[ $DSR == "ok n=2 "* && $DSR == *" 10:7004:0"* && $DSR == *" 3:7004:40077"* ]] || ok=0
dsx ns "$NSA"
ds dump "$P" 0xfff d 7003
echo "# A, dport 7003: $DSR"
[ "$DSR" = "ok n=1 6:40003:7003" ] || ok=0
ds dump "$P" 0x2 d 7000
echo "# A, ESTAB, dport 7000: $DSR"
[[ $DSR == "ok n=2 "* && $DSR == *" 1:40001:7000"* && $DSR == *" 1:40004:7000"* ]] || ok=0
tap_check "bytecode: the kernel filters listeners, requests, TIME_WAIT entries and connections by port (inet_diag_bc_sk)" test $ok = 1

# ---------------------------------------------------- namespaces, errors
"$XSS" -N "$NSC" -an -H >"$TMPD/c.out" 2>&1
tap_check "netns: a namespace without XTCP sockets lists none" test ! -s "$TMPD/c.out"
"$XSS" --ipproto 200 -a >"$TMPD/err.out" 2>&1
rc=$?
show "$TMPD/err.out"
read -r err <"$TMPD/err.out"
tap_check "errors: no handler for a protocol number: exit 1 and a clear message" \
	test $rc = 1 -a "${err:0:46}" = "xtcp-ss: no sock_diag handler for protocol 200"

# -------------------------------------------------------- -S as nstat
export XTCP_SS_HISTORY=
"$XSS" -N "$NSA" -S -r -n >"$TMPD/S0" 2>&1
tap_check "stat: -S -r -n resets the history and prints nothing" test ! -s "$TMPD/S0"
dsx ns "$NSA"
dsx connect xC6 x 10.0.0.1 40006 10.0.0.2 7000
"$XSS" -N "$NSA" -S >"$TMPD/S1" 2>&1
"$XSS" -N "$NSA" -S >"$TMPD/S2" 2>&1
show "$TMPD/S1"
printf -v line '%-32s%-16s%6.1f' ActiveOpens 1 0
tap_check "stat: -S prints the increment since the last call, nstat's format ('$line')" \
	grep -qx -- "$line" "$TMPD/S1"
tap_check "stat: a second -S right after shows no ActiveOpens (no new connection)" \
	test -z "$(grep ActiveOpens "$TMPD/S2")"
head -n 1 "$TMPD/S1" | grep -qx '#kernel' || tap_diag "first line: $(head -n 1 "$TMPD/S1")"

# counters may move while we look (window probes of :40005): a value
# between the /proc reads before and after passes
dsx ns "$NSA"
dsx proc xtcp_stat "$TMPD/Sp1"
"$XSS" -N "$NSA" -S -a -z >"$TMPD/Sa" 2>&1
dsx proc xtcp_stat "$TMPD/Sp2"
declare -A before=() shown=()
ok=1 n=0
while read -r name v; do before[$name]=$v; done <"$TMPD/Sp1"
while read -r name v rate; do
	[[ $name == \#* ]] && continue
	shown[$name]=$v
	printf -v line '%-32s%-16s%6.1f' "$name" "$v" 0
	grep -qx -- "$line" "$TMPD/Sa" || { ok=0; echo "# not nstat's format: $line"; }
done <"$TMPD/Sa"
while read -r name v; do
	[ "$name" = CurrEstab ] && continue
	n=$((n + 1))
	got=${shown[$name]:-missing}
	if [ "$got" = missing ] || [ "$got" -lt "${before[$name]}" ] || [ "$got" -gt "$v" ]; then
		ok=0
		echo "# $name: -S -a -z says $got, /proc ${before[$name]}..$v"
	fi
done <"$TMPD/Sp2"
tap_check "stat: -S -a -z lists all $n counters with their absolute values (CurrEstab left out, as nstat)" \
	test $ok = 1 -a "$(($(wc -l <"$TMPD/Sa") - 1))" = "$n"
"$XSS" -N "$NSA" -S -a PassiveOpens 'Active*' >"$TMPD/Sg" 2>&1
show "$TMPD/Sg"
tap_check "stat: patterns select counters (-S -a 'Active*' PassiveOpens)" \
	test "$(grep -c . "$TMPD/Sg")" -le 3 -a -n "$(grep '^ActiveOpens ' "$TMPD/Sg")"

echo quit >&"${DS[1]}"
tap_done
