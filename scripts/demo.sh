#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - boot a QEMU guest and run the narrated XTCP demo in it
# (scripts/guest-demo.sh). Called by `make demo` after the module and tools
# are built.
#
# Usage: scripts/demo.sh [KVER]
#   KVER  kernel to boot (default: the installed 6.1 kernel, else the newest)
#
# The guest's output streams here; it is also saved with the guest's dmesg
# and kernel console under build/demo/KVER/. Exit status: the demo's (0 when
# every step worked), 124 on timeout, 125 if the guest died.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)

kver=${1:-}
if [ -z "$kver" ]; then
	all=$(for d in /lib/modules/*; do [ -f "/boot/vmlinuz-${d##*/}" ] && echo "${d##*/}"; done | sort -V)
	kver=$(grep -E '^6\.1\.' <<<"$all" | tail -n1 || true)
	[ -n "$kver" ] || kver=$(tail -n1 <<<"$all")
	[ -n "$kver" ] || { echo "demo: no kernel under /lib/modules (run scripts/install-deps.sh)" >&2; exit 2; }
fi
[ -f "$REPO/build/$kver/xtcp.ko" ] || { echo "demo: build/$kver/xtcp.ko missing (run make)" >&2; exit 2; }
[ -x "$REPO/tools/build/xtcp_demo" ] || { echo "demo: tools/build/xtcp_demo missing (run make -C tools)" >&2; exit 2; }

color=0
[ -t 1 ] && color=1
out=$REPO/build/demo/$kver
rm -rf "$out"
mkdir -p "$out"
rc=0
"$SCRIPT_DIR/vm-run.sh" --kernel "$kver" --timeout 600 --out "$out" \
	--env XTCP_DEMO_COLOR=$color -- scripts/guest-demo.sh "$kver" || rc=$?
echo "demo: output, dmesg and kernel console saved in ${out#"$REPO"/}/" >&2
exit $rc
