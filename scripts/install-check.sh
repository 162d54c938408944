#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install-check.sh - host-side checks of `make install`/`make uninstall`,
# the Wireshark plugin and the man page (`make install-check`). Nothing is
# installed into this machine and no module is loaded: every install goes
# into a scratch DESTDIR under a temporary directory.
#
# Usage: scripts/install-check.sh KVER...   (kernels with build/KVER/xtcp.ko)
#
# Checks, as "ok"/"not ok" lines:
#   - man/xtcp.7 lint and coverage (scripts/man-check.sh)
#   - per KVER: make install DESTDIR=scratch KVER=KVER puts every file in
#     place, depmod's modules.alias maps net-pf-23 to xtcp, the installed
#     xtcpize finds the installed library, `man -l` renders the installed
#     page; make uninstall leaves no file and no directory in the scratch root
#   - the Lua plugin directory: with a fresh HOME, install picks the
#     "Personal Lua Plugins" directory `tshark -G folders` names for that
#     HOME (no /usr/local one is read by this tshark), LUA_PLUGIN_DIR
#     overrides it; tshark run with HOME pointing into the scratch root
#     decodes a capture of IP protocol 253 and 254 segments as TCP with a
#     good checksum and without -d, and does not without the plugin
#   - bad input: unknown KVER, a kernel without a build, uninstall with
#     nothing installed: each a message and exit status 1
#
# Exit status: 0 if everything passed.
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)

[ $# -ge 1 ] || { echo "usage: $0 KVER..." >&2; exit 2; }

failed=0 n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xtcp-install-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
home=$tmp/home
mkdir -p "$home"

# inst ACTION VAR=VALUE...: scripts/install.sh with a clean environment
# (HOME is the fresh $home unless given)
inst() {
	local a=$1
	shift
	env -u DESTDIR -u KVER -u PREFIX -u LUA_PLUGIN_DIR HOME="$home" "$@" \
		bash "$REPO/scripts/install.sh" "$a"
}

# ---------------------------------------------------------------- man page
if bash "$SCRIPT_DIR/man-check.sh" >"$tmp/man.log" 2>&1; then
	ok "man-check: $(grep -c '^ok' "$tmp/man.log") checks"
else
	notok "man-check"
	sed 's/^/# /' "$tmp/man.log"
fi

# ------------------------------------------------------- install/uninstall
for k in "$@"; do
	d=$tmp/root-$k
	if ! inst install DESTDIR="$d" KVER="$k" >"$tmp/install.log" 2>&1; then
		notok "$k: make install DESTDIR=scratch"
		sed 's/^/# /' "$tmp/install.log"
		continue
	fi
	lua=$home/.local/lib/wireshark/plugins/xtcp.lua
	missing=
	for f in "/lib/modules/$k/updates/xtcp.ko" /usr/include/linux/xtcp.h \
		/usr/local/bin/xtcpize /usr/local/lib/xtcp/libxtcpize.so \
		/usr/local/bin/xtcp_demo /usr/local/bin/xtcp_rawsyn.py \
		/usr/local/share/man/man7/xtcp.7 /usr/local/share/xtcp/xtcp-modprobe.conf \
		/usr/local/share/xtcp/manifest "$lua"; do
		[ -f "$d$f" ] || missing+=" $f"
	done
	check "$k: install put every file in place${missing:+ (missing:$missing)}" test -z "$missing"
	check "$k: depmod -b maps net-pf-23 to xtcp" \
		grep -qx 'alias net-pf-23 xtcp' "$d/lib/modules/$k/modules.alias"
	vm=$(modinfo -F vermagic "$d/lib/modules/$k/updates/xtcp.ko" 2>/dev/null)
	check "$k: the installed xtcp.ko is $k's (vermagic)" test "${vm%% *}" = "$k"
	lib=$("$d/usr/local/bin/xtcpize" lib 2>&1)
	check "$k: installed xtcpize finds the installed library ($lib)" \
		test "$lib" = "$d/usr/local/lib/xtcp/libxtcpize.so"
	out=$(MANWIDTH=80 man -l "$d/usr/local/share/man/man7/xtcp.7" 2>&1 >/dev/null)
	check "$k: man -l renders the installed xtcp.7 silently" test -z "$out"
	if ! inst uninstall DESTDIR="$d" >"$tmp/uninstall.log" 2>&1; then
		notok "$k: make uninstall DESTDIR=scratch"
		sed 's/^/# /' "$tmp/uninstall.log"
		continue
	fi
	left=$(cd "$d" && find . -mindepth 1 | head -n 20)
	check "$k: uninstall leaves the scratch root empty${left:+ (left: $(echo $left))}" test -z "$left"
done

# ------------------------------------------------------- Wireshark plugin
k=$1
if command -v tshark >/dev/null 2>&1; then
	folders=$(HOME=$home tshark -G folders 2>/dev/null)
	personal=$(sed -n 's/^Personal Lua Plugins:[[:space:]]*//p' <<<"$folders")
	global=$(sed -n 's/^Global Lua Plugins:[[:space:]]*//p' <<<"$folders")
	want=$personal
	case $global in /usr/local/*) want=$global ;; esac
	got=$(inst lua-dir)
	check "lua-dir: '$got' is tshark's (global '$global', personal '$personal')" \
		test -n "$got" -a "$got" = "$want"
	got=$(inst lua-dir LUA_PLUGIN_DIR=/opt/ws/plugins/)
	check "lua-dir: LUA_PLUGIN_DIR overrides it" test "$got" = /opt/ws/plugins

	# segments on IP protocols 253 and 254, TCP checksums over the TCP
	# pseudo-header (protocol 6), in a raw-IP pcap
	python3 - "$tmp/x.pcap" <<-'EOF'
		import struct, sys
		def csum(b):
		    if len(b) % 2:
		        b += b"\0"
		    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
		    while s >> 16:
		        s = (s & 0xffff) + (s >> 16)
		    return ~s & 0xffff
		def seg(proto, sport, flags):
		    a, b = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
		    tcp = struct.pack("!HHIIBBHHH", sport, 80, 1000, 0, 5 << 4, flags, 64240, 0, 0)
		    c = csum(a + b + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
		    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
		    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, proto, 0, a, b)
		    return ip[:10] + struct.pack("!H", csum(ip)) + ip[12:] + tcp
		with open(sys.argv[1], "wb") as f:
		    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
		    for i, (p, fl) in enumerate([(253, 0x02), (253, 0x12), (254, 0x02)]):
		        d = seg(p, 40000 + i, fl)
		        f.write(struct.pack("<IIII", i, 0, len(d), len(d)) + d)
	EOF
	d=$tmp/root-lua
	if inst install DESTDIR="$d" KVER="$k" >"$tmp/install.log" 2>&1; then
		# tshark as the installing user would run it: HOME is the
		# scratch root's copy of $home
		fields=(-T fields -e ip.proto -e tcp.srcport -e tcp.flags -e tcp.checksum.status
			-o tcp.check_checksum:TRUE)
		got=$(HOME=$d$home tshark -r "$tmp/x.pcap" "${fields[@]}" 2>/dev/null | tr '\t\n' ' |')
		want="253 40000 0x0002 1|253 40001 0x0012 1|254 40002 0x0002 1|"
		check "tshark -r (no -d) with the installed plugin decodes 253/254 as TCP, checksum good" \
			test "$got" = "$want"
		[ "$got" = "$want" ] || echo "# got:  $got"$'\n'"# want: $want"
		got=$(HOME=$home tshark -r "$tmp/x.pcap" "${fields[@]}" 2>/dev/null | tr '\t\n' ' |')
		check "without the plugin tshark does not decode them (control)" \
			test "$got" = "253   |253   |254   |"
		inst uninstall DESTDIR="$d" >/dev/null 2>&1
		check "uninstall removes the plugin and its directories" test ! -e "$d$home"
	else
		notok "install for the plugin check"
		sed 's/^/# /' "$tmp/install.log"
	fi
else
	ok "Wireshark plugin checks # SKIP tshark not installed"
fi

# ---------------------------------------------------------------- bad input
out=$(inst install KVER=no-such-kernel 2>&1)
rc=$?
check "unknown KVER: exit 1 with a message ($out)" test "$rc" = 1 -a -n "$out"
out=$(inst install DESTDIR="$tmp/bad" KVER=0.0.0-nobuild 2>&1)
rc=$?
check "KVER without a build: exit 1 with a message ($out)" test "$rc" = 1 -a -n "$out"
out=$(inst uninstall DESTDIR="$tmp/bad" 2>&1)
rc=$?
check "uninstall with nothing installed: exit 1 with a message ($out)" test "$rc" = 1 -a -n "$out"
check "failed installs created nothing" test ! -e "$tmp/bad"

echo "# install-check: $n checks, $([ $failed = 0 ] && echo all passed || echo some FAILED)"
exit $failed
