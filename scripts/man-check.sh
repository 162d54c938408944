#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# man-check.sh - lint man/xtcp.7 and check that it names every sysctl and
# every counter the module has (`make man-check`; also run by
# scripts/install-check.sh).
#
#   groff -man -Tutf8 -ww -z     no warning at all
#   mandoc -Tlint                no message (when mandoc is installed)
#   every net.xtcp.* entry of the module's sysctl table (XTCP_INT,
#   XTCP_INT_F, XTCP_TRIPLE in module/*.c) has a ".BR name " item, and
#   every /proc/net/xtcp_stat name ([XTCP_MIB_*] = "Name") a ".B Name" item
#
# Prints "ok - ..."/"not ok - ..." lines; exit status 1 if any failed.
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
MAN=$REPO/man/xtcp.7
failed=0

ok() { echo "ok - man: $*"; }
notok() { echo "not ok - man: $*"; failed=1; }

[ -f "$MAN" ] || { notok "$MAN missing"; exit 1; }

out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$MAN" 2>&1)
if [ -z "$out" ]; then ok "groff -ww renders xtcp.7 without warnings"
else notok "groff -ww warnings"; echo "$out" | sed 's/^/# /'; fi

if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -Tlint -W all "$MAN" 2>&1)
	if [ -z "$out" ]; then ok "mandoc -Tlint clean"
	else notok "mandoc -Tlint messages"; echo "$out" | sed 's/^/# /'; fi
else
	echo "ok - man: mandoc -Tlint # SKIP mandoc not installed"
fi

sysctls=$(sed -n -e 's/^[[:space:]]*XTCP_INT(\([a-z0-9_]*\),.*/\1/p' \
	-e 's/^[[:space:]]*XTCP_INT_F("\([a-z0-9_]*\)",.*/\1/p' \
	-e 's/^[[:space:]]*XTCP_TRIPLE(\([a-z0-9_]*\)).*/\1/p' \
	-e 's/.*\.procname = "\([a-z0-9_]*\)".*/\1/p' "$REPO"/module/xtcp_ctrl.c | sort -u)
missing=
for n in $sysctls; do
	grep -q "^\.BR $n \"" "$MAN" || missing+=" $n"
done
if [ -z "$sysctls" ]; then notok "no sysctl table found in module/*.c"
elif [ -z "$missing" ]; then ok "all $(wc -w <<<"$sysctls") net.xtcp sysctls documented"
else notok "sysctls not documented:$missing"; fi

mibs=$(sed -n 's/^[[:space:]]*\[XTCP_MIB_[A-Z0-9_]*\][[:space:]]*=[[:space:]]*"\([A-Za-z0-9]*\)",.*/\1/p' \
	"$REPO"/module/*.c | sort -u)
missing=
for n in $mibs; do
	grep -q "^\.B $n\$" "$MAN" || missing+=" $n"
done
if [ -z "$mibs" ]; then notok "no MIB name table found in module/*.c"
elif [ -z "$missing" ]; then ok "all $(wc -w <<<"$mibs") xtcp_stat counters documented"
else notok "counters not documented:$missing"; fi

exit $failed
