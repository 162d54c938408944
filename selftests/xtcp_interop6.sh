#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XTCP over IPv6 <-> Linux TCP over IPv6 through the protocol translator
# (scripts/xtcp-translate.sh: next header 253 <-> 6, no header checksum to
# fix; set up by scripts/topo-interop.sh --ipv6), both directions, programs
# run unmodified under the xtcpize shim on the XTCP host:
#
#   netns X (XTCP host)                            netns L (Linux TCP host)
#   fd77::1 xt0 [tc clsact: 253->6 out, 6->253 in] === lt0 fd77::2
#
#   1. curl (xtcpize, XTCP) in X  -> python3 http.server (Linux TCP) in L
#   2. curl (Linux TCP) in L      -> python3 http.server (xtcpize, XTCP) in X
#
# Each fetches an 8 MiB file whose SHA-256 is checked; X's XTCP counters
# (ActiveOpens, PassiveOpens) show its side was XTCP, L's tcp6 table and
# the translator's IPv6 filter counters that the wire was TCP.

source "$(dirname "$0")/lib.sh"

XF=$XTCP_TESTS_DIR/build/helpers/io_xfer
XTCPIZE=$(cd "$XTCP_TESTS_DIR/../tools/xtcpize" && pwd)/xtcpize
SCRIPTS=$(cd "$XTCP_TESTS_DIR/../scripts" && pwd)
TOPO=$SCRIPTS/topo-interop.sh
NSX=$NS_PREFIX-x
NSL=$NS_PREFIX-l
FSIZE=8388608

tap_plan 6

[ -x "$XF" ] || fail "$XF missing: run make -C selftests"
[ -r "$(dirname "$XTCPIZE")/build/libxtcpize.so" ] || fail "libxtcpize.so missing: run make -C tools"
[ -r /proc/net/xtcp_stat ] || fail "/proc/net/xtcp_stat missing: is xtcp.ko loaded?"
for c in curl python3 sha256sum tc; do
	need_cmd "$c" || fail "$c not installed (scripts/install-deps.sh)"
done

ns_create "$NSX" "$NSL"
"$TOPO" up "$NSX" "$NSL" --ipv6 --no-offload --sysctl net.xtcp.tw_timeout=2 \
	>"$TMPD/topo.env" 2>"$TMPD/topo.err" || fail "topo-interop.sh up: $(<"$TMPD/topo.env") $(<"$TMPD/topo.err")"
# shellcheck disable=SC1091
source "$TMPD/topo.env"
tap_check "topo-interop.sh --ipv6: XADDR6=$XADDR6 LADDR6=$LADDR6, translator IPv6 filters on $XDEV" \
	test "$XADDR6" = fd77::1 -a "$LADDR6" = fd77::2 -a \
	"$(tc -n "$NSX" filter show dev "$XDEV" egress prio 254 | grep -c 'ip_proto')" -ge 1

mkdir -p "$TMPD/wl" "$TMPD/wx"
"$XF" gen -b $FSIZE -s 66 >"$TMPD/wl/f.bin"
cp "$TMPD/wl/f.bin" "$TMPD/wx/f.bin"
want=$(sha256sum <"$TMPD/wl/f.bin")

# wait_http NS ADDR PORT PID: until something listens on PORT (at most
# 60 s): a Linux TCP listener in NS (ss), or an XTCP one in PID's
# /proc/net/xtcp6
wait_http() {
	local n=0
	while [ $n -lt 300 ]; do
		ip netns exec "$1" ss -Hltn "sport = :$3" 2>/dev/null | grep -q . && return 0
		[ -n "$(tail -n +2 "/proc/$4/net/xtcp6" 2>/dev/null | awk -v p=":$(printf %04X "$3")" '$2 ~ p')" ] && return 0
		tsleep 0.2
		n=$((n + 1))
	done
	return 1
}

xstat_ns() { ip netns exec "$1" cat /proc/net/xtcp_stat | awk -v k="$2" '$1 == k { print $2 }'; }

# 1. XTCP client -> Linux TCP server
ip netns exec "$NSL" python3 -m http.server --bind "$LADDR6" --directory "$TMPD/wl" 8000 \
	>"$TMPD/pyl.log" 2>&1 &
bg_track $!
wait_http "$NSL" "$LADDR6" 8000 0 || fail "python3 http.server in L did not start: $(<"$TMPD/pyl.log")"
ao0=$(xstat_ns "$NSX" ActiveOpens)
t0=$SECONDS
ip netns exec "$NSX" "$XTCPIZE" run curl -sS -g --max-time 200 -o "$TMPD/got1.bin" \
	-w 'code=%{http_code} size=%{size_download}\n' "http://[$LADDR6]:8000/f.bin" \
	>"$TMPD/c1.out" 2>"$TMPD/c1.err"
rc=$?
ao1=$(xstat_ns "$NSX" ActiveOpens)
tap_diag "XTCP curl -> Linux server: rc $rc in $((SECONDS - t0)) s: $(<"$TMPD/c1.out") $(<"$TMPD/c1.err")"
tap_check "XTCP client over IPv6 -> Linux TCP server: HTTP 200, $FSIZE bytes, SHA-256 intact" \
	test "$rc" = 0 -a "$(<"$TMPD/c1.out")" = "code=200 size=$FSIZE" -a \
	"$(sha256sum <"$TMPD/got1.bin")" = "$want"
tap_check "the client was XTCP (X's ActiveOpens +$((ao1 - ao0)))" test $((ao1 - ao0)) -ge 1

# 2. Linux TCP client -> XTCP server (python3 under the shim)
ip netns exec "$NSX" "$XTCPIZE" run python3 -m http.server --bind "$XADDR6" \
	--directory "$TMPD/wx" 8001 >"$TMPD/pyx.log" 2>&1 &
pyx=$!
bg_track $pyx
wait_http "$NSX" "$XADDR6" 8001 $pyx || fail "python3 http.server (xtcpize) in X did not start: $(<"$TMPD/pyx.log")"
tap_diag "X xtcp6: $(tail -n +2 /proc/$pyx/net/xtcp6 | tr -s ' ' | tr '\n' '|')"
po0=$(xstat_ns "$NSX" PassiveOpens)
t0=$SECONDS
ip netns exec "$NSL" curl -sS -g --max-time 200 -o "$TMPD/got2.bin" \
	-w 'code=%{http_code} size=%{size_download}\n' "http://[$XADDR6]:8001/f.bin" \
	>"$TMPD/c2.out" 2>"$TMPD/c2.err"
rc=$?
po1=$(xstat_ns "$NSX" PassiveOpens)
tap_diag "Linux curl -> XTCP server: rc $rc in $((SECONDS - t0)) s: $(<"$TMPD/c2.out") $(<"$TMPD/c2.err")"
tap_check "Linux TCP client over IPv6 -> XTCP server: HTTP 200, $FSIZE bytes, SHA-256 intact" \
	test "$rc" = 0 -a "$(<"$TMPD/c2.out")" = "code=200 size=$FSIZE" -a \
	"$(sha256sum <"$TMPD/got2.bin")" = "$want"
tap_check "the server was XTCP (X's PassiveOpens +$((po1 - po0)))" test $((po1 - po0)) -ge 1

# the translator's IPv6 filters did the work, both ways
eg=$(tc -n "$NSX" -s filter show dev "$XDEV" egress prio 254 | awk '/Sent/ { print $4; exit }')
in=$(tc -n "$NSX" -s filter show dev "$XDEV" ingress prio 254 | awk '/Sent/ { print $4; exit }')
tap_diag "translator IPv6 filters: egress $eg packets, ingress $in packets"
tap_check "translator IPv6 filters rewrote packets both ways (egress $eg, ingress $in)" \
	test "${eg:-0}" -gt 100 -a "${in:-0}" -gt 100
"$TOPO" down "$NSX" "$NSL" >/dev/null 2>&1
tap_done
