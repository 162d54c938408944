#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh - build (once) the XTCP debug kernel: Linux 6.12 from
# Debian's linux-source-6.12 package with KASAN, lockdep, kmemleak,
# DEBUG_OBJECTS, UBSAN, KFENCE, ref trackers... (scripts/debug.config),
# everything built in, for scripts/vm-run.sh --image.
#
# Usage: scripts/debug-kernel.sh [--quiet]
#
# Prints on stdout, for `eval`:
#   DEBUG_KVER=6.12.<x>-xtcp-debug      the kernel release
#   DEBUG_IMAGE=/var/cache/.../bzImage  the kernel to boot
#   DEBUG_KDIR=/var/cache/.../linux     build tree, usable as KDIR for
#                                       `make -C KDIR M=... modules`
# Progress goes to stderr; the full build log to <cache>/build.log.
#
# Config: `make allnoconfig` + kernel/configs/kvm_guest.config +
# scripts/debug.config merged with scripts/kconfig/merge_config.sh, then
# `make olddefconfig`; every line of scripts/debug.config must appear in the
# final .config exactly as written, or the script fails listing the ones that
# did not. Then `nice -n 10 make -j$(nproc) bzImage modules` (there are no
# modules: that step only writes Module.symvers for out-of-tree builds).
#
# Cache: /var/cache/xtcp-debug-kernel/<key>/ (XTCP_DEBUG_KERNEL_CACHE
# overrides the parent), key = sha256 of debug.config, of this script's build
# recipe (the functions config_kernel and build_kernel below and RECIPE_REV)
# and of the linux-source-6.12 package version. Built once per key; a
# complete tree has a .done file. Concurrent runs take turns on a flock
# (<parent>/.lock); an interrupted build is started again from scratch.
# <parent>/current points at the last key built. The kernel's
# modules.builtin* files are installed into /lib/modules/<release>/ (with
# depmod) so that modprobe of a built-in succeeds in the guest; no
# /lib/modules/<release>/build link is made, so `make` (which builds for every
# /lib/modules/*/build) does not pick the debug kernel up.
#
# Build dependencies (flex, bison, libelf-dev, bc, linux-source-6.12) are
# installed with apt-get when missing.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FRAGMENT=$SCRIPT_DIR/debug.config
PARENT=${XTCP_DEBUG_KERNEL_CACHE:-/var/cache/xtcp-debug-kernel}
TARBALL=/usr/src/linux-source-6.12.tar.xz
PKG=linux-source-6.12
# Bump to force a rebuild when the recipe changes in a way the functions'
# text does not show.
RECIPE_REV=1

quiet=0
[ "${1:-}" = --quiet ] && quiet=1

die() { echo "debug-kernel: $*" >&2; exit 1; }
say() { [ $quiet = 1 ] || echo "debug-kernel: $*" >&2; }

# ---------------------------------------------------------------- recipe
# Both run in the kernel tree ($1).
config_kernel() {
	local src=$1 frag=$2
	cd "$src"
	# -n: allnoconfig as the base; the merged fragments are forced on top.
	scripts/kconfig/merge_config.sh -n kernel/configs/kvm_guest.config "$frag"
	make olddefconfig
}

build_kernel() {
	local src=$1
	cd "$src"
	nice -n 10 make -j"$(nproc)" bzImage modules
}

# Lines of the fragment that the final .config does not contain verbatim.
missing_options() {
	local cfg=$1 frag=$2 line
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) ;;
		"# CONFIG_"*" is not set") ;;
		*) continue ;;
		esac
		if [[ $line == "# CONFIG_"* ]]; then
			local opt=${line#\# }
			opt=${opt%% *}
			# Absent from .config also means "not set".
			if grep -q "^$opt=" "$cfg"; then
				echo "$line  (got: $(grep "^$opt=" "$cfg"))"
			fi
		elif ! grep -qxF "$line" "$cfg"; then
			local opt=${line%%=*} got
			got=$(grep -E "^$opt=|^# $opt is not set" "$cfg" || true)
			echo "$line  (got: ${got:-absent})"
		fi
	done <"$frag"
}

# ------------------------------------------------------------ dependencies
need=()
for p in flex bison libelf-dev bc "$PKG"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	say "installing ${need[*]}"
	# install-deps.sh may be running: apt-get waits for the dpkg lock.
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-o DPkg::Lock::Timeout=1800 "${need[@]}" >/dev/null ||
		die "apt-get install ${need[*]} failed"
fi
[ -r "$TARBALL" ] || die "$TARBALL missing (package $PKG)"
pkgver=$(dpkg-query -W -f='${Version}' "$PKG")

key=$( {
	cat "$FRAGMENT"
	declare -f config_kernel build_kernel
	echo "RECIPE_REV=$RECIPE_REV $PKG=$pkgver"
} | sha256sum | cut -c1-16)
dir=$PARENT/$key
src=$dir/linux

mkdir -p "$PARENT"
exec 7>"$PARENT/.lock"
if ! flock -n 7; then
	say "waiting for another debug-kernel build ($PARENT/.lock)"
	flock 7
fi

if [ ! -f "$dir/.done" ]; then
	say "building Linux $pkgver (debug) in $dir; log: $dir/build.log"
	rm -rf "$dir"
	mkdir -p "$dir"
	start=$SECONDS
	log=$dir/build.log
	(
		set -e
		echo "== extract $TARBALL"
		mkdir "$dir/x"
		tar -xJf "$TARBALL" -C "$dir/x"
		mv "$dir/x/linux-source-6.12" "$src"
		rmdir "$dir/x"
		echo "== config"
		config_kernel "$src" "$FRAGMENT"
	) >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "extract/config failed (see $log)"; }
	bad=$(missing_options "$src/.config" "$FRAGMENT")
	if [ -n "$bad" ]; then
		echo "debug-kernel: these scripts/debug.config lines did not end up in $src/.config:" >&2
		printf '  %s\n' "$bad" >&2
		die "config check failed (fix scripts/debug.config)"
	fi
	say "config ok ($(grep -c '=y' "$src/.config") options =y); compiling (nice make -j$(nproc), progress in $log)"
	( build_kernel "$src" ) >>"$log" 2>&1 || { tail -n 40 "$log" >&2; die "kernel build failed (see $log)"; }
	make -s -C "$src" kernelrelease >"$dir/kernelrelease"
	cp "$src/arch/x86/boot/bzImage" "$dir/bzImage"
	echo "$((SECONDS - start))" >"$dir/build-seconds"
	touch "$dir/.done"
	say "built $(cat "$dir/kernelrelease") in $((SECONDS - start))s"
fi
ln -sfn "$key" "$PARENT/current"

kver=$(cat "$dir/kernelrelease")
[ -n "$kver" ] || die "empty kernel release in $dir/kernelrelease"

# modules.builtin* for modprobe in the guest (the host never loads from
# there: it runs another kernel).
md=/lib/modules/$kver
if [ ! -f "$md/.xtcp-debug-$key" ]; then
	mkdir -p "$md"
	rm -f "$md"/.xtcp-debug-*
	cp "$src/modules.builtin" "$src/modules.builtin.modinfo" "$md/"
	: >"$md/modules.order"
	depmod -a -b / -F "$src/System.map" "$kver" 2>/dev/null ||
		depmod -a -F "$src/System.map" "$kver"
	touch "$md/.xtcp-debug-$key"
fi

echo "DEBUG_KVER=$kver"
echo "DEBUG_IMAGE=$dir/bzImage"
echo "DEBUG_KDIR=$src"
