#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - run the XTCP test suite in a QEMU guest for each kernel and
# summarise. Called by `make check` once module and selftests are built
# (XTCP_CHECK_BUILT=1); run by hand, it builds them first.
#
# Usage: scripts/check.sh [KVER...] [--debug=subset|all]
#   default: every kernel under /lib/modules with a built build/KVER/xtcp.ko
#   (the debug kernel, *-xtcp-debug, only with --debug)
#
# For each KVER: scripts/vm-run.sh --kernel KVER -- scripts/guest-check.sh KVER
# with its output streamed here and saved, with the guest's dmesg, kernel
# console and exit code, under build/check/KVER/ (output.log, dmesg.txt,
# console.log, exit_code).
#
# --debug=MODE adds, after the KVERs (alone: instead of them), a pass on the
# debug kernel (KASAN, lockdep, kmemleak, UBSAN...): scripts/debug-kernel.sh
# (builds it once, cached), xtcp.ko built against it (make KVER= KDIR=), then
# the guest as above with --image, more memory and longer limits. MODE
# "subset" runs the tests named in scripts/debug-subset.txt (the CI subset,
# `make check`), "all" every test (`make check-debug`); XTCP_TESTS, if set,
# wins over both. The debug pass also fails on a report in the guest's
# kernel console (guest-check.sh's DMESG_BAD patterns), which catches what
# happens outside the dmesg window guest-check.sh scans.
#
# Counting: every output line starting with "ok " or "not ok " is one test;
# one containing "# SKIP" counts as skipped. A VM that times out, never
# reports, or fails without a "not ok" line counts as one more failure.
# The last line printed is exactly "N passed, M failed" (", K skipped" added
# when K > 0). Exit status: 0 iff nothing failed.
#
# Environment:
#   XTCP_VM_TIMEOUT     per-kernel VM limit in seconds (default 2700: a stock
#                       kernel's run takes 1000-1250 s on an idle host and
#                       2043 s for 6.1 beside `stress -c 2`; a hung guest
#                       still ends inside CI's 90 minutes)
#   XTCP_TESTS, XTCP_TEST_TIMEOUT   passed to scripts/guest-check.sh
#   XTCP_DEBUG_VM_TIMEOUT  debug pass VM limit (default 3000 for the subset,
#                       9000 for all)
#   XTCP_DEBUG_VM_MEM   debug guest memory in MB (default 3072, for KASAN)
#   XTCP_DEBUG_TEST_TIMEOUT  per-program limit on the debug kernel (default
#                       1500)
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
VM_TIMEOUT=${XTCP_VM_TIMEOUT:-2700}

kvers=()
debug=
for a in "$@"; do
	case $a in
	--debug=subset|--debug=all) debug=${a#--debug=} ;;
	--debug) debug=subset ;;
	-*) echo "check: unknown option $a (usage: check.sh [KVER...] [--debug=subset|all])" >&2
	    echo "0 passed, 1 failed"; exit 1 ;;
	*) kvers+=("$a") ;;
	esac
done
if [ ${#kvers[@]} -eq 0 ] && [ -z "$debug" ]; then
	for d in /lib/modules/*; do
		k=${d##*/}
		case $k in *-xtcp-debug) continue ;; esac
		[ -f "$REPO/build/$k/xtcp.ko" ] && kvers+=("$k")
	done
fi
if [ ${#kvers[@]} -eq 0 ] && [ -z "$debug" ]; then
	echo "check: no kernel given and no build/KVER/xtcp.ko found (run make first)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# Run by hand (not from make check), build what is stale first: a guest
# must never run an older xtcp.ko or older test programs than the tree's.
if [ -z "${XTCP_CHECK_BUILT:-}" ]; then
	if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$REPO" \
		${kvers[0]+KVERS="${kvers[*]}"} modules selftests tools; then
		echo "check: build failed" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
fi

tot_pass=0 tot_fail=0 tot_skip=0 vm_failed=0
summary=()
ran=()
check_start=$SECONDS

# The machine's one-guest lock (scripts/vm-run.sh) is taken here for the
# whole run, so that another check of the same kernel cannot remove this
# one's results directory while it waits. A caller that holds it already
# (a script chaining several runs) says so with XTCP_VM_LOCK_HELD=1.
# shellcheck source=vm-lock.sh
source "$(dirname "${BASH_SOURCE[0]}")/vm-lock.sh"
vm_lock check

# The test programs guest-check.sh runs, as it lists them (XTCP_TESTS, or
# every built program and shell test), one basename a line.
all_tests() {
	local f
	if [ -n "${XTCP_TESTS:-}" ]; then
		printf '%s\n' $XTCP_TESTS
		return
	fi
	for f in "$REPO"/selftests/build/xtcp_* "$REPO"/selftests/xtcp_*.sh; do
		[ -f "$f" ] && echo "${f##*/}"
	done | LC_ALL=C sort
}

# emulator_fault CONSOLE: the guest died of a fault whose register dump
# shows an EFLAGS value with reserved bits set (bits 3, 5, 15 or 22-31).
# No x86 CPU can hold such a value, so the emulator's state was corrupt
# (QEMU TCG; seen as double faults in kmalloc under network load on the
# stock 6.12 kernel), not the guest kernel's. Prints the EFLAGS value.
emulator_fault() {
	local ef
	ef=$(tr -d '\r' <"$1" 2>/dev/null | grep -A12 -E 'Oops: |double fault' |
		grep -m1 -oE 'EFLAGS: [0-9a-f]+' | cut -d' ' -f2)
	[ -n "$ef" ] || return 1
	(( (16#$ef & ~16#3f7fd7) != 0 )) || return 1
	echo "$ef"
}

# run_kernel KVER VM_TIMEOUT [vm-run options...]: one guest, counted. A
# stock kernel's guest that dies of an emulator fault (emulator_fault) is
# booted once more for the programs it had not finished; the results of
# those it had finished are kept, the crash's console as console.crash.log.
run_kernel() {
	local k=$1 limit=$2 out start rc dur log counts pass fail skip vm bad ef
	local rest done_list t again
	shift 2
	ran+=("$k")
	out=$REPO/build/check/$k
	rm -rf "$out"
	mkdir -p "$out"
	echo "=== check $k: booting (limit ${limit}s) ==="
	start=$SECONDS
	"$SCRIPT_DIR/vm-run.sh" --kernel "$k" --timeout "$limit" --out "$out" "$@" \
		-- scripts/guest-check.sh "$k"
	rc=$?
	log=$out/output.log
	[ -f "$log" ] || : >"$log"
	again=
	if [ "$rc" = 125 ] && [ "$console_check" = 0 ] &&
	   ef=$(emulator_fault "$out/console.log"); then
		done_list=$(tr -d '\r' <"$log" | sed -n 's/^# --- \(.*\): exit .*/\1/p')
		rest=
		for t in $(all_tests); do
			grep -qxF "$t" <<<"$done_list" || grep -qxF "$t.sh" <<<"$done_list" ||
				rest+=" $t"
		done
		echo "# $k: the guest died of an emulator fault (EFLAGS $ef has reserved bits" \
			"set: QEMU's CPU state, not the kernel); console kept as console.crash.log;" \
			"booting again for the programs not finished:${rest:- none}"
		mv "$out/console.log" "$out/console.crash.log"
		# keep the finished programs' results, drop the interrupted one's
		tr -d '\r' <"$log" | awk '/^# --- .*: exit /{keep=NR} {l[NR]=$0}
			END {for (i = 1; i <= keep; i++) print l[i]}' >"$out/output.crash.log"
		if [ -n "$rest" ]; then
			"$SCRIPT_DIR/vm-run.sh" --kernel "$k" --timeout "$limit" --out "$out" "$@" \
				--env "XTCP_TESTS=${rest# }" -- scripts/guest-check.sh "$k"
			rc=$?
		else
			rc=0
		fi
		[ -f "$log" ] || : >"$log"
		cat "$out/output.crash.log" "$log" >"$out/output.all.log"
		log=$out/output.all.log
		again=", booted again after an emulator fault"
	fi
	dur=$((SECONDS - start))

	# output.log is written by QEMU as the guest prints it; strip any CR.
	counts=$(tr -d '\r' <"$log" | awk '
		/^(ok|not ok) / {
			if (index($0, "# SKIP")) s++
			else if (/^ok /) p++
			else f++
		}
		END { printf "%d %d %d\n", p, f, s }')
	read -r pass fail skip <<<"$counts"

	vm=ok
	case $rc in
	0) ;;
	1) [ "$fail" -gt 0 ] || vm="guest-check exited 1 without a failing test" ;;
	124) vm="timed out after ${limit}s" ;;
	125) vm="guest never reported (crash/panic? see $out/console.log)" ;;
	*) vm="exited with status $rc" ;;
	esac
	if [ "$vm" != ok ]; then
		echo "not ok - $k VM: $vm"
		fail=$((fail + 1))
		vm_failed=1
	fi
	if [ "$console_check" = 1 ]; then
		# Reports on the kernel console: boot, between tests, or a crash.
		bad=$(tr -d '\r' <"$out/console.log" 2>/dev/null | grep -E "$DMESG_BAD" |
			grep -vE "xtcp-check:|$CONSOLE_BENIGN")
		if [ -n "$bad" ]; then
			echo "not ok - $k console clean"
			echo "$bad" | head -n 40 | sed 's/^/# console: /'
			fail=$((fail + 1))
		else
			echo "ok - $k console clean"
			pass=$((pass + 1))
		fi
	fi
	tot_pass=$((tot_pass + pass)) tot_fail=$((tot_fail + fail)) tot_skip=$((tot_skip + skip))
	summary+=("$(printf '%-24s %4d passed, %3d failed, %3d skipped  (%ds, VM %s%s)' \
		"$k:" "$pass" "$fail" "$skip" "$dur" "$vm" "$again")")
	summary+=("$(printf '%-24s results in %s' '' "${out#"$REPO"/}")")
}

# A step before a guest could run failed: one failure.
prep_failed() {
	echo "not ok - $1"
	tot_fail=$((tot_fail + 1))
	summary+=("$(printf '%-24s %s' "$2:" "FAILED: $1")")
}

console_check=0
for k in "${kvers[@]+"${kvers[@]}"}"; do
	run_kernel "$k" "$VM_TIMEOUT"
done

# ------------------------------------------------------------- debug kernel
if [ -n "$debug" ]; then
	console_check=1
	DMESG_BAD=$(sed -n "s/^DMESG_BAD='\(.*\)'\$/\1/p" "$SCRIPT_DIR/guest-check.sh")
	[ -n "$DMESG_BAD" ] || DMESG_BAD='WARNING:|BUG:|KASAN|UBSAN|lockdep|ODEBUG'
	# Boot banners of the debug options, not reports.
	CONSOLE_BENIGN='RCU lockdep checking is enabled|use-after-free debug is enabled|kmemleak: Kernel memory leak detector initialized|^Command line:|^Kernel command line:'
	echo "=== check debug kernel ($debug): scripts/debug-kernel.sh ==="
	dstart=$SECONDS
	if ! dk=$("$SCRIPT_DIR/debug-kernel.sh"); then
		prep_failed "debug kernel build (scripts/debug-kernel.sh)" debug
	else
		eval "$dk"
		echo "# debug kernel $DEBUG_KVER ready after $((SECONDS - dstart))s: $DEBUG_IMAGE"
		if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$REPO" modules KVER="$DEBUG_KVER" KDIR="$DEBUG_KDIR" W=1; then
			prep_failed "xtcp.ko build for $DEBUG_KVER" "$DEBUG_KVER"
		else
			dtests=${XTCP_TESTS:-}
			if [ -z "$dtests" ] && [ "$debug" = subset ]; then
				for t in $(grep -v '^#' "$SCRIPT_DIR/debug-subset.txt"); do
					if [ -x "$REPO/selftests/build/$t" ] || [ -f "$REPO/selftests/$t.sh" ] ||
					   [ -f "$REPO/selftests/$t" ]; then
						dtests+=" $t"
					else
						echo "# debug subset: $t not built/present, skipped"
					fi
				done
				[ -n "$dtests" ] || dtests=none
			fi
			if [ "$debug" = subset ]; then dlimit=${XTCP_DEBUG_VM_TIMEOUT:-3000}
			else dlimit=${XTCP_DEBUG_VM_TIMEOUT:-9000}; fi
			denv=(--env "XTCP_TEST_TIMEOUT=${XTCP_DEBUG_TEST_TIMEOUT:-1500}")
			# the fuzzer runs ~30x slower there (360 segments/s): 720 s
			# give it 200 000 segments or more on the debug kernel even
			# on a busy host (600 s gave 190 336 and 216 064)
			denv+=(--env "XTCP_FUZZ_SECS=${XTCP_FUZZ_SECS:-720}")
			[ -n "$dtests" ] && denv+=(--env "XTCP_TESTS=${dtests# }")
			echo "# debug pass tests: ${dtests:-all}"
			run_kernel "$DEBUG_KVER" "$dlimit" --image "$DEBUG_IMAGE" \
				--mem "${XTCP_DEBUG_VM_MEM:-3072}" "${denv[@]}"
		fi
	fi
fi

echo
echo "=== check summary ($((SECONDS - check_start))s) ==="
printf '%s\n' "${summary[@]}"
# Failing lines, for a quick look (full logs are in build/check/KVER/),
# each after the last lines its test printed (the harness's TH_LOG and
# "Expected ..." lines: what failed, when only the tail of this output is
# kept).
for k in "${ran[@]+"${ran[@]}"}"; do
	log=$REPO/build/check/$k/output.log
	[ -f "$REPO/build/check/$k/output.all.log" ] && log=$REPO/build/check/$k/output.all.log
	tr -d '\r' <"$log" 2>/dev/null | awk -v k="$k" -v keep=6 '
		/^(not )?ok / {
			if ($1 == "not" && !/# SKIP/) {
				for (i = (n > keep ? n - keep : 0); i < n; i++)
					print "      " substr(buf[i % keep], 1, 240)
				print "  [" k "] " $0
			}
			n = 0
			next
		}
		/^# *(RUN|OK|FAIL) / || /^# (PASSED|FAILED|Totals|---)/ { next }
		{ buf[n % keep] = $0; n++ }'
done
line="$tot_pass passed, $tot_fail failed"
[ "$tot_skip" -gt 0 ] && line+=", $tot_skip skipped"
echo "$line"
[ "$tot_fail" -eq 0 ] && [ "$vm_failed" -eq 0 ]
