#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp-translate.sh - make one interface of an XTCP host speak real TCP on
# the wire, so XTCP talks to Linux TCP and to unmodified TCP peers.
#
# Usage:
#   scripts/xtcp-translate.sh [-n NETNS] [-p PROTO] add  DEV
#   scripts/xtcp-translate.sh [-n NETNS]            del  DEV
#   scripts/xtcp-translate.sh [-n NETNS]            show DEV
#
#   -n NETNS   DEV lives in this network namespace (ip netns name)
#   -p PROTO   XTCP's IP protocol number (default: the loaded module's
#              ipproto parameter, else 253)
#
# "add" puts a clsact qdisc on DEV (an existing one is kept) and four tc
# flower filters, two for IPv4 packets of the given protocol:
#   egress:  ip protocol PROTO -> 6    (pedit ex munge ip protocol set 6 pipe
#                                       action csum ip4h)
#   ingress: ip protocol 6 -> PROTO    (the reverse)
# and two for IPv6 packets whose (first) next header is it:
#   egress:  ipv6 next header PROTO -> 6   (pedit ex munge ip6 nexthdr set 6)
#   ingress: ipv6 next header 6 -> PROTO   (the reverse)
# An XTCP segment is a TCP segment byte for byte and its checksum already
# covers a pseudo-header with protocol (next header) 6, so only the IP
# protocol byte and the IPv4 header checksum change; IPv6 has no header
# checksum (see /work/shared/DESIGN.md, wire format). Segments behind IPv6
# extension headers are not translated. ARP, ICMP, ICMPv6 and UDP pass
# untouched. The filters use tc priorities 253 (IPv4) and 254 (IPv6), so
# "del" removes exactly them (and the clsact qdisc when nothing else is
# attached to it).
#
# Put it on the XTCP host's side of a link: its stack then sees protocol
# PROTO, the wire and the peer see 6. Consequence: on DEV every TCP flow is
# XTCP - Linux TCP sockets of the XTCP host cannot use DEV (their incoming
# segments would be handed to XTCP), over IPv4 and IPv6 alike. ICMP and
# ICMPv6 errors are not rewritten: one about a translated segment quotes
# an IP header with protocol 6 and so reaches Linux TCP's
# error handler, not XTCP's (no PMTU or unreachable reports for XTCP
# connections across the translator). Needs root, tc (iproute2), and the
# kernel's sch_ingress (clsact), cls_flower, act_pedit and act_csum (loaded
# on demand).
#
# Exit status: 0 done, 1 tc failed, 2 usage error.
set -uo pipefail

PRIO=253	# IPv4 filters
PRIO6=254	# IPv6 filters (a tc priority holds one protocol)

usage() {
	sed -n '4,/^set -uo/{/^#/s/^# \{0,1\}//p}' "$0" >&2
	exit 2
}
die() { echo "xtcp-translate: $1" >&2; exit "${2:-1}"; }

netns=
proto=
while [ $# -gt 0 ]; do
	case "$1" in
	-n) [ $# -ge 2 ] || usage; netns=$2; shift 2 ;;
	-p) [ $# -ge 2 ] || usage; proto=$2; shift 2 ;;
	-h|--help) usage ;;
	-*) echo "xtcp-translate: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || usage
cmd=$1
dev=$2

if [ -z "$proto" ]; then
	proto=253
	[ -r /sys/module/xtcp/parameters/ipproto ] && proto=$(</sys/module/xtcp/parameters/ipproto)
fi
if ! [[ $proto =~ ^[0-9]+$ ]] || [ "$proto" -lt 1 ] || [ "$proto" -gt 255 ] || [ "$proto" -eq 6 ]; then
	die "bad protocol number '$proto' (1..255, not 6)" 2
fi

command -v tc >/dev/null 2>&1 || die "tc (iproute2) not found"
[ "$(id -u)" -eq 0 ] || die "needs root"

nsopt=()
where="$dev"
if [ -n "$netns" ]; then
	[ -e "/run/netns/$netns" ] || die "no network namespace '$netns' (ip netns list)"
	nsopt=(-n "$netns")
	where="$dev in netns $netns"
fi
ip "${nsopt[@]}" link show dev "$dev" >/dev/null 2>&1 || die "no interface $where"

has_clsact() {
	tc "${nsopt[@]}" qdisc show dev "$dev" 2>/dev/null | grep -q '^qdisc clsact'
}

case "$cmd" in
add)
	if tc "${nsopt[@]}" filter show dev "$dev" egress 2>/dev/null | grep -q "pref $PRIO "; then
		die "$where already has a translator (del it first)"
	fi
	hexproto=$(printf '0x%x' "$proto")	# flower takes ip_proto in hex
	has_clsact || tc "${nsopt[@]}" qdisc add dev "$dev" clsact ||
		die "cannot add a clsact qdisc to $where (sch_ingress missing?)"
	out=$(tc "${nsopt[@]}" -batch - 2>&1 <<-EOF
	filter add dev $dev egress protocol ip prio $PRIO flower ip_proto $hexproto action pedit ex munge ip protocol set 6 pipe action csum ip4h
	filter add dev $dev ingress protocol ip prio $PRIO flower ip_proto 6 action pedit ex munge ip protocol set $proto pipe action csum ip4h
	filter add dev $dev egress protocol ipv6 prio $PRIO6 flower ip_proto $hexproto action pedit ex munge ip6 nexthdr set 6
	filter add dev $dev ingress protocol ipv6 prio $PRIO6 flower ip_proto 6 action pedit ex munge ip6 nexthdr set $proto
	EOF
	) || {
		for p in $PRIO $PRIO6; do
			tc "${nsopt[@]}" filter del dev "$dev" egress prio $p 2>/dev/null
			tc "${nsopt[@]}" filter del dev "$dev" ingress prio $p 2>/dev/null
		done
		die "tc filters on $where failed (cls_flower, act_pedit, act_csum?): $out"
	}
	;;
del)
	has_clsact || die "$where has no clsact qdisc (no translator)"
	for p in $PRIO $PRIO6; do
		tc "${nsopt[@]}" filter del dev "$dev" egress prio $p 2>/dev/null
		tc "${nsopt[@]}" filter del dev "$dev" ingress prio $p 2>/dev/null
	done
	if [ -z "$(tc "${nsopt[@]}" filter show dev "$dev" egress)$(tc "${nsopt[@]}" filter show dev "$dev" ingress)" ]; then
		tc "${nsopt[@]}" qdisc del dev "$dev" clsact || die "cannot remove clsact from $where"
	fi
	;;
show)
	echo "egress ($proto -> 6):"
	tc "${nsopt[@]}" -s filter show dev "$dev" egress prio $PRIO
	tc "${nsopt[@]}" -s filter show dev "$dev" egress prio $PRIO6
	echo "ingress (6 -> $proto):"
	tc "${nsopt[@]}" -s filter show dev "$dev" ingress prio $PRIO
	tc "${nsopt[@]}" -s filter show dev "$dev" ingress prio $PRIO6
	;;
*)
	echo "xtcp-translate: unknown command '$cmd'" >&2
	usage
	;;
esac
exit 0
