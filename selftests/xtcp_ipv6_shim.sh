#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unmodified programs over XTCP and IPv6 through the xtcpize shim (issue 13):
# nginx listening on [::]:8080 (dual stack) in B; curl, also under the shim,
# fetches a 16 MiB file (sendfile on) from http://[::1]:8080/ inside B,
# from http://[fd00::2]:8080/ across the veth from A, and from
# http://10.0.0.2:8080/ (an IPv4 client of the same listener). Each file's
# SHA-256 is checked; /proc/net/xtcp6 shows the listener and the finished
# IPv6 connections (TIME_WAIT), /proc/net/tcp6 shows nothing on 8080.
#
#   netns A (client) 10.0.0.1 fd00::1 "va" <-- veth --> "vb" fd00::2 10.0.0.2
#   netns B (nginx, and the ::1 client)
#   (lib.sh's topo_ab plus IPv6 addresses without DAD)

source "$(dirname "$0")/lib.sh"

XF=$XTCP_TESTS_DIR/build/helpers/io_xfer
XTCPIZE=$(cd "$XTCP_TESTS_DIR/../tools/xtcpize" && pwd)/xtcpize
NSC=$NS_PREFIX-a
NSS=$NS_PREFIX-b
FSIZE=16777216

tap_plan 8

[ -x "$XF" ] || fail "$XF missing: run make -C selftests"
[ -r "$(dirname "$XTCPIZE")/build/libxtcpize.so" ] || fail "libxtcpize.so missing: run make -C tools"
[ -r /proc/net/xtcp_stat ] || fail "/proc/net/xtcp_stat missing: is xtcp.ko loaded?"
for c in nginx curl ethtool sha256sum; do
	need_cmd "$c" || fail "$c not installed (scripts/install-deps.sh)"
done

topo_ab "$NSC" "$NSS" 6
for n in "$NSS:vb" "$NSC:va"; do
	ip netns exec "${n%%:*}" sh -c "ethtool -K ${n#*:} tx off tso off gso off >/dev/null &&
		echo 1 >/sys/class/net/${n#*:}/queues/rx-0/rps_cpus &&
		echo 120 >/proc/sys/net/xtcp/tw_timeout" || fail "ethtool/rps/sysctl in ${n%%:*}"
done

# processes that stay in NSC and NSS, to read their /proc/net files
ip netns exec "$NSC" sleep 1000 &
cpid=$!
bg_track $cpid
ip netns exec "$NSS" sleep 1000 &
spid=$!
bg_track $spid

# rows6 PID FILE PORTHEX WHICH: rows of /proc/PID/net/FILE (tcp6 format)
# whose local (WHICH=l) or remote (r) port is PORTHEX
rows6() {
	local l n=0 f
	while read -r l; do
		[[ $l == *:*" "*:*" "* ]] || continue
		read -r _ f _ <<<"$l"
		[ "$4" = r ] && { read -r _ _ f _ <<<"$l"; }
		[ "${f##*:}" = "$3" ] && n=$((n + 1))
	done <"/proc/$1/net/$2"
	echo $n
}

mkdir -p "$TMPD/www"
"$XF" gen -b $FSIZE -s 61 >"$TMPD/www/f16.bin"
want=$(sha256sum <"$TMPD/www/f16.bin")
nginx_start "$NSS" "[::]:8080 ipv6only=off" "$XTCPIZE" run
ngpid=$NGPID
tsleep 0.5
n_x=$(rows6 $ngpid xtcp6 1F90 l) n_t=$(rows6 $ngpid tcp6 1F90 l) n_4=$(rows6 $ngpid xtcp 1F90 l)
tap_check "nginx (xtcpize) listens on [::]:8080 over XTCP: /proc/net/xtcp6 rows $n_x, tcp6 $n_t, xtcp $n_4" \
	test "$n_x" = 1 -a "$n_t" = 0 -a "$n_4" = 0

# fetch NAME NS URL: curl under the shim, the file checked
fetch() {
	local name=$1 ns=$2 url=$3 rc t0=$SECONDS out

	ip netns exec "$ns" "$XTCPIZE" run curl -sS -g --max-time 200 -o "$TMPD/$name.bin" \
		-w 'code=%{http_code} size=%{size_download} secs=%{time_total} remote=%{remote_ip}:%{remote_port}\n' \
		"$url" >"$TMPD/$name.out" 2>"$TMPD/$name.err"
	rc=$?
	out=$(<"$TMPD/$name.out")
	tap_diag "curl $url: rc $rc in $((SECONDS - t0)) s: $out $(<"$TMPD/$name.err")"
	tap_check "curl (xtcpize) $url: HTTP 200, $FSIZE bytes, SHA-256 of nginx's file" \
		test "$rc" = 0 -a "$(sed -n 's/^code=\([0-9]*\) size=\([0-9]*\).*/\1 \2/p' \
			<<<"$out")" = "200 $FSIZE" -a "$(sha256sum <"$TMPD/$name.bin")" = "$want"
}

x0=$(xstat "/proc/$cpid/net/xtcp_stat" ActiveOpens 0)
fetch lo6 "$NSS" "http://[::1]:8080/f16.bin"
fetch veth6 "$NSC" "http://[fd00::2]:8080/f16.bin"
fetch veth4 "$NSC" "http://10.0.0.2:8080/f16.bin"
x1=$(xstat "/proc/$cpid/net/xtcp_stat" ActiveOpens 0)
tap_check "A's two curls were XTCP connections (ActiveOpens +$((x1 - x0)))" test $((x1 - x0)) -ge 2

# the finished connections: TIME_WAIT entries of the active closer, IPv6
# ones in xtcp6, the IPv4 one in xtcp; nothing in Linux's tables
a6=$(( $(rows6 $cpid xtcp6 1F90 r) + $(rows6 $spid xtcp6 1F90 r) + $(rows6 $spid xtcp6 1F90 l) - 1 ))
a4=$(( $(rows6 $cpid xtcp 1F90 r) + $(rows6 $spid xtcp 1F90 l) ))
t6=$(( $(rows6 $cpid tcp6 1F90 r) + $(rows6 $spid tcp6 1F90 l) ))
tap_diag "A xtcp6: $(tail -n +2 /proc/$cpid/net/xtcp6 | tr -s ' ' | tr '\n' '|')"
tap_diag "B xtcp6: $(tail -n +2 /proc/$spid/net/xtcp6 | tr -s ' ' | tr '\n' '|')"
tap_check "/proc/net/xtcp6 shows the IPv6 connections ($a6 rows besides the listener), xtcp the IPv4 one ($a4), tcp6 none ($t6)" \
	test "$a6" -ge 2 -a "$a4" -ge 1 -a "$t6" = 0
grep -c '"GET /f16.bin HTTP/1.1" 200' "$TMPD/ng/access.log" >"$TMPD/ngets"
tap_diag "nginx access.log: $(tr '\n' '|' <"$TMPD/ng/access.log")"
tap_check "nginx logged three GETs (200)" test "$(<"$TMPD/ngets")" = 3
kill "$ngpid"
wait "$ngpid" 2>/dev/null
if grep -qE '\[(alert|crit|emerg)\]' "$TMPD/ng/error.log"; then
	tap_fail "nginx error log has no alert/crit/emerg entries" \
		"$(grep -E '\[(alert|crit|emerg)\]' "$TMPD/ng/error.log" | head -3)"
else
	tap_ok "nginx error log has no alert/crit/emerg entries"
fi
for n in "$NSS" "$NSC"; do
	ip netns exec "$n" sh -c 'echo 1 >/proc/sys/net/xtcp/tw_timeout'
done
tap_done
