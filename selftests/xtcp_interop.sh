#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XTCP <-> Linux TCP through the protocol translator (scripts/xtcp-translate.sh,
# set up by scripts/topo-interop.sh): bulk data both ways under 2% loss,
# SHA-256 of every stream, orderly close with TIME_WAIT on the active closer.
#
#   netns X (XTCP host)                             netns L (Linux TCP host)
#   10.77.0.1 xt0 [tc clsact: 253->6 out, 6->253 in] === lt0 10.77.0.2
#   netem loss 2% on both ends' egress
#
# Two connections run at once (each sends and receives XTCP_INTEROP_MB MiB
# at the same time, then the client closes first):
#   A: XTCP client (io_xfer -x)  -> Linux TCP server   TIME_WAIT in /proc/net/xtcp
#   B: Linux TCP client          -> XTCP server        TIME_WAIT in /proc/net/tcp
#
# XTCP_INTEROP_MB (default 64): under QEMU/TCG with 2% loss the two 64 MiB
# connections take about 70 s and 95 s (at once: ~100 s wall, ~2 min for the
# whole program); Linux <-> Linux moves 32 MiB each way in ~2.5 s on the
# same wire. Use a smaller value for a quick run.

source "$(dirname "$0")/lib.sh"

XF=$XTCP_TESTS_DIR/build/helpers/io_xfer
SCRIPTS=$(cd "$XTCP_TESTS_DIR/../scripts" && pwd)
TRANS=$SCRIPTS/xtcp-translate.sh
TOPO=$SCRIPTS/topo-interop.sh
NSX=$NS_PREFIX-x
NSL=$NS_PREFIX-l
MB=${XTCP_INTEROP_MB:-64}
BYTES=$((MB * 1048576))

tap_plan 15

[ -x "$XF" ] || fail "$XF missing: run make -C selftests"
[ -r /proc/net/xtcp_stat ] || fail "/proc/net/xtcp_stat missing: is xtcp.ko loaded?"
[[ $MB =~ ^[1-9][0-9]*$ ]] || fail "bad XTCP_INTEROP_MB '$MB'"

# ------------------------------------------------------- translator usage
"$TRANS" >/dev/null 2>"$TMPD/u.err"
rc=$?
if [ $rc = 2 ] && grep -q "Usage" "$TMPD/u.err"; then
	tap_ok "translator: no arguments -> usage on stderr, exit 2"
else
	tap_fail "translator: no arguments -> usage on stderr, exit 2" "rc $rc"
fi

ns_create "$NSX" "$NSL"
"$TRANS" -n "$NSX" add nosuchdev >/dev/null 2>"$TMPD/u2.err"
rc=$?
tap_diag "translator on a missing device: rc $rc: $(<"$TMPD/u2.err")"
if [ $rc = 1 ] && grep -q "no interface nosuchdev" "$TMPD/u2.err"; then
	tap_ok "translator: missing interface -> clear error, exit 1"
else
	tap_fail "translator: missing interface -> clear error, exit 1"
fi

# -------------------------------------------------------------- topology
"$TOPO" up "$NSX" "$NSL" --netem "loss 2%" --sysctl net.xtcp.tw_timeout=2 \
	>"$TMPD/topo.env" 2>"$TMPD/topo.err" || fail "topo-interop.sh up: $(<"$TMPD/topo.err")"
eval "$(<"$TMPD/topo.env")"
"$TRANS" -n "$NSX" show "$XDEV" >"$TMPD/show0" 2>&1
tap_diag "$(grep -E 'ip_proto|val ' "$TMPD/show0" | tr -s '\t\n' '  ')"
n_out=$(grep -c "val 00060000 mask ff00ffff" "$TMPD/show0")
n_in=$(grep -c "val 00$(printf %02x "$PROTO")0000 mask ff00ffff" "$TMPD/show0")
tap_check "topology up; translator on $XDEV: egress $PROTO->6 and ingress 6->$PROTO pedit + csum" \
	test "$n_out" = 1 -a "$n_in" = 1 -a "$(grep -c 'csum (iph)' "$TMPD/show0")" = 2

# ------------------------------------------------------- SHA-256 self-check
a=$("$XF" gen -b 1048577 -s 5 | "$XF" sha256)
b=$("$XF" gen -b 1048577 -s 5 | sha256sum)
tap_check "io_xfer's SHA-256 equals sha256sum's" test "$a" = "${b%% *}"

# --------------------------------------------------------------- bulk data
tap_diag "$MB MiB each way on each connection, netem loss 2% both ways, both connections at once"
"$XF" listen -N "/run/netns/$NSL" -a "$LADDR" -p 5001 -b "$BYTES" -r "$BYTES" -s 11 \
	>"$TMPD/a.srv" 2>&1 &
pa=$!
bg_track $pa
"$XF" listen -N "/run/netns/$NSX" -x -a "$XADDR" -p 5002 -b "$BYTES" -r "$BYTES" -s 21 \
	>"$TMPD/b.srv" 2>&1 &
pb=$!
bg_track $pb
t0=$SECONDS
"$XF" connect -N "/run/netns/$NSL" -a "$XADDR" -p 5002 -b "$BYTES" -r "$BYTES" -s 22 -A \
	>"$TMPD/b.cli" 2>&1 &
pbc=$!
bg_track $pbc
"$XF" connect -N "/run/netns/$NSX" -x -a "$LADDR" -p 5001 -b "$BYTES" -r "$BYTES" -s 12 -A \
	>"$TMPD/a.cli" 2>&1
wait $pbc $pa $pb
tap_diag "bulk phase: $((SECONDS - t0)) s wall"
for f in a.cli a.srv b.cli b.srv; do
	tap_diag "$f: $(<"$TMPD/$f")"
done
# counters of the XTCP host, read through the XTCP server's namespace
ip netns exec "$NSX" cat /proc/net/xtcp_stat >"$TMPD/xstat" 2>/dev/null

# check_conn TAG CLI SRV CLIDESC SRVDESC STATEFILE
check_conn() {
	local tag=$1 c=$TMPD/$2 s=$TMPD/$3 cd=$4 sd=$5 pf=$6

	tap_check "$tag: handshake: $cd connected to $sd" \
		test "$(kv "$c" connect)" = OK -a "$(kv "$s" connect)" = OK
	if [ "$(kv "$c" recv)" = "$BYTES" ] && [ "$(kv "$s" sent_sha256)" = "$(kv "$c" recv_sha256)" ] &&
	   [ "$(kv "$s" sent)" = "$BYTES" ]; then
		tap_ok "$tag: $MB MiB $sd -> $cd arrived, SHA-256 equal ($(kv "$c" secs) s)"
	else
		tap_fail "$tag: $MB MiB $sd -> $cd arrived, SHA-256 equal" \
			"recv $(kv "$c" recv) sha $(kv "$c" recv_sha256) vs $(kv "$s" sent_sha256)"
	fi
	if [ "$(kv "$s" recv)" = "$BYTES" ] && [ "$(kv "$c" sent_sha256)" = "$(kv "$s" recv_sha256)" ] &&
	   [ "$(kv "$c" sent)" = "$BYTES" ]; then
		tap_ok "$tag: $MB MiB $cd -> $sd arrived, SHA-256 equal ($(kv "$s" secs) s)"
	else
		tap_fail "$tag: $MB MiB $cd -> $sd arrived, SHA-256 equal" \
			"recv $(kv "$s" recv) sha $(kv "$s" recv_sha256) vs $(kv "$c" sent_sha256)"
	fi
	tap_check "$tag: orderly close: $cd (active closer) in TIME_WAIT (row 06 of $pf), $sd read EOF" \
		test "$(kv "$c" close_state)" = 06 -a "$(kv "$s" eof)" = 1 -a "$(kv "$c" err)" = OK \
		-a "$(kv "$s" err)" = OK
}
check_conn A a.cli a.srv "XTCP client" "Linux server" /proc/net/xtcp
check_conn B b.cli b.srv "Linux client" "XTCP server" /proc/net/tcp

# ----------------------------------------------------- counters, translator
"$TRANS" -n "$NSX" show "$XDEV" >"$TMPD/show1" 2>&1
pk=()
while read -r l; do
	[[ $l == Sent*pkt* ]] || continue
	l=${l#* * * }
	pk+=("${l%% *}")
done <"$TMPD/show1"
# per direction: the IPv4 filter's pedit and csum, then the IPv6 filter's
# pedit (no IPv6 traffic here)
tap_diag "translator action packet counts (egress IPv4 pedit csum, IPv6 pedit;" \
	"ingress IPv4 pedit csum, IPv6 pedit): ${pk[*]}"
tap_diag "XTCP host: $(tr '\n' ' ' <"$TMPD/xstat")"
ao=$(xstat "$TMPD/xstat" ActiveOpens -1) po=$(xstat "$TMPD/xstat" PassiveOpens -1)
rs=$(xstat "$TMPD/xstat" RetransSegs -1)
ok=1
if [ ${#pk[@]} = 6 ]; then
	for i in 0 1 3 4; do
		[ "${pk[$i]}" -gt 1000 ] 2>/dev/null || ok=0
	done
	[ "${pk[2]}" = 0 ] && [ "${pk[5]}" = 0 ] || ok=0
else
	ok=0
fi
tap_check "translator translated both ways (>1000 packets each); XTCP counted ActiveOpens ($ao) PassiveOpens ($po) RetransSegs ($rs)" \
	test "$ok" = 1 -a "$ao" -ge 1 -a "$po" -ge 1 -a "$rs" -gt 0

# translator removal
"$TRANS" -n "$NSX" del "$XDEV" 2>"$TMPD/del.err"
rc=$?
tc -n "$NSX" qdisc show dev "$XDEV" >"$TMPD/qd" 2>&1
if [ $rc = 0 ] && ! grep -q clsact "$TMPD/qd"; then
	tap_ok "translator del removes its filters and the clsact qdisc"
else
	tap_fail "translator del removes its filters and the clsact qdisc" "rc $rc $(<"$TMPD/del.err") $(<"$TMPD/qd")"
fi

"$TOPO" down "$NSX" "$NSL" 2>"$TMPD/down.err"
rc=$?
if [ $rc = 0 ] && [ ! -e "/run/netns/$NSX" ] && [ ! -e "/run/netns/$NSL" ]; then
	tap_ok "topo-interop.sh down removes both namespaces"
else
	tap_fail "topo-interop.sh down removes both namespaces" "rc $rc $(<"$TMPD/down.err")"
fi
tap_done
