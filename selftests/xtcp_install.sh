#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make install` in the guest, then XTCP used as an installed transport:
# socket(AF_XTCP, ...) from a program that never calls insmod loads the
# module through the kernel's request_module ("net-pf-23" -> modprobe),
# lsmod shows it, a connection crosses a veth between two namespaces,
# tshark decodes the capture as TCP without -d thanks to the installed Lua
# plugin, `modprobe -r xtcp` unloads it after close, an /etc/modprobe.d
# "options xtcp ipproto=254" line is honoured, and `make uninstall` takes
# everything away again.
#
#   netns A                                   netns B
#   xconn.py serve 10.0.0.1:5000              xconn.py connect (N bytes,
#   10.0.0.1/24 va  <------- veth ------->  vb 10.0.0.2/24   digest checked)
#                                           dumpcap on vb ('ip proto 253',
#                                           then 254); tx checksum offload
#                                           off on both ends
#
# Writable system directories: the guest sees the host's root read-only, so
# overlays (the host directory as lower layer, a tmpfs upper layer under
# /run) are mounted on /lib/modules/KVER, /usr/local, /usr/include/linux and
# /etc/modprobe.d for the test's duration, in the guest's initial mount
# namespace (where the kernel's modprobe runs). `make install` then runs
# with no DESTDIR, exactly as on a real machine; HOME is /root (a tmpfs), so
# the Lua plugin goes to root's personal plugin directory, where tshark
# looks. The host's files are never written. One shortcut: depmod over the
# kernel's ~4000 modules takes 70-150 s a run under TCG (twice: install and
# uninstall), so /run/depmod.d/ gets "exclude kernel" for the test and the
# indexes list xtcp and the built-ins only while the overlay is up (the
# modules the test needs, veth and overlay, are loaded before);
# XTCP_INSTALL_FULL_DEPMOD=1 runs depmod over everything (6-8 min more).
#
# Skipped (one "ok ... # SKIP" line) on a kernel without overlayfs, such as
# the debug kernel of scripts/debug-kernel.sh.
#
# Coexistence with scripts/guest-check.sh: guest-check insmods
# build/KVER/xtcp.ko before the tests and expects to rmmod it after them.
# This test therefore first rmmods it (a few tries), so that nothing is
# loaded when the installed module must load by itself, and at the end
# (also on failure, from its EXIT trap) unmounts the overlays and insmods
# build/KVER/xtcp.ko again if it was loaded at the start: the tests after
# it, and guest-check's rmmod, find the state they expect. Run alone (module
# not loaded), it leaves the module unloaded.

source "$(dirname "$0")/lib.sh"

REPO=${XTCP_REPO:-$(cd "$XTCP_TESTS_DIR/.." && pwd)}
KVER=${XTCP_KVER:-$(uname -r)}
NSA=$NS_PREFIX-a
NSB=$NS_PREFIX-b
PORT=5000
NBYTES=300000
XCONN=$TMPD/xconn.py
BUILD_KO=$REPO/build/$KVER/xtcp.ko
MODDIR=/lib/modules/$KVER
LUA=/root/.local/lib/wireshark/plugins/xtcp.lua
OVERLAYS=("$MODDIR" /usr/local /usr/include/linux /etc/modprobe.d)
DEPMOD_CONF=/run/depmod.d/xtcp-install-selftest.conf
export HOME=/root

# a kernel without overlayfs (the debug kernel): nothing to test here
modprobe -q overlay 2>/dev/null
if ! grep -qw overlay /proc/filesystems; then
	tap_plan 1
	tap_skip "install: make install in the guest" "no overlayfs in this kernel"
	tap_done
fi

tap_plan 20

[ "$(id -u)" = 0 ] || fail "must run as root (in a vm-run guest)"
[ "$(uname -r)" = "$KVER" ] || fail "running kernel $(uname -r), not $KVER"
[ -f "$BUILD_KO" ] || fail "$BUILD_KO missing: run make KVER=$KVER"
[ -f "$REPO/tools/build/xtcp_demo" ] && [ -f "$REPO/tools/xtcpize/build/libxtcpize.so" ] ||
	fail "tools not built: run make tools"
for c in python3 tshark dumpcap ethtool modprobe depmod lsmod make objcopy; do
	need_cmd "$c" || fail "$c not installed"
done

# ------------------------------------------------------------- helpers
cat >"$XCONN" <<'EOF'
# xconn.py: AF_XTCP sockets from a program that never loads a module itself
#   probe                        socket(AF_XTCP): print "ok" or the errno name
#   serve ADDR PORT READYFILE    accept one connection, read to EOF, answer
#                                "<bytes> <sha256>", close
#   connect ADDR PORT NBYTES     send NBYTES, half-close, check the answer
import errno, hashlib, os, socket, sys
AF_XTCP = 23


def xtcp_socket():
    # Python parses (addr, port) only for families it knows: re-wrap the
    # descriptor, whose SO_DOMAIN reads AF_INET (an XTCP sock is IPv4)
    s = socket.socket(AF_XTCP, socket.SOCK_STREAM, 0)
    return socket.socket(fileno=s.detach())


cmd = sys.argv[1]
if cmd == "probe":
    try:
        socket.socket(AF_XTCP, socket.SOCK_STREAM, 0).close()
        print("ok")
    except OSError as e:
        print(errno.errorcode.get(e.errno, str(e.errno)))
elif cmd == "serve":
    ls = xtcp_socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((sys.argv[2], int(sys.argv[3])))
    ls.listen(1)
    with open(sys.argv[4], "w") as f:
        f.write("listening\n")
    c, _ = ls.accept()
    ls.close()
    h, n = hashlib.sha256(), 0
    while True:
        b = c.recv(65536)
        if not b:
            break
        h.update(b)
        n += len(b)
    c.sendall(("%d %s\n" % (n, h.hexdigest())).encode())
    c.close()
elif cmd == "connect":
    n = int(sys.argv[4])
    data = hashlib.sha256(b"xtcp").digest() * (n // 32 + 1)
    data = data[:n]
    s = xtcp_socket()
    s.settimeout(60)
    s.connect((sys.argv[2], int(sys.argv[3])))
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        got += b
    s.close()
    want = "%d %s\n" % (n, hashlib.sha256(data).hexdigest())
    print("answer: " + got.decode().strip())
    sys.exit(0 if got.decode() == want else 1)
EOF

probe() { python3 "$XCONN" probe 2>&1; }
loaded() { [ -d /sys/module/xtcp ]; }

# rmmod_retry: unload xtcp (sockets of an earlier test may still be closing)
rmmod_retry() {
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		loaded || return 0
		modprobe -r xtcp 2>/dev/null || rmmod xtcp 2>/dev/null
		loaded || return 0
		tsleep 1
	done
	return 1
}

OVBASE=
MOUNTED=()
mount_overlays() {
	local d i=0
	OVBASE=$(mktemp -d /run/xtcp-install.XXXXXX) || return 1
	mount -t tmpfs -o mode=755 xtcp-install "$OVBASE" || return 1
	for d in "${OVERLAYS[@]}"; do
		i=$((i + 1))
		mkdir -p "$OVBASE/$i/up" "$OVBASE/$i/work" || return 1
		[ -d "$d" ] || { echo "# $d does not exist"; return 1; }
		mount -t overlay "xtcp-install-$i" \
			-o "lowerdir=$d,upperdir=$OVBASE/$i/up,workdir=$OVBASE/$i/work" "$d" ||
			return 1
		MOUNTED+=("$d")
	done
}

umount_overlays() {
	local i rc=0
	for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
		umount "${MOUNTED[i]}" || umount -l "${MOUNTED[i]}" || rc=1
	done
	MOUNTED=()
	if [ -n "$OVBASE" ]; then
		umount "$OVBASE" 2>/dev/null
		rmdir "$OVBASE" 2>/dev/null
		OVBASE=
	fi
	return $rc
}

# restore: what guest-check expects after this test (see the header)
WAS_LOADED=0
RESTORED=0
restore() {
	[ "$RESTORED" = 1 ] && return 0
	RESTORED=1
	rmmod_retry
	umount_overlays
	rm -f "$DEPMOD_CONF"
	rmdir /run/depmod.d 2>/dev/null
	if [ "$WAS_LOADED" = 1 ] && ! loaded; then
		insmod "$BUILD_KO"
	fi
}
# our cleanup first (servers, captures, mounts, module), then lib.sh's
cleanup_all() {
	local p
	for p in "${_LIB_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${_LIB_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	restore
	_lib_cleanup
}
trap cleanup_all EXIT

# capture_start PROTO FILE: dumpcap in B on vb; sets cap_pid
capture_start() {
	ip netns exec "$NSB" dumpcap -q -i vb -f "ip proto $1" -w "$2" 2>"$2.err" &
	cap_pid=$!
	bg_track "$cap_pid"
	wait_for_file "$2.err" 60 "Capturing on" || fail "capture did not start: $(<"$2.err")"
}

capture_stop() {
	tsleep 0.5
	kill -INT "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
}

# connection TAG: one serve/connect pair A <- B; diag lines; 0 if the
# digest came back right
connection() {
	local ready=$TMPD/ready-$1 out rc spid
	rm -f "$ready"
	ip netns exec "$NSA" python3 "$XCONN" serve 10.0.0.1 "$PORT" "$ready" \
		>"$TMPD/serve-$1.log" 2>&1 &
	spid=$!
	bg_track "$spid"
	if ! wait_for_file "$ready" 60 listening; then
		tap_diag "server did not start: $(<"$TMPD/serve-$1.log")"
		return 1
	fi
	out=$(ip netns exec "$NSB" python3 "$XCONN" connect 10.0.0.1 "$PORT" "$NBYTES" 2>&1)
	rc=$?
	tap_diag "$1: $out"
	[ "$rc" = 0 ] || kill "$spid" 2>/dev/null
	wait "$spid"
	[ -s "$TMPD/serve-$1.log" ] && tap_diag "server: $(<"$TMPD/serve-$1.log")"
	return $rc
}

# decoded CAP [tshark options...]: "sport dport flags len csum seq" per frame
# tshark decoded as TCP (its display filter "tcp"), seq relative
decoded() {
	local cap=$1
	shift
	tshark -r "$cap" "$@" -Y tcp -o tcp.check_checksum:TRUE \
		-o tcp.relative_sequence_numbers:TRUE -T fields -e tcp.srcport -e tcp.dstport \
		-e tcp.flags -e tcp.len -e tcp.checksum.status -e tcp.seq 2>/dev/null
}

# check_decoded DESC CAP: the capture of one connection() reads as TCP:
# SYN and SYN-ACK, NBYTES of sequence space carrying payload towards the
# server (a retransmission, which a busy host can cause, is counted once),
# a FIN each way, every checksum good
check_decoded() {
	local desc=$1 cap=$2 sp dp fl len cs seq syn=0 synack=0 fin_c=0 fin_s=0 sent=0 top=1 bad=0 n=0
	local bytes
	while read -r sp dp fl len cs seq; do
		n=$((n + 1))
		fl=$((fl))
		[ "$cs" = 1 ] || bad=$((bad + 1))
		if [ "$dp" = "$PORT" ]; then
			sent=$((sent + len))
			((len > 0 && seq + len > top)) && top=$((seq + len))
			(( (fl & 0x12) == 0x02 )) && syn=$((syn + 1))
			((fl & 1)) && fin_c=1
		elif [ "$sp" = "$PORT" ]; then
			(( (fl & 0x12) == 0x12 )) && synack=$((synack + 1))
			((fl & 1)) && fin_s=1
		fi
	done < <(decoded "$cap")
	bytes=$((top - 1))
	tap_diag "$desc: $n TCP frames, SYN $syn, SYN-ACK $synack, $bytes payload bytes to the server ($sent with retransmissions), FIN c/s $fin_c/$fin_s, $bad bad checksums"
	if [ "$syn" -ge 1 ] && [ "$synack" -ge 1 ] && [ "$bytes" = "$NBYTES" ] &&
	   [ "$fin_c" = 1 ] && [ "$fin_s" = 1 ] && [ "$bad" = 0 ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc"
	fi
}

# ns_setup: sysctls once the module is loaded (they are per load)
ns_sysctls() {
	local ns
	for ns in "$NSA" "$NSB"; do
		ip netns exec "$ns" sysctl -qw net.xtcp.tw_timeout=1 ||
			tap_diag "cannot set net.xtcp.tw_timeout in $ns"
	done
}

# wait_no_sockets: the connection has left both namespaces (A's LAST_ACK,
# B's TIME_WAIT with tw_timeout 1 s), so nothing holds the module
wait_no_sockets() {
	local i rows
	for ((i = 0; i < 60; i++)); do
		rows=$(ip netns exec "$NSA" tail -n +2 /proc/net/xtcp 2>/dev/null
			ip netns exec "$NSB" tail -n +2 /proc/net/xtcp 2>/dev/null)
		[ -z "$rows" ] && return 0
		tsleep 0.3
	done
	tap_diag "still listed: $rows"
	return 1
}

# ------------------------------------------------------------ 1-3: setup
if loaded; then
	WAS_LOADED=1
	if rmmod_retry; then
		tap_ok "install: guest-check's xtcp.ko unloaded for the test (put back at the end)"
	else
		fail "cannot unload xtcp before the test: $(lsmod | grep '^xtcp ')"
	fi
else
	tap_ok "install: xtcp not loaded at the start (left unloaded at the end)"
fi

out=$(probe)
tap_check "install: before install, socket(AF_XTCP) fails with EAFNOSUPPORT (got $out)" \
	test "$out" = EAFNOSUPPORT
loaded && fail "xtcp got loaded although it is not installed"

ns_create "$NSA" "$NSB"
veth_create "$NSA" va "$NSB" vb
ns_batch "$NSA" <<-END
	addr add 10.0.0.1/24 dev va
	link set va up
END
ns_batch "$NSB" <<-END
	addr add 10.0.0.2/24 dev vb
	link set vb up
END
ip netns exec "$NSA" ethtool -K va tx off >/dev/null || fail "ethtool in $NSA"
ip netns exec "$NSB" ethtool -K vb tx off >/dev/null || fail "ethtool in $NSB"

if mount_overlays; then
	tap_ok "install: writable overlays on ${OVERLAYS[*]}"
else
	fail "overlay mounts failed (mounted: ${MOUNTED[*]})"
fi

# ------------------------------------------------------- 4-7: make install
if [ "${XTCP_INSTALL_FULL_DEPMOD:-0}" != 1 ]; then
	mkdir -p /run/depmod.d && echo "exclude kernel" >"$DEPMOD_CONF" ||
		fail "cannot write $DEPMOD_CONF"
	tap_diag "depmod skips $MODDIR/kernel/ during the test ($DEPMOD_CONF)"
fi
start=$SECONDS
if make -s -C "$REPO" install >"$TMPD/install.log" 2>&1; then
	tap_ok "install: make install (no DESTDIR, KVER=$(uname -r)) in $((SECONDS - start))s"
else
	sed 's/^/# /' "$TMPD/install.log"
	fail "make install failed"
fi
sed 's/^/# /' "$TMPD/install.log"
missing=
for f in "$MODDIR/updates/xtcp.ko" /usr/include/linux/xtcp.h /usr/local/bin/xtcpize \
	/usr/local/lib/xtcp/libxtcpize.so /usr/local/bin/xtcp_demo /usr/local/bin/xtcp_rawsyn.py \
	/usr/local/share/man/man7/xtcp.7 /usr/local/share/xtcp/xtcp-modprobe.conf \
	/usr/local/share/xtcp/manifest "$LUA"; do
	[ -f "$f" ] || missing+=" $f"
done
tap_check "install: every file in place${missing:+ (missing:$missing)}" test -z "$missing"
path=$(modinfo -n xtcp 2>&1)
tap_check "install: depmod indexed it: modinfo -n xtcp = $path, net-pf-23 alias" \
	eval 'test "$path" = "$MODDIR/updates/xtcp.ko" && grep -qx "alias net-pf-23 xtcp" "$MODDIR/modules.alias"'
path=$(man -w 7 xtcp 2>/dev/null)
tap_check "install: man -w 7 xtcp finds $path (the installed page)" \
	test -n "$path" -a "$(readlink -f "$path")" = /usr/local/share/man/man7/xtcp.7

# --------------------------------------------------- 8-13: autoload, use it
loaded && fail "xtcp loaded by make install"
out=$(probe)
tap_check "install: socket(AF_XTCP) from python3 (no insmod) works: $out" test "$out" = ok
lsm=$(lsmod | grep '^xtcp ')
tap_diag "lsmod: $lsm"
objcopy -O binary -j .note.gnu.build-id "$MODDIR/updates/xtcp.ko" "$TMPD/build-id" 2>/dev/null
tap_check "install: lsmod shows xtcp, with the installed file's GNU build-id" \
	eval 'test -n "$lsm" -a -s "$TMPD/build-id" && cmp -s "$TMPD/build-id" /sys/module/xtcp/notes/.note.gnu.build-id'
ns_sysctls
CAP=$TMPD/c253.pcapng
capture_start 253 "$CAP"
if connection p253; then
	tap_ok "install: $NBYTES bytes over a connection A <- B across the veth, digest echoed"
else
	tap_fail "install: $NBYTES bytes over a connection A <- B across the veth, digest echoed"
fi
capture_stop
check_decoded "install: tshark -r (no -d, installed plugin) decodes the capture as TCP" "$CAP"
n=$(HOME=$TMPD/nohome decoded "$CAP" | wc -l)
tap_check "install: without the plugin (empty HOME) tshark decodes no TCP ($n frames)" test "$n" = 0
wait_no_sockets
if modprobe -r xtcp 2>"$TMPD/modprobe.err" && ! loaded; then
	tap_ok "install: modprobe -r xtcp after close"
else
	tap_fail "install: modprobe -r xtcp after close" "$(<"$TMPD/modprobe.err")"
	rmmod_retry
fi

# --------------------------------------------- 14-16: modprobe.d options
cp /usr/local/share/xtcp/xtcp-modprobe.conf /etc/modprobe.d/xtcp.conf ||
	fail "cannot enable /etc/modprobe.d/xtcp.conf"
out=$(probe)
proto=$(cat /sys/module/xtcp/parameters/ipproto 2>/dev/null)
tap_check "install: with /etc/modprobe.d/xtcp.conf, autoload ($out) takes ipproto=$proto" \
	test "$out" = ok -a "$proto" = 254
ns_sysctls
CAP=$TMPD/c254.pcapng
capture_start 254 "$CAP"
connection p254 || tap_diag "connection on protocol 254 failed"
capture_stop
check_decoded "install: the same on IP protocol 254, decoded as TCP without -d" "$CAP"
rm -f /etc/modprobe.d/xtcp.conf
wait_no_sockets
if modprobe -r xtcp 2>"$TMPD/modprobe.err" && ! loaded; then
	tap_ok "install: modprobe -r xtcp (ipproto=254)"
else
	tap_fail "install: modprobe -r xtcp (ipproto=254)" "$(<"$TMPD/modprobe.err")"
	rmmod_retry
fi

# ----------------------------------------------- 17-18: make uninstall
start=$SECONDS
if make -s -C "$REPO" uninstall >"$TMPD/uninstall.log" 2>&1; then
	left=
	for f in "$MODDIR/updates/xtcp.ko" /usr/include/linux/xtcp.h /usr/local/bin/xtcpize \
		/usr/local/lib/xtcp /usr/local/bin/xtcp_demo /usr/local/bin/xtcp_rawsyn.py \
		/usr/local/share/man/man7/xtcp.7 /usr/local/share/xtcp "$LUA"; do
		[ -e "$f" ] && left+=" $f"
	done
	grep -q 'net-pf-23' "$MODDIR/modules.alias" && left+=" (net-pf-23 alias)"
	tap_check "install: make uninstall removed it all in $((SECONDS - start))s${left:+ (left:$left)}" \
		test -z "$left"
else
	sed 's/^/# /' "$TMPD/uninstall.log"
	tap_fail "install: make uninstall"
fi
out=$(probe)
tap_check "install: after uninstall socket(AF_XTCP) fails with EAFNOSUPPORT again ($out)" \
	test "$out" = EAFNOSUPPORT

# -------------------------------------------------- 19-20: back as before
trap - EXIT
for p in "${_LIB_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
_LIB_PIDS=()
restore
tap_check "install: overlays unmounted, the host's directories as before" \
	eval '! grep -q "^xtcp-install" /proc/mounts'
if [ "$WAS_LOADED" = 1 ]; then
	tap_check "install: build/$KVER/xtcp.ko loaded again, as guest-check left it" loaded
else
	tap_check "install: xtcp left unloaded, as found" test ! -d /sys/module/xtcp
fi
trap _lib_cleanup EXIT

tap_done
