#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, idempotently, everything XTCP needs on a fresh Debian 12 machine:
# QEMU (TCG), the Debian 6.1 and 6.12 kernel images and headers, the kernel
# source (kselftest_harness.h), busybox for the guest initramfs, and the
# user-space tools the tests run inside the guest (iproute2, tshark, ...),
# and dkms for make dkms-install/dkms-check.
#
# Usage: scripts/install-deps.sh     (needs root; does nothing when all present)
set -euo pipefail

PKGS=(
	build-essential make gcc bc kmod cpio xz-utils zstd python3
	qemu-system-x86 busybox-static
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-source-6.12
	iproute2 iputils-ping ethtool tshark tcpdump procps psmisc
	# lints: make C=2 (sparse)
	sparse
	# unmodified programs the interop tests run over XTCP (tools/xtcpize)
	curl nginx-light iperf3 redis-server redis-tools strace
	# make dkms-install / dkms-check (scripts/dkms.sh)
	dkms
	# make bench's chart (scripts/bench.sh)
	gnuplot-nox
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PKGS[@]} packages present"
else
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: need root to install: ${missing[*]}" >&2
		exit 1
	fi
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer no.
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The kselftest headers come from the kernel source tarball; unpack only
# the selftests directory, once.
SRC_DIR=/usr/src/linux-source-6.12
if [ ! -f "$SRC_DIR/tools/testing/selftests/kselftest_harness.h" ]; then
	tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n1)
	if [ -z "$tarball" ]; then
		echo "install-deps: linux-source-6.12 tarball missing" >&2
		exit 1
	fi
	echo "install-deps: unpacking selftests headers from $tarball"
	tar -C /usr/src -xf "$tarball" --wildcards \
		'linux-source-6.12/tools/testing/selftests/*' \
		'linux-source-6.12/scripts/checkpatch.pl' \
		'linux-source-6.12/scripts/spelling.txt' \
		'linux-source-6.12/scripts/const_structs.checkpatch'
fi
