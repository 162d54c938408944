#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh - XTCP under DKMS (Debian's dkms package): register, build and
# install it so that every new kernel gets its own xtcp.ko, remove it, or
# check that it builds. `make dkms-install`, `make dkms-uninstall` and
# `make dkms-check` call it.
#
# Usage:
#   scripts/dkms.sh install [KVER]    copy Kbuild, module/, uapi/ and dkms.conf
#                                     to /usr/src/xtcp-VERSION, then dkms add,
#                                     build and install for KVER (default:
#                                     the running kernel); needs root
#   scripts/dkms.sh uninstall         dkms remove --all, remove the sources
#   scripts/dkms.sh check KVER...     dkms add + build for each KVER in a
#                                     temporary dkms tree and source tree
#                                     (--dkmstree/--sourcetree; modules signed,
#                                     when the kernel's sign-file exists, with
#                                     a throw-away key): /var/lib/dkms,
#                                     /usr/src and /lib/modules stay untouched.
#                                     Each built xtcp.ko must carry KVER's
#                                     vermagic and the net-pf-23 alias.
#
# VERSION is dkms.conf's PACKAGE_VERSION (the one place it is written).
# Exit status: 0 done; 1 failure (with a message); 2 usage.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)

die() { echo "xtcp dkms: $*" >&2; exit 1; }
usage() { sed -n '4,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" >&2; exit 2; }

[ $# -ge 1 ] || usage
action=$1
shift

NAME=xtcp
VERSION=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)".*/\1/p' "$REPO/dkms.conf")
[[ $VERSION =~ ^[0-9A-Za-z.+~-]+$ ]] || die "no PACKAGE_VERSION in $REPO/dkms.conf"

need_dkms() {
	command -v dkms >/dev/null 2>&1 ||
		die "dkms not installed (Debian: apt-get install dkms, or scripts/install-deps.sh)"
}

check_kver() {
	[[ $1 =~ ^[A-Za-z0-9._+~-]+$ ]] || die "bad kernel release '$1'"
	[ -d "/lib/modules/$1/build" ] ||
		die "unknown kernel $1: no headers at /lib/modules/$1/build (install linux-headers-$1)"
}

# copy_sources DIR: what dkms builds from
copy_sources() {
	local dst=$1 f
	mkdir -p "$dst/module" "$dst/uapi/linux"
	cp "$REPO/dkms.conf" "$REPO/Kbuild" "$dst/"
	for f in "$REPO"/module/*.c "$REPO"/module/*.h; do
		cp "$f" "$dst/module/"
	done
	cp "$REPO/uapi/linux/xtcp.h" "$dst/uapi/linux/"
}

case $action in
install)
	[ $# -le 1 ] || usage
	kver=${1:-$(uname -r)}
	need_dkms
	[ "$(id -u)" = 0 ] || die "dkms-install needs root"
	check_kver "$kver"
	src=/usr/src/$NAME-$VERSION
	if dkms status -m "$NAME" -v "$VERSION" 2>/dev/null | grep -q .; then
		echo "xtcp dkms: replacing the registered $NAME/$VERSION"
		dkms remove -m "$NAME" -v "$VERSION" --all
	fi
	rm -rf "$src"
	copy_sources "$src"
	echo "xtcp dkms: sources in $src"
	dkms add -m "$NAME" -v "$VERSION"
	dkms build -m "$NAME" -v "$VERSION" -k "$kver"
	dkms install -m "$NAME" -v "$VERSION" -k "$kver"
	echo "xtcp dkms: $NAME/$VERSION installed for $kver; later kernels get it from dkms autoinstall"
	;;
uninstall)
	[ $# -eq 0 ] || usage
	need_dkms
	[ "$(id -u)" = 0 ] || die "dkms-uninstall needs root"
	if dkms status -m "$NAME" -v "$VERSION" 2>/dev/null | grep -q .; then
		dkms remove -m "$NAME" -v "$VERSION" --all
	elif [ ! -d "/usr/src/$NAME-$VERSION" ]; then
		die "$NAME/$VERSION is not registered with dkms and /usr/src/$NAME-$VERSION does not exist"
	fi
	rm -rf "/usr/src/$NAME-$VERSION"
	echo "xtcp dkms: $NAME/$VERSION removed"
	;;
check)
	[ $# -ge 1 ] || die "check: no kernel given (make dkms-check KVER=...)"
	need_dkms
	for k in "$@"; do check_kver "$k"; done
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/xtcp-dkms.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	copy_sources "$tmp/src/$NAME-$VERSION"
	mkdir -p "$tmp/tree" "$tmp/key"
	# dkms signs with /var/lib/dkms/mok.key unless told otherwise
	export mok_signing_key=$tmp/key/mok.key mok_certificate=$tmp/key/mok.pub
	opts=(--dkmstree "$tmp/tree" --sourcetree "$tmp/src")
	dkms add -m "$NAME" -v "$VERSION" "${opts[@]}" >"$tmp/add.log" 2>&1 ||
		{ cat "$tmp/add.log" >&2; die "dkms add failed"; }
	failed=0
	for k in "$@"; do
		start=$SECONDS
		if ! dkms build -m "$NAME" -v "$VERSION" -k "$k" "${opts[@]}" >"$tmp/build-$k.log" 2>&1; then
			sed 's/^/  /' "$tmp/build-$k.log" >&2
			cat "$tmp/tree/$NAME/$VERSION/build/make.log" 2>/dev/null | tail -n 30 | sed 's/^/  make.log: /' >&2
			echo "not ok - dkms build $NAME/$VERSION for $k"
			failed=1
			continue
		fi
		ko=$(find "$tmp/tree/$NAME/$VERSION/$k" -name 'xtcp.ko*' | head -n1)
		vm=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
		alias=$(modinfo -F alias "$ko" 2>/dev/null || true)
		signed=$(modinfo -F signer "$ko" 2>/dev/null || true)
		if [ -n "$ko" ] && [ "${vm%% *}" = "$k" ] && [ "$alias" = net-pf-23 ]; then
			echo "ok - dkms build $NAME/$VERSION for $k ($((SECONDS - start))s: ${ko#"$tmp"/tree/}, vermagic $k, alias $alias${signed:+, signed by '$signed'})"
		else
			echo "not ok - dkms build $NAME/$VERSION for $k: module '${ko#"$tmp"/}' vermagic '${vm%% *}' alias '$alias'"
			failed=1
		fi
	done
	[ ! -e "/var/lib/dkms/$NAME" ] || echo "# note: /var/lib/dkms/$NAME exists (a dkms-install, not this check)"
	exit $failed
	;;
*) usage ;;
esac
