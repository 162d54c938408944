#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Small TAP library for the XTCP shell selftests. Source it, then:
#   tap_plan N                    print "TAP version 13" and "1..N"
#   tap_ok DESC | tap_fail DESC [why] | tap_skip DESC REASON
#   tap_check DESC CMD...         ok if CMD succeeds, else not ok
#   tap_diag MSG...               "# MSG" comment line
#   fail MSG                      abort the whole script: the remaining planned
#                                 tests are reported "not ok", then "Bail out!"
#                                 and exit 1 (call it from the main shell)
#   tap_done                      exit 0 if all planned tests ran and passed
#   ns_create NS...               make network namespaces (names "$NS_PREFIX-x")
#   ns_batch NS <<EOF             run ip commands inside NS (ip -n NS -batch -)
#   veth_create NSA IFA NSB IFB   veth pair between two namespaces
#   bg_track PID                  kill PID on exit
#   tsleep SECS                   sleep without starting a process
#   wait_for_file FILE SECS PAT   wait until FILE contains PAT
#   topo_ab NSA NSB [6]           the C tests' topology (xtcp_lib.h), made here:
#                                   NSA "client" va 10.0.0.1/24 ($IP_A)
#                                     <--- veth --->
#                                   vb 10.0.0.2/24 ($IP_B) NSB "server"
#                                 (6: fd00::1/64 and fd00::2/64 as well)
#   nginx_start NS LISTEN [WRAP]  nginx in NS on LISTEN serving $TMPD/www
#   show FILE                     FILE as TAP comments
#   ds/dsx/val                    the diag_socks helper's commands (coproc DS)
#   cap_start NS DEV FILE [ARG...]  capture DEV of NS into FILE (dumpcap, else
#                                 tshark; ARG: -f FILTER, -B MIB...) until
#                                 cap_stop; $CAP_PID lives in NS
#   kv FILE KEY                   the value of KEY=... in a helper's result line
#   xstat FILE NAME [DEFAULT]     a counter of a copy of /proc/net/xtcp_stat (or
#                                 /proc/PID/net/xtcp_stat); DEFAULT (else
#                                 "missing") when absent
#   to_ms SECONDS                 "1.2345" -> 1234 (milliseconds, builtins only)
#   pkts_load FILE                the lines of FILE (tshark -T fields output) into
#                                 the array PKTS, each also logged as "# pkt: ..."
#   $TMPD                         scratch directory, removed on exit
# Everything made through these helpers is removed by an EXIT trap.
#
# Under QEMU/TCG with a 9p root every exec costs ~0.5-1 s, so the helpers
# use bash builtins and batch ip commands; tests should do the same (read
# another namespace's /proc/net files via /proc/PID/net of a process in it).

XTCP_TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NS_PREFIX="xtcp$$"
TAP_N=0
TAP_PLANNED=0
TAP_FAILED=0
_LIB_NS=()
_LIB_PIDS=()
TMPD=$(mktemp -d /tmp/xtcp-selftest.XXXXXX) || { echo "Bail out! mktemp"; exit 1; }

tap_plan() {
	TAP_PLANNED=$1
	echo "TAP version 13"
	echo "1..$1"
}

tap_ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N $1"
}

tap_fail() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	[ -n "${2:-}" ] && echo "# $1: $2"
	echo "not ok $TAP_N $1"
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N $1 # SKIP $2"
}

# tap_check DESC CMD... : one test case from a command's exit status
tap_check() {
	local desc=$1
	shift
	if "$@"; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "failed: $*"
	fi
}

tap_diag() {
	echo "# $*"
}

fail() {
	echo "# FATAL: $*"
	while [ "$TAP_N" -lt "$TAP_PLANNED" ]; do
		tap_fail "not run (aborted)"
	done
	echo "Bail out! $*"
	exit 1
}

tap_done() {
	if [ "$TAP_N" -ne "$TAP_PLANNED" ]; then
		echo "# planned $TAP_PLANNED tests, ran $TAP_N"
		exit 1
	fi
	echo "# $((TAP_N - TAP_FAILED))/$TAP_N passed"
	[ "$TAP_FAILED" -eq 0 ] && exit 0
	exit 1
}

ns_create() {
	local ns cmds=""

	for ns in "$@"; do
		cmds+="netns add $ns"$'\n'
		_LIB_NS+=("$ns")
	done
	ip -batch - <<<"$cmds" || fail "ip netns add $*"
}

ns_batch() {
	ip -n "$1" -batch - || fail "ip commands in $1 failed"
}

veth_create() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" ||
		fail "veth $1/$2 <-> $3/$4"
}

bg_track() {
	_LIB_PIDS+=("$1")
}

exec {_LIB_SLEEP_FD}<> <(:)
tsleep() {
	read -r -t "$1" -u "$_LIB_SLEEP_FD" _
	return 0
}

# wait_for_file FILE [SECS [PATTERN]]: poll (builtins only) until FILE
# contains PATTERN (a bash glob fragment; default: anything)
wait_for_file() {
	local file=$1 secs=${2:-20} pat=${3:-} i c

	for ((i = 0; i < secs * 10; i++)); do
		if [ -s "$file" ]; then
			c=$(<"$file")
			[[ "$c" == *"$pat"* ]] && return 0
		fi
		tsleep 0.1
	done
	return 1
}

IP_A=10.0.0.1
IP_B=10.0.0.2
IP6_A=fd00::1
IP6_B=fd00::2

# topo_ab NSA NSB [6]: namespaces NSA and NSB joined by veth va (IP_A/24,
# in NSA) - vb (IP_B/24, in NSB), lo up; with 6 also IP6_A/64 on va and
# IP6_B/64 on vb, without duplicate address detection
topo_ab() {
	local v6a="" v6b=""

	if [ "${3:-}" = 6 ]; then
		v6a="addr add $IP6_A/64 dev va nodad"
		v6b="addr add $IP6_B/64 dev vb nodad"
	fi
	ns_create "$1" "$2"
	veth_create "$1" va "$2" vb
	ns_batch "$1" <<-END
		link set lo up
		addr add $IP_A/24 dev va
		$v6a
		link set va up
	END
	ns_batch "$2" <<-END
		link set lo up
		addr add $IP_B/24 dev vb
		$v6b
		link set vb up
	END
}

# nginx_start NS LISTEN [WRAP...]: nginx in namespace NS (under the command
# WRAP..., e.g. the xtcpize shim) serving $TMPD/www on the nginx "listen"
# directive LISTEN, sendfile and tcp_nopush on, files in $TMPD/ng; its pid
# in $NGPID once its worker started
nginx_start() {
	local ns=$1 listen=$2
	shift 2
	mkdir -p "$TMPD/www" "$TMPD/ng"
	cat >"$TMPD/ng/nginx.conf" <<-EOF
		daemon off;
		master_process on;
		worker_processes 1;
		user root;
		pid $TMPD/ng/nginx.pid;
		error_log $TMPD/ng/error.log info;
		events { worker_connections 64; }
		http {
			access_log $TMPD/ng/access.log;
			client_body_temp_path $TMPD/ng/body;
			proxy_temp_path $TMPD/ng/proxy;
			fastcgi_temp_path $TMPD/ng/fastcgi;
			uwsgi_temp_path $TMPD/ng/uwsgi;
			scgi_temp_path $TMPD/ng/scgi;
			sendfile on;
			tcp_nopush on;
			keepalive_timeout 5;
			default_type application/octet-stream;
			server {
				listen $listen;
				root $TMPD/www;
			}
		}
	EOF
	ip netns exec "$ns" "$@" nginx -p "$TMPD/ng" -c "$TMPD/ng/nginx.conf" \
		-e "$TMPD/ng/error.log" >"$TMPD/ng/stdout" 2>&1 &
	NGPID=$!
	bg_track $NGPID
	wait_for_file "$TMPD/ng/error.log" 60 "start worker process" ||
		fail "nginx did not start: $(<"$TMPD/ng/error.log") $(<"$TMPD/ng/stdout")"
}

# dumpcap is tshark's capture engine and starts much faster under TCG.
cap_start() {
	local ns=$1 dev=$2 file=$3 tool=dumpcap

	shift 3
	need_cmd dumpcap || tool=tshark
	ip netns exec "$ns" "$tool" -q -i "$dev" "$@" -w "$file" 2>"$TMPD/cap.err" &
	CAP_PID=$!
	bg_track "$CAP_PID"
	wait_for_file "$TMPD/cap.err" 60 "Capturing on" ||
		fail "capture did not start: $(<"$TMPD/cap.err")"
}

cap_stop() {
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
}

kv() {
	local line w

	line=$(<"$1")
	for w in $line; do
		[ "${w%%=*}" = "$2" ] && { echo "${w#*=}"; return; }
	done
}

xstat() {
	local n v

	while read -r n v; do
		[ "$n" = "$2" ] && { echo "$v"; return; }
	done <"$1"
	echo "${3:-missing}"
}

to_ms() {
	local s=${1%.*} f=${1#*.}000

	[ "$s" = "$1" ] && f=000
	echo $((10#$s * 1000 + 10#${f:0:3}))
}

pkts_load() {
	local l

	PKTS=()
	while IFS= read -r l; do
		PKTS+=("$l")
		echo "# pkt: $l"
	done <"$1"
}

_lib_cleanup() {
	local p cmds=""

	for p in "${_LIB_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${_LIB_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for p in "${_LIB_NS[@]}"; do
		cmds+="netns del $p"$'\n'
	done
	[ -n "$cmds" ] && ip -force -batch - <<<"$cmds" 2>/dev/null
	[ -n "$TMPD" ] && rm -rf "$TMPD"
}
trap _lib_cleanup EXIT
trap 'exit 1' INT TERM

# show FILE: a file as TAP comments
show() {
	local l
	while IFS= read -r l; do echo "#   $l"; done <"$1"
}

# The socket-holding helper (helpers/diag_socks, one command a line) of the
# sock_diag tests, started by the test as coprocess DS:
#   coproc DS { exec "$XTCP_TESTS_DIR/build/helpers/diag_socks" 2>&1; }
# ds CMD...: one helper command; its answer in $DSR; true if "ok ..."
ds() {
	DSR="(no answer)"
	echo "$*" >&"${DS[1]}" || return 1
	read -r -t 60 DSR <&"${DS[0]}" || return 1
	[[ $DSR == ok* ]]
}
# dsx CMD...: a setup step that must work
dsx() {
	ds "$@" || fail "helper: $* -> $DSR"
}
# val KEY: the KEY=value of the last answer
val() {
	local w
	for w in $DSR; do
		[[ $w == "$1="* ]] && { echo "${w#*=}"; return; }
	done
}

need_cmd() {
	command -v "$1" >/dev/null 2>&1
}
