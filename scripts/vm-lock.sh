# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Sourced by scripts that boot guests for a whole run (check.sh, bench.sh).
#
# vm_lock WHO: take this machine's one-guest lock (scripts/vm-run.sh; the
# path is XTCP_VM_LOCK, else /var/lock/xtcp-vm.lock) on file descriptor 7
# for the rest of the calling shell, saying "WHO: waiting for another guest
# to finish" while another run holds it. A caller that holds it already (a
# script chaining several runs) says so with XTCP_VM_LOCK_HELD=1. The lock
# is held, and XTCP_VM_LOCK_HELD=1 exported, for the children from then on.
vm_lock() {
	if [ "${XTCP_VM_LOCK_HELD:-0}" != 1 ]; then
		exec 7>"${XTCP_VM_LOCK:-/var/lock/xtcp-vm.lock}"
		if ! flock -n 7; then
			echo "$1: waiting for another guest to finish" >&2
			flock 7
		fi
	fi
	export XTCP_VM_LOCK_HELD=1
}
