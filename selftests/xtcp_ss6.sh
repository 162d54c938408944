#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sock_diag and tools/xtcp-ss over IPv6, beside Linux TCP and ss: the same
# recipe on both stacks, on the same ports.
#
#   netns A 10.0.0.1/24 fd00::1/64 va ----- veth ----- vb fd00::2/64 10.0.0.2/24 netns B
#
#   [::]:7100        a dual-stack listener (B); *:7100 as ss prints it
#   [::]:7102        an IPV6_V6ONLY listener (net.ipv6.bindv6only=1)
#   [fd00::1]:41001 -> [fd00::2]:7100  ESTABLISHED
#   [fd00::1]:41002 -> [fd00::2]:7102  A closed first: TIME-WAIT in A
#   10.0.0.1:41003  -> 10.0.0.2:7100   an IPv4 client of the dual-stack
#                    listener: XTCP's child is an AF_INET socket (in
#                    AF_INET dumps), Linux's an AF_INET6 one with
#                    v4-mapped addresses (a known difference, README)
#
# Checks: ss -6 and xtcp-ss -6 print the IPv6 sockets identically (B's
# listeners and connection, A's connection and TIME-WAIT); xtcp-ss -6
# lists /proc/net/xtcp6's rows; -4 and -6 split the families; filters
# with IPv6 addresses and prefixes run in the kernel; an exact request
# (dump_one) finds an IPv6 4-tuple; -s counts IPv6 sockets.

source "$(dirname "$0")/lib.sh"

REPO=${XTCP_REPO:-$XTCP_TESTS_DIR/..}
XSS=$REPO/tools/build/xtcp-ss
HELPER=$XTCP_TESTS_DIR/build/helpers/diag_socks
NSA=$NS_PREFIX-a
NSB=$NS_PREFIX-b
STACKS="x t"		# XTCP, Linux TCP

tap_plan 11

[ -x "$XSS" ] || fail "$XSS missing: run make tools"
[ -x "$HELPER" ] || fail "$HELPER missing: run make -C selftests"
[ -r /proc/net/xtcp6 ] || fail "/proc/net/xtcp6 missing: is xtcp.ko loaded?"
need_cmd ss || fail "ss (iproute2) not installed"

topo_ab "$NSA" "$NSB" 6

coproc DS { exec "$HELPER" 2>&1; }
bg_track "$DS_PID"

# same_lines A B: the same first (header) line, then the same lines in any
# order (sockets come in hash order, which differs between stacks)
same_lines() {
	[ "$(head -n 1 "$1")" = "$(head -n 1 "$2")" ] &&
		[ "$(tail -n +2 "$1" | sort)" = "$(tail -n +2 "$2" | sort)" ]
}
# agree NAME NS ARGS...: ss -t ARGS and xtcp-ss ARGS in NS print the same
# lines; both outputs in $TMPD/NAME.{t,x}
agree() {
	local name=$1 ns=$2
	shift 2
	ss -N "$ns" -t "$@" >"$TMPD/$name.t" 2>&1
	"$XSS" -N "$ns" "$@" >"$TMPD/$name.x" 2>&1
	if same_lines "$TMPD/$name.t" "$TMPD/$name.x"; then
		return 0
	fi
	echo "# ss -t $*:"; show "$TMPD/$name.t"
	echo "# xtcp-ss $*:"; show "$TMPD/$name.x"
	return 1
}
rows() {	# rows FILE: the number of lines less the header
	echo $(($(wc -l <"$1") - 1))
}

# --------------------------------------------------------------- recipe
dsx ns "$NSB"
for st in $STACKS; do
	dsx listen "${st}L7100" "$st" :: 7100 8
done
dsx sysctl net.ipv6.bindv6only 1
for st in $STACKS; do
	dsx listen "${st}L7102" "$st" :: 7102 8
done
dsx sysctl net.ipv6.bindv6only 0

dsx ns "$NSA"
dsx sysctl net.xtcp.tw_timeout 600
for st in $STACKS; do
	dsx connect "${st}C1" "$st" fd00::1 41001 fd00::2 7100
	dsx accept "${st}S1" "${st}L7100"
	dsx connect "${st}C2" "$st" fd00::1 41002 fd00::2 7102
	dsx accept "${st}S2" "${st}L7102"
	dsx connect "${st}C3" "$st" 10.0.0.1 41003 10.0.0.2 7100
	dsx accept "${st}S3" "${st}L7100"
	dsx close "${st}C2"
done
tsleep 0.5
for st in $STACKS; do
	dsx close "${st}S2"
done
tsleep 0.5

# ------------------------------------------------ ss and xtcp-ss agree
# Linux's IPv4 child of the dual-stack listener is an IPv6 socket with
# v4-mapped addresses: left out by "not dst [::ffff:10.0.0.1]" (ss -6 takes
# IPv6 addresses only)
FB='( sport = :7100 or sport = :7102 ) and not dst [::ffff:10.0.0.1]'
agree B6 "$NSB" -an -6 "$FB"
tap_check "format: ss -6 and xtcp-ss -6 print B's IPv6 listeners (*:7100 dual-stack, [::]:7102 V6ONLY) and connection identically" \
	test $? = 0 -a "$(rows "$TMPD/B6.x")" = 3
show "$TMPD/B6.x"

FA='dport = :7100 or dport = :7102'
agree A6 "$NSA" -an -6 "$FA"
tap_check "format: ss -6 and xtcp-ss -6 print A's IPv6 connection and TIME-WAIT identically" \
	test $? = 0 -a "$(rows "$TMPD/A6.x")" = 2
show "$TMPD/A6.x"

agree L6 "$NSB" -ln -6
tap_check "format: ss -tln6 and xtcp-ss -ln6 list the listeners identically" \
	test $? = 0 -a "$(rows "$TMPD/L6.x")" = 2

# ---------------------------------------------------- xtcp-ss and /proc
# STATE LPORT RPORT of /proc/net/xtcp6 (ports are the hex after the colon)
declare -A SNAME=([01]=ESTAB [06]=TIME-WAIT [0A]=LISTEN [08]=CLOSE-WAIT
	[09]=LAST-ACK [04]=FIN-WAIT-1 [05]=FIN-WAIT-2 [03]=SYN-RECV [0B]=CLOSING)
proc6_ports() {
	local l r st
	{
		read -r _
		while read -r _ l r st _; do
			echo "${SNAME[$st]} $((16#${l##*:})) $((16#${r##*:}))"
		done
	} <"$1"
}
xss_ports() {
	local st l p lp rp
	while read -r st _ _ l p _; do
		lp=${l##*:} rp=${p##*:}
		[ "$lp" = '*' ] && lp=0
		[ "$rp" = '*' ] && rp=0
		echo "$st $lp $rp"
	done <"$1"
}
ok=1
for ns in "$NSA" "$NSB"; do
	dsx ns "$ns"
	dsx proc xtcp6 "$TMPD/p6"
	"$XSS" -N "$ns" -an -6 -H >"$TMPD/x6" 2>&1
	proc6_ports "$TMPD/p6" | sort >"$TMPD/p6.rows"
	xss_ports "$TMPD/x6" | sort >"$TMPD/x6.rows"
	if ! cmp -s "$TMPD/p6.rows" "$TMPD/x6.rows" || [ ! -s "$TMPD/x6.rows" ]; then
		ok=0
		echo "# $ns /proc/net/xtcp6:"; show "$TMPD/p6"
		echo "# $ns xtcp-ss -an -6:"; show "$TMPD/x6"
	fi
done
tap_check "proc: xtcp-ss -6 lists the rows of /proc/net/xtcp6 (states, ports) in A and B" test $ok = 1

# ------------------------------------------------------------ families
"$XSS" -N "$NSB" -an -4 -H 'sport = :7100' >"$TMPD/b4" 2>&1
"$XSS" -N "$NSB" -an -6 -H 'sport = :7100' >"$TMPD/b6" 2>&1
show "$TMPD/b4"
tap_check "families: -4 lists XTCP's IPv4 child of the dual-stack listener as 10.0.0.2:7100 <- 10.0.0.1:41003" \
	grep -q '^ESTAB .* 10\.0\.0\.2:7100 *10\.0\.0\.1:41003' "$TMPD/b4"
tap_check "families: -6 does not list it; -4 lists no IPv6 socket" \
	test -z "$(grep '10\.0\.0\.1' "$TMPD/b6")" -a -z "$(grep '\[' "$TMPD/b4")"
ss -N "$NSB" -tan -H 'sport = :7100' | grep -q '::ffff:10.0.0.2' &&
	tap_diag "Linux TCP lists its IPv4 child as [::ffff:10.0.0.2]:7100 (an AF_INET6 socket)"

# ------------------------------------------------- filters in the kernel
agree F1 "$NSA" -an 'dst [fd00::2]:7102'
tap_check "filter: 'dst [fd00::2]:7102' selects the TIME-WAIT alone, as ss" \
	test $? = 0 -a "$(rows "$TMPD/F1.x")" = 1
agree F2 "$NSA" -an 'src fd00::/64 and ( dport = :7100 or dport = :7102 )'
tap_check "filter: 'src fd00::/64' selects the two IPv6 sockets, not the IPv4 one, as ss" \
	test $? = 0 -a "$(rows "$TMPD/F2.x")" = 2
"$XSS" -N "$NSA" -an 'dst fd00::/129' >"$TMPD/F3" 2>&1
rc=$?
show "$TMPD/F3"
tap_check "filter: a prefix longer than 128 bits: exit 1 and a clear message" \
	test $rc = 1 -a -n "$(grep 'bad prefix length' "$TMPD/F3")"

# -------------------------------------------------------------- summary
"$XSS" -N "$NSB" -s >"$TMPD/s" 2>&1
show "$TMPD/s"
tap_check "summary: -s counts B's 4 XTCP sockets as 1 IPv4 and 3 IPv6 (Transport Total IP IPv6)" \
	test "$(awk '$1 == "XTCP" && NF == 4 { print $2, $3, $4 }' "$TMPD/s")" = "4 1 3"

# ------------------------------------------------------------ dump_one
dsx ns "$NSA"
ds one "$(<"/sys/module/xtcp/parameters/ipproto")" fd00::1 41001 fd00::2 7100
tap_check "dump_one: an exact AF_INET6 request finds the IPv6 connection (ESTABLISHED) -> $DSR" \
	test "${DSR%% inode*}" = "ok state=1"

echo quit >&"${DS[1]}"
tap_done
