#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-check.sh - load xtcp.ko and run the XTCP selftests; runs INSIDE a
# scripts/vm-run.sh guest (it insmods into the running kernel).
#
# Usage (normally via scripts/check.sh / `make check`):
#   scripts/vm-run.sh --kernel KVER -- scripts/guest-check.sh KVER
#
# Steps: modprobe the modules xtcp.ko depends on (inet_diag), insmod
# build/KVER/xtcp.ko; run, in sorted order, every executable
# selftests/build/xtcp_* and every selftests/xtcp_*.sh with cwd selftests/,
# each under `timeout`, with XTCP_REPO=<repo> XTCP_KVER=KVER in the
# environment; rmmod xtcp; scan the kernel log written since the insmod for
# warnings, oopses, leaks, lockdep/KASAN/UBSAN/ODEBUG/KFENCE reports and
# similar (DMESG_BAD below, also used by scripts/check.sh on the console log).
# On a kernel with kmemleak (/sys/kernel/debug/kmemleak, the debug kernel of
# scripts/debug-kernel.sh): leaks already reported before the insmod are
# cleared, and after the rmmod memory is scanned twice and any "unreferenced
# object" fails "kmemleak clean".
#
# Environment:
#   XTCP_TESTS          space-separated basenames to run only those
#                       (e.g. "xtcp_socket xtcp_rst.sh"; ".sh" may be omitted)
#   XTCP_TEST_TIMEOUT   per-program limit in seconds (default 600)
#
# Output is TAP: each program's own output passes through after a
# "# === name ===" line; this script adds "ok - KVER insmod", "ok - KVER
# rmmod", "ok - KVER dmesg clean" and a "not ok - KVER name ..." line for a
# program that failed (exit status other than 0 and 4 = kselftest skip) or
# timed out without printing a "not ok" line itself. A program that prints
# no result line at all gets one ("ok", "ok ... # SKIP" for status 4).
# Exit status: 0 if everything passed, 1 otherwise, 2 on usage errors.
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 KVER   (run inside the guest via scripts/vm-run.sh)" >&2
	exit 2
fi
KVER=$1
TEST_TIMEOUT=${XTCP_TEST_TIMEOUT:-600}
[[ $TEST_TIMEOUT =~ ^[1-9][0-9]*$ ]] || { echo "guest-check: bad XTCP_TEST_TIMEOUT '$TEST_TIMEOUT'" >&2; exit 2; }

if [ "$(uname -r)" != "$KVER" ]; then
	echo "guest-check: running kernel is $(uname -r), not $KVER" >&2
	exit 2
fi

# Kernel-log patterns that make "dmesg clean" fail.
DMESG_BAD='WARNING:|BUG:|Oops|general protection|refcount_t|leak|underflow|use-after-free|KASAN|UBSAN|list_add corruption|list_del corruption|scheduling while atomic|sleeping function called|lockdep|possible recursive locking|circular locking|inconsistent lock state|lock inversion|suspicious RCU|stack-protector|Call Trace|ODEBUG|unreferenced object|KFENCE|ref_tracker|refcount'

failed=0
tmp=$(mktemp -d /tmp/guest-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - $KVER $*"; }
notok() { echo "not ok - $KVER $*"; failed=1; }
kmsg() { echo "xtcp-check: $*" >/dev/kmsg 2>/dev/null || true; }

# ------------------------------------------------------------- test list
# "basename<TAB>path relative to selftests/", sorted by basename.
list_tests() {
	local f
	for f in "$REPO"/selftests/build/xtcp_*; do
		if [ -f "$f" ] && [ -x "$f" ]; then
			printf '%s\tbuild/%s\n' "${f##*/}" "${f##*/}"
		fi
	done
	for f in "$REPO"/selftests/xtcp_*.sh; do
		if [ -f "$f" ]; then
			printf '%s\t%s\n' "${f##*/}" "${f##*/}"
		fi
	done
}
tests=()
while IFS= read -r t; do
	tests+=("$t")
done < <(list_tests | LC_ALL=C sort | cut -f2)

if [ -n "${XTCP_TESTS:-}" ]; then
	selected=()
	for want in $XTCP_TESTS; do
		found=0
		for t in "${tests[@]+"${tests[@]}"}"; do
			b=${t##*/}
			if [ "$b" = "$want" ] || [ "$b" = "$want.sh" ]; then
				selected+=("$t")
				found=1
			fi
		done
		[ $found = 1 ] || notok "$want: no such test (XTCP_TESTS)"
	done
	tests=("${selected[@]+"${selected[@]}"}")
fi

echo "# guest-check $KVER: ${#tests[@]} test program(s), timeout ${TEST_TIMEOUT}s each"

# ---------------------------------------------------------------- kmemleak
KMEMLEAK=/sys/kernel/debug/kmemleak
kmemleak_scan() {
	echo scan >"$KMEMLEAK" 2>/dev/null || return 1
	sleep 2
	echo scan >"$KMEMLEAK" 2>/dev/null || return 1
}
if [ -w "$KMEMLEAK" ]; then
	# Forget what the boot leaked (not ours): only new leaks count below.
	kmemleak_scan && echo clear >"$KMEMLEAK" 2>/dev/null ||
		echo "# kmemleak: cannot scan/clear $KMEMLEAK"
fi

# ----------------------------------------------------------------- insmod
marker="begin $KVER $$-$RANDOM"
kmsg "$marker"
module=$REPO/build/$KVER/xtcp.ko
loaded=0
if [ ! -f "$module" ]; then
	notok "insmod"
	echo "# $module not found (build it with make)"
elif out=$(for dep in $(modinfo -F depends "$module" | tr , ' '); do
		modprobe "$dep" || exit 1
	done 2>&1 && insmod "$module" 2>&1); then
	loaded=1
	ok "insmod"
	dmesg | sed -n "/xtcp-check: $marker/,\$p" | grep -v 'xtcp-check:' | sed 's/^/# dmesg: /'
else
	notok "insmod"
	echo "$out" | sed 's/^/# /'
	dmesg | sed -n "/xtcp-check: $marker/,\$p" | grep -v 'xtcp-check:' | tail -n 20 | sed 's/^/# dmesg: /'
fi

# ------------------------------------------------------------------ tests
for t in "${tests[@]+"${tests[@]}"}"; do
	name=${t##*/}
	if [ $loaded = 0 ]; then
		notok "$name not run: xtcp.ko not loaded"
		continue
	fi
	echo "# === $name ==="
	kmsg "run $name"
	if [ -x "$REPO/selftests/$t" ]; then
		run=("./$t")
	else
		run=(bash "./$t")
	fi
	log=$tmp/$name.log
	start=$SECONDS
	(
		cd "$REPO/selftests" &&
		XTCP_REPO=$REPO XTCP_KVER=$KVER exec timeout -k 10 "$TEST_TIMEOUT" "${run[@]}" </dev/null 2>&1
	) | tee "$log"
	rc=${PIPESTATUS[0]}
	echo "# --- $name: exit $rc, $((SECONDS - start))s"
	kmsg "end $name rc=$rc"
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		notok "$name timed out after ${TEST_TIMEOUT}s"
	elif grep -q '^not ok ' "$log"; then
		failed=1
	elif [ "$rc" != 0 ] && [ "$rc" != 4 ]; then
		notok "$name exited with status $rc"
	elif ! grep -qE '^(ok|not ok) ' "$log"; then
		if [ "$rc" = 4 ]; then
			ok "$name # SKIP exited with status 4"
		else
			ok "$name (no TAP result lines)"
		fi
	fi
done

# ------------------------------------------------------------------ rmmod
if [ $loaded = 1 ]; then
	kmsg "rmmod"
	rm_ok=0
	for attempt in 1 2 3 4 5; do
		if out=$(rmmod xtcp 2>&1); then
			rm_ok=1
			break
		fi
		sleep 1
	done
	if [ $rm_ok = 1 ]; then
		ok "rmmod"
		[ "$attempt" = 1 ] || echo "# rmmod needed $attempt attempts"
	else
		notok "rmmod"
		echo "$out" | sed 's/^/# /'
		lsmod | grep -E '^xtcp ' | sed 's/^/# lsmod: /'
	fi
else
	ok "rmmod # SKIP module not loaded"
fi

# --------------------------------------------------------------- kmemleak
if [ -w "$KMEMLEAK" ]; then
	if kmemleak_scan; then
		cat "$KMEMLEAK" >"$tmp/kmemleak" 2>&1
		if grep -q 'unreferenced object' "$tmp/kmemleak"; then
			notok "kmemleak clean ($(grep -c 'unreferenced object' "$tmp/kmemleak") unreferenced objects)"
			head -n 120 "$tmp/kmemleak" | sed 's/^/# kmemleak: /'
		else
			ok "kmemleak clean"
		fi
	else
		notok "kmemleak clean (scan of $KMEMLEAK failed)"
	fi
fi

# ------------------------------------------------------------------ dmesg
dmesg | sed -n "/xtcp-check: $marker/,\$p" | grep -v 'xtcp-check:' >"$tmp/dmesg"
if grep -qE "$DMESG_BAD" "$tmp/dmesg"; then
	notok "dmesg clean"
	# Show each offending line with the test that was running.
	dmesg | sed -n "/xtcp-check: $marker/,\$p" | awk -v pat="$DMESG_BAD" '
		/xtcp-check: run / { cur = $NF; next }
		/xtcp-check: rmmod/ { cur = "rmmod"; next }
		/xtcp-check:/ { next }
		$0 ~ pat { n++; if (n <= 60) printf "# [%s] %s\n", (cur == "" ? "insmod" : cur), $0 }
		END { if (n > 60) printf "# ... %d more matching lines (see dmesg.txt)\n", n - 60 }'
else
	ok "dmesg clean"
fi

exit $failed
