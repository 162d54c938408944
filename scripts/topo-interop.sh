#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# topo-interop.sh - two network namespaces, an XTCP host and a plain Linux
# TCP host, joined by a veth pair with the protocol translator
# (scripts/xtcp-translate.sh) on the XTCP host's end:
#
#   netns XNS (XTCP host)                       netns LNS (Linux TCP host)
#   XADDR/24 on XDEV [translator: 253<->6] ==== LDEV LADDR/24
#   (--ipv6: XADDR6/64)                              (--ipv6: LADDR6/64)
#   its stack sees IP protocol 253              the wire and this host see 6
#
# Usage:
#   scripts/topo-interop.sh up   XNS LNS [OPTIONS]
#   scripts/topo-interop.sh down XNS LNS
#
#   up      creates the namespaces that do not exist yet, the veth pair,
#           addresses, the translator; prints shell assignments
#           XNS= LNS= XDEV= LDEV= XADDR= LADDR= PROTO= (eval them), and
#           XADDR6= LADDR6= with --ipv6
#   down    sets net.xtcp.tw_timeout=1 in XNS (XTCP TIME_WAIT entries go
#           quickly), then deletes both namespaces
#
# Options of "up":
#   --xaddr A, --laddr A   addresses (default 10.77.0.1, 10.77.0.2; /24)
#   --ipv6                 IPv6 too (dual stack): XADDR6 and LADDR6, /64,
#                          without duplicate address detection (usable at
#                          once); the translator covers both families
#   --xaddr6 A, --laddr6 A IPv6 addresses (default fd77::1, fd77::2)
#   --xdev N,  --ldev N    interface names (default xt0, lt0)
#   --netem "ARGS"         a netem root qdisc with ARGS on both ends' egress
#                          (e.g. "loss 2%", "delay 50ms"); this iproute2's
#                          netem does not accept "seed"
#   --no-offload           tx checksum offload, TSO and GSO off on both ends,
#                          so captures show final checksums
#   --proto N              XTCP's IP protocol (default: module parameter
#                          ipproto, else 253)
#   --sysctl NAME=VAL      set a sysctl in XNS (repeatable), e.g.
#                          net.xtcp.tw_timeout=2
#
# Example:
#   eval "$(scripts/topo-interop.sh up xh lh --netem 'loss 2%')"
#   ip netns exec "$LNS" python3 -m http.server --bind "$LADDR" 8000 &
#   ip netns exec "$XNS" tools/xtcpize/xtcpize run curl "http://$LADDR:8000/"
#   scripts/topo-interop.sh down xh lh
#
# Exit status: 0 done, 1 setup failed (what was made is left for "down"),
# 2 usage error. Needs root, iproute2, ethtool (for --no-offload).
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	sed -n '4,/^set -uo/{/^#/s/^# \{0,1\}//p}' "$0" >&2
	exit 2
}
die() { echo "topo-interop: $1" >&2; exit "${2:-1}"; }

[ $# -ge 3 ] || usage
cmd=$1 xns=$2 lns=$3
shift 3
[ "$xns" != "$lns" ] || die "XNS and LNS must differ" 2

xaddr=10.77.0.1 laddr=10.77.0.2 xdev=xt0 ldev=lt0 netem='' nooff=0 proto=''
ipv6=0 xaddr6=fd77::1 laddr6=fd77::2
sysctls=()
while [ $# -gt 0 ]; do
	case "$1" in
	--xaddr) [ $# -ge 2 ] || usage; xaddr=$2; shift 2 ;;
	--laddr) [ $# -ge 2 ] || usage; laddr=$2; shift 2 ;;
	--ipv6) ipv6=1; shift ;;
	--xaddr6) [ $# -ge 2 ] || usage; xaddr6=$2; ipv6=1; shift 2 ;;
	--laddr6) [ $# -ge 2 ] || usage; laddr6=$2; ipv6=1; shift 2 ;;
	--xdev) [ $# -ge 2 ] || usage; xdev=$2; shift 2 ;;
	--ldev) [ $# -ge 2 ] || usage; ldev=$2; shift 2 ;;
	--netem) [ $# -ge 2 ] || usage; netem=$2; shift 2 ;;
	--no-offload) nooff=1; shift ;;
	--proto) [ $# -ge 2 ] || usage; proto=$2; shift 2 ;;
	--sysctl) [ $# -ge 2 ] || usage; sysctls+=("$2"); shift 2 ;;
	*) echo "topo-interop: unknown option $1" >&2; usage ;;
	esac
done
[ "$(id -u)" -eq 0 ] || die "needs root"

case "$cmd" in
down)
	if [ -e "/run/netns/$xns" ]; then
		ip netns exec "$xns" sh -c 'echo 1 >/proc/sys/net/xtcp/tw_timeout' 2>/dev/null
	fi
	ip -force -batch - 2>/dev/null <<-EOF
	netns del $xns
	netns del $lns
	EOF
	exit 0
	;;
up) ;;
*) echo "topo-interop: unknown command '$cmd'" >&2; usage ;;
esac

for a in "$xaddr" "$laddr"; do
	[[ $a =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "bad IPv4 address '$a'" 2
done
for a in "$xaddr6" "$laddr6"; do
	[[ $a =~ ^[0-9a-fA-F:]+$ && $a == *:* ]] || die "bad IPv6 address '$a'" 2
done
if [ -z "$proto" ]; then
	proto=253
	[ -r /sys/module/xtcp/parameters/ipproto ] && proto=$(</sys/module/xtcp/parameters/ipproto)
fi

batch=""
for ns in "$xns" "$lns"; do
	[ -e "/run/netns/$ns" ] || batch+="netns add $ns"$'\n'
done
batch+="link add $xdev netns $xns type veth peer name $ldev netns $lns"$'\n'
ip -batch - <<<"$batch" || die "cannot create the namespaces or the veth pair"
ip -n "$xns" -batch - <<-EOF || die "addresses in $xns"
	link set lo up
	addr add $xaddr/24 dev $xdev
	link set $xdev up
EOF
ip -n "$lns" -batch - <<-EOF || die "addresses in $lns"
	link set lo up
	addr add $laddr/24 dev $ldev
	link set $ldev up
EOF
if [ $ipv6 = 1 ]; then
	ip -n "$xns" addr add "$xaddr6/64" dev "$xdev" nodad || die "IPv6 address in $xns"
	ip -n "$lns" addr add "$laddr6/64" dev "$ldev" nodad || die "IPv6 address in $lns"
fi

if [ $nooff = 1 ]; then
	command -v ethtool >/dev/null 2>&1 || die "--no-offload needs ethtool"
	ip netns exec "$xns" ethtool -K "$xdev" tx off tso off gso off >/dev/null 2>&1 ||
		die "ethtool -K $xdev in $xns failed"
	ip netns exec "$lns" ethtool -K "$ldev" tx off tso off gso off >/dev/null 2>&1 ||
		die "ethtool -K $ldev in $lns failed"
fi
if [ -n "$netem" ]; then
	read -r -a netem_args <<<"$netem"
	tc -n "$xns" qdisc add dev "$xdev" root netem "${netem_args[@]}" ||
		die "netem '$netem' on $xdev failed"
	tc -n "$lns" qdisc add dev "$ldev" root netem "${netem_args[@]}" ||
		die "netem '$netem' on $ldev failed"
fi
"$SCRIPT_DIR/xtcp-translate.sh" -n "$xns" -p "$proto" add "$xdev" || exit 1
if [ ${#sysctls[@]} -gt 0 ]; then
	sc=""
	for s in "${sysctls[@]}"; do
		[[ $s == *=* ]] || die "bad --sysctl '$s' (NAME=VALUE)" 2
		sc+="sysctl -qw '$s' && "
	done
	ip netns exec "$xns" sh -c "$sc true" || die "sysctls in $xns failed"
fi

cat <<-EOF
	XNS=$xns
	LNS=$lns
	XDEV=$xdev
	LDEV=$ldev
	XADDR=$xaddr
	LADDR=$laddr
	PROTO=$proto
EOF
if [ $ipv6 = 1 ]; then
	echo "XADDR6=$xaddr6"
	echo "LADDR6=$laddr6"
fi
