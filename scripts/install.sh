#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install.sh - install XTCP on this machine (or into a staging root), or
# remove exactly what an earlier install put there. `make install` and
# `make uninstall` call it; nothing is built here: run `make` first.
#
# Usage: scripts/install.sh install|uninstall|lua-dir
#
# Environment (the make variables of the same names):
#   KVER      kernel to install xtcp.ko for (default: the running kernel);
#             build/KVER/xtcp.ko must exist (make KVER=KVER)
#   DESTDIR   staging root put in front of every path (default: none);
#             depmod then runs as `depmod -b DESTDIR KVER`
#   PREFIX    tools, man page and XTCP's own files (default /usr/local)
#   LUA_PLUGIN_DIR  Wireshark Lua plugin directory for xtcp.lua (default:
#             the "Global Lua Plugins" directory of `tshark -G folders` if
#             it lies under /usr/local, else the "Personal Lua Plugins" one
#             of the user running the install, root's under sudo; without
#             tshark, ~/.local/lib/wireshark/plugins)
#
# What install puts where (every path below DESTDIR):
#   /lib/modules/KVER/updates/xtcp.ko     then depmod: socket(AF_XTCP, ...)
#                                         loads the module by itself
#   /usr/include/linux/xtcp.h             the uapi header
#   PREFIX/bin/xtcpize                    the preload shim's wrapper, and
#   PREFIX/lib/xtcp/libxtcpize.so         its library
#   PREFIX/bin/xtcp_demo, PREFIX/bin/xtcp_rawsyn.py   tools
#   PREFIX/share/man/man7/xtcp.7          the manual page
#   LUA_PLUGIN_DIR/xtcp.lua               Wireshark: XTCP decoded as TCP
#   PREFIX/share/xtcp/xtcp-modprobe.conf  example modprobe.d file (not enabled)
#   PREFIX/share/xtcp/manifest            the list of what install created
#
# The manifest lists every file and directory install created ("f PATH",
# "d PATH"), the kernels it ran depmod for ("k KVER"), and the depmod index
# files that did not exist before ("g PATH": only in a fresh staging root).
# Installing again adds to it. uninstall removes the files, runs depmod again
# (or, when no other module is left in a staging root, removes the "g"
# files), then the directories install created if they are empty, and the
# manifest. A module still loaded stays loaded: `modprobe -r xtcp`.
#
# Exit status: 0 done; 1 missing build, unknown kernel, nothing installed or
# a failed step (with a message); 2 usage.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)

die() { echo "xtcp ${action:-install}: $*" >&2; exit 1; }
usage() { sed -n '4,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" >&2; exit 2; }

[ $# -eq 1 ] || usage
action=$1
case $action in install|uninstall|lua-dir) ;; -h|--help) usage ;; *) usage ;; esac

DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR%/}
case $PREFIX in
/*) PREFIX=${PREFIX%/} ;;
*) die "PREFIX must be an absolute path, got '$PREFIX'" ;;
esac
case $DESTDIR in
''|/*) ;;
*) DESTDIR=$(pwd)/$DESTDIR ;;
esac
MANIFEST=$PREFIX/share/xtcp/manifest

# lua_dir: where xtcp.lua goes (without DESTDIR)
lua_dir() {
	local folders global personal

	if [ -n "${LUA_PLUGIN_DIR:-}" ]; then
		echo "${LUA_PLUGIN_DIR%/}"
		return
	fi
	if command -v tshark >/dev/null 2>&1; then
		folders=$(tshark -G folders 2>/dev/null) || folders=
		global=$(sed -n 's/^Global Lua Plugins:[[:space:]]*//p' <<<"$folders")
		personal=$(sed -n 's/^Personal Lua Plugins:[[:space:]]*//p' <<<"$folders")
		case $global in
		/usr/local/*) echo "$global"; return ;;
		esac
		if [ -n "$personal" ]; then
			echo "$personal"
			return
		fi
	fi
	[ -n "${HOME:-}" ] || die "HOME is not set: cannot place xtcp.lua (set LUA_PLUGIN_DIR)"
	echo "$HOME/.local/lib/wireshark/plugins"
}

if [ "$action" = lua-dir ]; then
	lua_dir
	exit 0
fi

# ---------------------------------------------------------------- manifest
declare -A have=()
entries=()
tmp_manifest=

load_manifest() {
	local t p
	[ -f "$DESTDIR$MANIFEST" ] || return 1
	while read -r t p; do
		case $t in f|d|g|k) ;; *) continue ;; esac
		case $t:$p in
		k:*) [[ $p =~ ^[A-Za-z0-9._+~-]+$ ]] || die "bad kernel '$p' in $DESTDIR$MANIFEST" ;;
		*:/*) [[ /$p/ != */../* && /$p/ != */./* ]] ||
			die "bad path '$p' in $DESTDIR$MANIFEST" ;;
		*) die "bad path '$p' in $DESTDIR$MANIFEST" ;;
		esac
		[ -n "${have[$t $p]+x}" ] && continue
		have[$t $p]=1
		entries+=("$t $p")
	done <"$DESTDIR$MANIFEST"
	return 0
}

record() {
	[ -n "${have[$1 $2]+x}" ] && return 0
	have[$1 $2]=1
	entries+=("$1 $2")
}

# mkdirs DIR: create DIR (below DESTDIR) and its missing parents, recording
# each one created
mkdirs() {
	local dir=$1 path= part
	local IFS=/
	for part in $dir; do
		[ -n "$part" ] || continue
		path+=/$part
		if [ ! -d "$DESTDIR$path" ]; then
			mkdir "$DESTDIR$path" || die "cannot create $DESTDIR$path"
			record d "$path"
		fi
	done
}

# put SRC MODE DEST: install one file (DEST without DESTDIR)
put() {
	local src=$1 mode=$2 dst=$3
	mkdirs "${dst%/*}"
	install -m "$mode" "$src" "$DESTDIR$dst" || die "cannot install $DESTDIR$dst"
	record f "$dst"
	echo "  INSTALL $DESTDIR$dst"
}

write_manifest() {
	local m=$DESTDIR$MANIFEST
	mkdirs "${MANIFEST%/*}"
	record f "$MANIFEST"
	{
		echo "# XTCP install manifest: what 'make install' created (make uninstall removes it)"
		printf '%s\n' "${entries[@]}"
	} >"$m.tmp" || die "cannot write $m"
	mv -f "$m.tmp" "$m"
}

# depmod_run KVER (in a staging root without the kernel's own modules,
# depmod's warnings about missing modules.order/builtin say nothing)
depmod_run() {
	if [ -n "$DESTDIR" ]; then
		depmod -b "$DESTDIR" "$1" 2> >(grep -v 'WARNING: could not open modules\.\(order\|builtin\)' >&2)
	else
		depmod "$1"
	fi
}

DEPMOD_FILES="modules.dep modules.dep.bin modules.alias modules.alias.bin
modules.softdep modules.symbols modules.symbols.bin modules.builtin.bin
modules.builtin.alias.bin modules.devname modules.weakdep"

# ------------------------------------------------------------------ install
do_install() {
	local kver=${KVER:-$(uname -r)} ko vermagic f lua moddir
	local lib=$REPO/tools/xtcpize/build/libxtcpize.so demo=$REPO/tools/build/xtcp_demo

	[[ $kver =~ ^[A-Za-z0-9._+~-]+$ ]] || die "bad kernel release '$kver'"
	if [ -z "$DESTDIR" ] && [ ! -d "/lib/modules/$kver" ]; then
		die "unknown kernel $kver: /lib/modules/$kver does not exist (KVER=?)"
	fi
	ko=$REPO/build/$kver/xtcp.ko
	[ -f "$ko" ] || die "$ko not built: run 'make KVER=$kver' first (needs /lib/modules/$kver/build)"
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null) || die "modinfo cannot read $ko"
	[ "${vermagic%% *}" = "$kver" ] ||
		die "$ko was built for '${vermagic%% *}', not $kver (run make KVER=$kver)"
	for f in "$lib" "$demo"; do
		[ -f "$f" ] || die "$f not built: run 'make tools' first"
	done
	command -v depmod >/dev/null 2>&1 || die "depmod not found (install kmod)"
	lua=$(lua_dir)
	case $lua in /*) ;; *) die "LUA_PLUGIN_DIR must be absolute, got '$lua'" ;; esac

	if [ -n "$DESTDIR" ]; then
		mkdir -p "$DESTDIR" || die "cannot create DESTDIR $DESTDIR"
	fi
	load_manifest || true
	echo "xtcp install: kernel $kver, prefix $PREFIX${DESTDIR:+, into $DESTDIR}"

	moddir=/lib/modules/$kver
	# depmod index files a fresh staging root did not have: created by us
	mkdirs "$moddir"
	local missing=()
	for f in $DEPMOD_FILES; do
		[ -e "$DESTDIR$moddir/$f" ] || missing+=("$f")
	done

	put "$ko" 0644 "$moddir/updates/xtcp.ko"
	put "$REPO/uapi/linux/xtcp.h" 0644 /usr/include/linux/xtcp.h
	put "$REPO/tools/xtcpize/xtcpize" 0755 "$PREFIX/bin/xtcpize"
	put "$lib" 0644 "$PREFIX/lib/xtcp/libxtcpize.so"
	put "$demo" 0755 "$PREFIX/bin/xtcp_demo"
	put "$REPO/tools/xtcp_rawsyn.py" 0755 "$PREFIX/bin/xtcp_rawsyn.py"
	put "$REPO/man/xtcp.7" 0644 "$PREFIX/share/man/man7/xtcp.7"
	put "$REPO/tools/xtcp.lua" 0644 "$lua/xtcp.lua"
	put "$REPO/dist/xtcp-modprobe.conf" 0644 "$PREFIX/share/xtcp/xtcp-modprobe.conf"

	echo "  DEPMOD  $kver"
	depmod_run "$kver" || die "depmod $kver failed"
	record k "$kver"
	for f in "${missing[@]+"${missing[@]}"}"; do
		[ -e "$DESTDIR$moddir/$f" ] && record g "$moddir/$f"
	done
	write_manifest
	echo "xtcp install: done; manifest $DESTDIR$MANIFEST"
	if [ -z "$DESTDIR" ]; then
		echo "xtcp install: socket(AF_XTCP, ...) now loads xtcp by itself (or: modprobe xtcp);" \
			"man 7 xtcp; options: $PREFIX/share/xtcp/xtcp-modprobe.conf"
	fi
}

# ---------------------------------------------------------------- uninstall
do_uninstall() {
	local e t p k i moddir left kvers=() gfiles=()

	load_manifest || die "nothing to uninstall: no manifest $DESTDIR$MANIFEST (PREFIX/DESTDIR as for install?)"
	echo "xtcp uninstall: using $DESTDIR$MANIFEST"
	for e in "${entries[@]}"; do
		read -r t p <<<"$e"
		case $t in
		f)
			[ "$p" = "$MANIFEST" ] && continue
			if [ -e "$DESTDIR$p" ] || [ -L "$DESTDIR$p" ]; then
				rm -f "$DESTDIR$p" || die "cannot remove $DESTDIR$p"
				echo "  REMOVE  $DESTDIR$p"
			else
				echo "  (already gone: $DESTDIR$p)"
			fi
			;;
		k) kvers+=("$p") ;;
		g) gfiles+=("$p") ;;
		esac
	done
	for k in "${kvers[@]+"${kvers[@]}"}"; do
		moddir=/lib/modules/$k
		[ -d "$DESTDIR$moddir" ] || continue
		left=$(find "$DESTDIR$moddir" -name '*.ko*' -print -quit 2>/dev/null)
		if [ -z "$left" ] && [ -n "$DESTDIR" ]; then
			# a staging root with no other module: drop the indexes we made
			for p in "${gfiles[@]+"${gfiles[@]}"}"; do
				case $p in "$moddir"/*) rm -f "$DESTDIR$p" ;; esac
			done
		else
			echo "  DEPMOD  $k"
			depmod_run "$k" || echo "xtcp uninstall: depmod $k failed" >&2
		fi
	done
	rm -f "$DESTDIR$MANIFEST"
	# directories install created, deepest first, if now empty
	for ((i = ${#entries[@]} - 1; i >= 0; i--)); do
		read -r t p <<<"${entries[i]}"
		[ "$t" = d ] || continue
		rmdir "$DESTDIR$p" 2>/dev/null ||
			{ [ -d "$DESTDIR$p" ] && echo "  (kept non-empty $DESTDIR$p)"; }
	done
	echo "xtcp uninstall: done"
}

case $action in
install) do_install ;;
uninstall) do_uninstall ;;
esac
