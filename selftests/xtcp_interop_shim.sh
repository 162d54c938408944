#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The xtcpize LD_PRELOAD shim (tools/xtcpize) on its own: which sockets it
# moves to XTCP, what getsockopt(SO_DOMAIN/SO_PROTOCOL) shows the program,
# that everything else is left alone, the fallback to Linux TCP when
# AF_XTCP is unavailable (simulated with a seccomp filter that fails
# socket(AF_XTCP, ...) with EAFNOSUPPORT), and the wrapper command.
# The probe program (helpers/io_shimprobe) compares what libc's getsockopt()
# returns (through the shim) with a raw getsockopt syscall.

source "$(dirname "$0")/lib.sh"

PROBE=$XTCP_TESTS_DIR/build/helpers/io_shimprobe
XTCPIZE=$(cd "$XTCP_TESTS_DIR/../tools/xtcpize" && pwd)/xtcpize
LIB=$(dirname "$XTCPIZE")/build/libxtcpize.so

tap_plan 14

[ -x "$PROBE" ] || fail "$PROBE missing: run make -C selftests"
[ -r "$LIB" ] || fail "$LIB missing: run make -C tools"
[ -r /proc/net/xtcp_stat ] || fail "/proc/net/xtcp_stat missing: is xtcp.ko loaded?"

# line FILE KEY: the line of FILE starting with KEY
line() {
	local l
	while read -r l; do
		[ "${l%% *}" = "$2" ] && { echo "$l"; return; }
	done <"$1"
}

# ------------------------------------------------------------- wrapper
"$XTCPIZE" >/dev/null 2>"$TMPD/w1"
rc=$?
if [ $rc = 2 ] && grep -q "xtcpize run PROG" "$TMPD/w1"; then
	tap_ok "xtcpize without arguments: usage on stderr, exit 2"
else
	tap_fail "xtcpize without arguments: usage on stderr, exit 2" "rc $rc"
fi
"$XTCPIZE" run /nonexistent/prog >/dev/null 2>"$TMPD/w2"
rc=$?
if [ $rc = 127 ] && grep -q "command not found" "$TMPD/w2"; then
	tap_ok "xtcpize run of a missing program: exit 127 with a message"
else
	tap_fail "xtcpize run of a missing program: exit 127 with a message" "rc $rc $(<"$TMPD/w2")"
fi
LD_PRELOAD=/lib/x86_64-linux-gnu/libc.so.6 "$XTCPIZE" run bash -c 'echo "$LD_PRELOAD"' >"$TMPD/w3" 2>&1
tap_check "xtcpize run: absolute library path first, an existing LD_PRELOAD kept" \
	test "$(<"$TMPD/w3")" = "$LIB /lib/x86_64-linux-gnu/libc.so.6"

# ---------------------------------------------------------------- probe
"$PROBE" probe >"$TMPD/plain" 2>&1
XTCPIZE_DEBUG=2 "$XTCPIZE" run "$PROBE" probe >"$TMPD/shim" 2>"$TMPD/shim.err"
tap_diag "without shim: $(line "$TMPD/plain" inet_stream)"
while read -r l; do tap_diag "with shim: $l"; done <"$TMPD/shim"

tap_check "without the shim socket(AF_INET, SOCK_STREAM, 0) is Linux TCP" \
	test "$(line "$TMPD/plain" inet_stream)" = \
	"inet_stream real_domain=2 real_proto=6 shim_domain=2 shim_proto=6"
tap_check "shim: socket(AF_INET, SOCK_STREAM, 0) is XTCP (kernel: proto 253); program sees AF_INET/IPPROTO_TCP" \
	test "$(line "$TMPD/shim" inet_stream)" = \
	"inet_stream real_domain=2 real_proto=253 shim_domain=2 shim_proto=6"
tap_check "shim: socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) is XTCP; program sees AF_INET/IPPROTO_TCP" \
	test "$(line "$TMPD/shim" inet_stream_tcp)" = \
	"inet_stream_tcp real_domain=2 real_proto=253 shim_domain=2 shim_proto=6"
tap_check "shim: SOCK_NONBLOCK|SOCK_CLOEXEC kept on the XTCP socket" \
	test "$(line "$TMPD/shim" inet_stream_flags)" = \
	"inet_stream_flags real_proto=253 nonblock=1 cloexec=1"
tap_check "shim: socket(AF_INET6, SOCK_STREAM, 0) is XTCP (kernel: AF_INET until bound, proto 253); program sees AF_INET6/IPPROTO_TCP" \
	test "$(line "$TMPD/shim" inet6_stream)" = \
	"inet6_stream real_domain=2 real_proto=253 shim_domain=10 shim_proto=6"
tap_check "shim: UDP, UNIX, socketpair untouched" \
	test "$(line "$TMPD/shim" inet_dgram)" = \
	"inet_dgram real_domain=2 real_proto=17 shim_domain=2 shim_proto=17" -a \
	"$(line "$TMPD/shim" unix_stream)" = \
	"unix_stream real_domain=1 real_proto=0 shim_domain=1 shim_proto=0" -a \
	"$(line "$TMPD/shim" socketpair)" = \
	"socketpair real_domain=1 real_proto=0 shim_domain=1 shim_proto=0"
tap_check "shim: loopback listen/connect/accept4 over XTCP, data echoed, accepted fd reported as TCP" \
	test "$(line "$TMPD/shim" loopback)" = \
	"loopback peer_family=2 echo=hello accepted_real_proto=253 accepted_shim_proto=6 accepted_shim_domain=2 listener_real_proto=253"
n=$(grep -c -- "-> AF_XTCP fd" "$TMPD/shim.err")
tap_check "shim: XTCPIZE_DEBUG=2 logs each converted socket (6 expected, got $n)" test "$n" = 6

# ------------------------------------------------------------- fallback
# The fallback is simulated with a seccomp filter: a kernel built without
# CONFIG_SECCOMP_FILTER (the small debug kernel) cannot run these.
if grep -q '^Seccomp_filters:' /proc/self/status; then
	XTCPIZE_DEBUG=1 "$XTCPIZE" run "$PROBE" fallback >"$TMPD/fb" 2>"$TMPD/fb.err"
	tap_diag "fallback: $(<"$TMPD/fb") / stderr: $(<"$TMPD/fb.err")"
	tap_check "fallback: AF_XTCP unavailable -> Linux TCP sockets, one warning on stderr with XTCPIZE_DEBUG=1" \
		test "$(<"$TMPD/fb")" = "fallback direct_af_xtcp=97 real_proto0=6 real_proto1=6 real_proto2=6" \
		-a "$(grep -c "falling back to Linux TCP" "$TMPD/fb.err")" = 1 \
		-a "$(wc -l <"$TMPD/fb.err")" = 1
	"$XTCPIZE" run "$PROBE" fallback >"$TMPD/fb2" 2>"$TMPD/fb2.err"
	tap_check "fallback without XTCPIZE_DEBUG: Linux TCP, nothing on stderr" \
		test "$(<"$TMPD/fb2")" = "fallback direct_af_xtcp=97 real_proto0=6 real_proto1=6 real_proto2=6" \
		-a ! -s "$TMPD/fb2.err"
	XTCPIZE_STRICT=1 "$XTCPIZE" run "$PROBE" fallback >"$TMPD/fb3" 2>&1
	tap_check "XTCPIZE_STRICT=1: no fallback, socket() fails with EAFNOSUPPORT" \
		test "$(<"$TMPD/fb3")" = "fallback direct_af_xtcp=97 real_proto0=-97 real_proto1=-97 real_proto2=-97"
else
	for t in "fallback: AF_XTCP unavailable -> Linux TCP sockets" \
		 "fallback without XTCPIZE_DEBUG" "XTCPIZE_STRICT=1: no fallback"; do
		tap_skip "$t" "no seccomp filters in this kernel"
	done
fi

tap_done
