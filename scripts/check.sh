#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - run the XTCP test suite in a QEMU guest for each kernel and
# summarise. Called by `make check` once module and selftests are built.
#
# Usage: scripts/check.sh [KVER...]
#   default: every kernel under /lib/modules with a built build/KVER/xtcp.ko
#
# For each KVER: scripts/vm-run.sh --kernel KVER -- scripts/guest-check.sh KVER
# with its output streamed here and saved, with the guest's dmesg, kernel
# console and exit code, under build/check/KVER/ (output.log, dmesg.txt,
# console.log, exit_code).
#
# Counting: every output line starting with "ok " or "not ok " is one test;
# one containing "# SKIP" counts as skipped. A VM that times out, never
# reports, or fails without a "not ok" line counts as one more failure.
# The last line printed is exactly "N passed, M failed" (", K skipped" added
# when K > 0). Exit status: 0 iff nothing failed.
#
# Environment:
#   XTCP_VM_TIMEOUT     per-kernel VM limit in seconds (default 1500, so that
#                       two kernels stay well inside CI's 90 minutes)
#   XTCP_TESTS, XTCP_TEST_TIMEOUT   passed to scripts/guest-check.sh
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
VM_TIMEOUT=${XTCP_VM_TIMEOUT:-1500}

kvers=("$@")
if [ ${#kvers[@]} -eq 0 ]; then
	for d in /lib/modules/*; do
		k=${d##*/}
		[ -f "$REPO/build/$k/xtcp.ko" ] && kvers+=("$k")
	done
fi
if [ ${#kvers[@]} -eq 0 ]; then
	echo "check: no kernel given and no build/KVER/xtcp.ko found (run make first)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

tot_pass=0 tot_fail=0 tot_skip=0 vm_failed=0
summary=()
check_start=$SECONDS

for k in "${kvers[@]}"; do
	out=$REPO/build/check/$k
	rm -rf "$out"
	mkdir -p "$out"
	echo "=== check $k: booting (limit ${VM_TIMEOUT}s) ==="
	start=$SECONDS
	"$SCRIPT_DIR/vm-run.sh" --kernel "$k" --timeout "$VM_TIMEOUT" --out "$out" \
		-- scripts/guest-check.sh "$k"
	rc=$?
	dur=$((SECONDS - start))

	# output.log is written by QEMU as the guest prints it; strip any CR.
	log=$out/output.log
	[ -f "$log" ] || : >"$log"
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
	124) vm="timed out after ${VM_TIMEOUT}s" ;;
	125) vm="guest never reported (crash/panic? see $out/console.log)" ;;
	*) vm="exited with status $rc" ;;
	esac
	if [ "$vm" != ok ]; then
		echo "not ok - $k VM: $vm"
		fail=$((fail + 1))
		vm_failed=1
	fi
	tot_pass=$((tot_pass + pass)) tot_fail=$((tot_fail + fail)) tot_skip=$((tot_skip + skip))
	summary+=("$(printf '%-24s %4d passed, %3d failed, %3d skipped  (%ds, VM %s)' \
		"$k:" "$pass" "$fail" "$skip" "$dur" "$vm")")
	summary+=("$(printf '%-24s results in %s' '' "${out#"$REPO"/}")")
done

echo
echo "=== check summary ($((SECONDS - check_start))s) ==="
printf '%s\n' "${summary[@]}"
# Failing lines, for a quick look (full logs are in build/check/KVER/).
for k in "${kvers[@]}"; do
	tr -d '\r' <"$REPO/build/check/$k/output.log" 2>/dev/null |
		grep -E '^not ok ' | grep -v '# SKIP' | sed "s/^/  [$k] /"
done
line="$tot_pass passed, $tot_fail failed"
[ "$tot_skip" -gt 0 ] && line+=", $tot_skip skipped"
echo "$line"
[ "$tot_fail" -eq 0 ] && [ "$vm_failed" -eq 0 ]
