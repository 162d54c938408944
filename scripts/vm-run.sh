#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-run.sh - run one command as root inside a throw-away QEMU guest that
# boots an installed Debian kernel and sees this machine's root filesystem.
#
# Usage:
#   scripts/vm-run.sh [--kernel KVER] [--image BZIMAGE] [--timeout SECS]
#                     [--mem MB] [--smp N] [--kvm] [--out DIR]
#                     [--env NAME=VALUE]... [--interactive] -- CMD [ARGS...]
#
#   --kernel KVER   kernel to boot: /boot/vmlinuz-KVER + /lib/modules/KVER
#                   (default: the newest version under /lib/modules)
#   --image BZIMAGE boot this kernel image instead of /boot/vmlinuz-KVER;
#                   --kernel must give its release (`uname -r` in the guest).
#                   /lib/modules/KVER may be absent or hold no modules (a
#                   kernel with everything built in, e.g. the debug kernel
#                   of scripts/debug-kernel.sh)
#   --timeout SECS  wall-clock limit for boot + CMD (default 900); on expiry
#                   the guest is killed and vm-run exits 124
#   --mem MB        guest memory (default 2048)
#   --smp N         guest CPUs (default 2)
#   --kvm           use KVM if /dev/kvm is usable (default: TCG; KVM guests
#                   hang on the project machines, see DESIGN.md)
#   --out DIR       host directory for results (default: a fresh mktemp dir);
#                   writable in the guest at /mnt/out ($XTCP_OUT)
#   --env N=V       export N=V to CMD (XTCP_* variables of the caller are
#                   forwarded automatically)
#   --interactive   attach the terminal to CMD's stdin (e.g. `-- bash -i`);
#                   QEMU's monitor is on Ctrl-A c
#
# A guest that dies before userspace (no exit code and the console shows no
# "vm-init:" line: e.g. an early-boot crash of a debug kernel), or that has
# not reached vm-init after XTCP_VM_BOOT_TIMEOUT seconds (default 300), is
# booted again, at most XTCP_VM_BOOT_RETRIES times (default 2); the console
# of such an attempt is kept as console.bootfail-N.log.
#
# Guest environment: the host root (/) mounted read-only over virtio-9p
# (uncached, so host changes show at once), /usr from a second read-only
# export with cache=loose (programs start several times faster), fresh tmpfs
# on /tmp /run /root /mnt /var/tmp /dev/shm, /run/netns ready for `ip netns`,
# modules from the host's /lib/modules/KVER (modprobe works). The repository
# is read-only: write to /tmp, or to $XTCP_OUT (= /mnt/out) to keep results.
# CMD runs as root with cwd = the repository root, HOME=/root, stdin =
# /dev/null, the caller's XTCP_* variables, and the kernel command line
# "console=ttyS1 loglevel=7 panic=-1 panic_on_warn=0 ..." (WARNs do not
# panic; look for them in dmesg.txt).
#
# Results in the out dir:
#   output.log    CMD's stdout+stderr (also streamed live to our stdout)
#   exit_code     CMD's exit status
#   dmesg.txt     the guest's full dmesg, taken after CMD finished
#   console.log   the kernel console (all boot messages, oopses and panics;
#                 the only record when the guest dies)
#
# Exit status: CMD's exit status; 124 if the time limit expired (QEMU killed,
# or CMD killed by the in-guest deadline); 125 if the guest never reported an
# exit code (panic, crash); 2 for usage or setup errors on the host.
#
# The initramfs (busybox + virtio/9p modules) is built once per kernel into
# build/initramfs-KVER.cpio.gz and rebuilt when this script, busybox or the
# kernel changes. The guest-side setup lives in scripts/vm-init.sh.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
case "$REPO" in
*[[:space:]]*) echo "vm-run: the repository path must not contain spaces: $REPO" >&2; exit 2 ;;
esac
CACHE_DIR=${XTCP_VM_CACHE:-$REPO/build}

# Modules the initramfs loads to reach the 9p root, in load order. Built-in
# or absent ones are skipped; dependencies found in modules.dep come first.
INITRD_MODULES=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
		virtio_pci netfs fscache 9pnet 9pnet_virtio 9p)

die() { echo "vm-run: $*" >&2; exit 2; }
usage() { sed -n '4,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" >&2; exit 2; }

kver=
image=
timeout_s=900
mem=2048
smp=2
use_kvm=0
out=
interactive=0
envs=()

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) [ $# -ge 2 ] || usage; kver=$2; shift 2 ;;
	--image) [ $# -ge 2 ] || usage; image=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift 2 ;;
	--mem) [ $# -ge 2 ] || usage; mem=$2; shift 2 ;;
	--smp) [ $# -ge 2 ] || usage; smp=$2; shift 2 ;;
	--out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	--env) [ $# -ge 2 ] || usage; envs+=("$2"); shift 2 ;;
	--kvm) use_kvm=1; shift ;;
	--interactive) interactive=1; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	*) echo "vm-run: unknown option '$1'" >&2; usage ;;
	esac
done
[ $# -gt 0 ] || { echo "vm-run: no command given" >&2; usage; }
cmd_args=("$@")

for v in timeout_s mem smp; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--${v%_s} needs a positive integer, got '${!v}'"
done
for e in "${envs[@]+"${envs[@]}"}"; do
	[[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "--env needs NAME=VALUE, got '$e'"
done

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not installed (run scripts/install-deps.sh)"
if [ ! -x /bin/busybox ] || ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
	die "static /bin/busybox missing (install busybox-static: scripts/install-deps.sh)"
fi

if [ -n "$image" ] && [ -z "$kver" ]; then
	die "--image needs --kernel KVER (the image's kernel release)"
fi
if [ -z "$kver" ]; then
	kver=$(for d in /lib/modules/*; do
		[ -f "/boot/vmlinuz-${d##*/}" ] && echo "${d##*/}"; done | sort -V | tail -n1)
	[ -n "$kver" ] || die "no installed kernel found (/boot/vmlinuz-* with /lib/modules/*)"
fi
kernel=/boot/vmlinuz-$kver
moddir=/lib/modules/$kver
if [ -n "$image" ]; then
	kernel=$image
	[ -f "$kernel" ] || die "kernel image $kernel not found"
elif [ ! -f "$kernel" ] || [ ! -d "$moddir" ]; then
	die "kernel $kver not installed ($kernel, $moddir)"
fi
[ -r "$kernel" ] || die "cannot read $kernel (run as root)"

# ---------------------------------------------------------------- initramfs
# Resolve a module name to "path ..." (dependencies first, itself last), or
# nothing when it is built in or absent.
mod_chain() {
	local name=$1 line path deps d
	[ -f "$moddir/modules.dep" ] || return 0
	line=$(grep -E "(^|/)${name}\.ko(\.xz|\.zst|\.gz)?:" "$moddir/modules.dep" | head -n1) || true
	[ -n "$line" ] || return 0
	path=${line%%:*}
	deps=${line#*:}
	# modules.dep lists dependencies so that the last one loads first.
	for d in $(printf '%s\n' $deps | tac); do echo "$d"; done
	echo "$path"
}

build_initramfs() {
	local img=$1 stage m f dst order=()
	stage=$(mktemp -d "${TMPDIR:-/tmp}/vm-initramfs.XXXXXX")
	trap 'rm -rf "$stage"' RETURN
	mkdir -p "$stage"/{bin,dev,proc,sys,newroot,lib/modules}
	cp /bin/busybox "$stage/bin/busybox"
	for m in $(/bin/busybox --list); do
		[ "$m" = busybox ] || ln -s busybox "$stage/bin/$m"
	done
	for m in "${INITRD_MODULES[@]}"; do
		for f in $(mod_chain "$m"); do
			case " ${order[*]-} " in *" $f "*) continue ;; esac
			order+=("$f")
		done
	done
	: >"$stage/modules.order"
	for f in "${order[@]+"${order[@]}"}"; do
		dst=$stage/lib/modules/$(basename "${f%.xz}")
		dst=${dst%.zst}; dst=${dst%.gz}
		case "$f" in
		*.xz) xz -dc "$moddir/$f" >"$dst" ;;
		*.zst) zstd -qdc "$moddir/$f" >"$dst" ;;
		*.gz) gzip -dc "$moddir/$f" >"$dst" ;;
		*) cp "$moddir/$f" "$dst" ;;
		esac
		basename "$dst" >>"$stage/modules.order"
	done
	cat >"$stage/init" <<'INIT_EOF'
#!/bin/sh
# XTCP vm-run initramfs /init: load virtio + 9p, mount the host root
# read-only on /newroot and prepare it (done here with busybox from RAM,
# which is far faster than running programs over 9p), then switch_root and
# exec the repository's scripts/vm-init.sh (path from xtcp.vminit=).
export PATH=/bin
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
fail() {
	echo "vm-run initramfs: $*"
	echo "vm-run initramfs: $*" >/dev/ttyS0
	sleep 1
	reboot -f
}
opt() { mount "$@" 2>/dev/null || echo "vm-run initramfs: optional mount failed: $*"; }
while read -r m; do
	insmod "/lib/modules/$m" || fail "insmod $m failed"
done </modules.order
vminit=
repo=
for a in $(cat /proc/cmdline); do
	case "$a" in
	xtcp.vminit=*) vminit=${a#xtcp.vminit=} ;;
	xtcp.repo=*) repo=${a#xtcp.repo=} ;;
	esac
done
[ -n "$vminit" ] || fail "no xtcp.vminit= on the kernel command line"
R=/newroot
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro root $R ||
	fail "cannot mount the 9p root"
# /usr (programs and libraries) comes from its own export with cache=loose:
# with the uncached root every exec re-reads its binary and libraries into
# fresh pages, which TCG must translate again; cached, repeated execs are
# several times faster. Nothing is ever mounted on top of /usr.
if grep -q ' xtcp.usrcache=1' /proc/cmdline; then
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro,cache=loose usr $R/usr ||
		echo "vm-run initramfs: cached /usr mount failed, using the uncached root"
fi
mount --move /dev $R/dev
mount --move /proc $R/proc
mount --move /sys $R/sys
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts
mkdir -p $R/dev/shm $R/dev/mqueue
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
ln -sf /proc/self/fd $R/dev/fd
ln -sf /proc/self/fd/0 $R/dev/stdin
ln -sf /proc/self/fd/1 $R/dev/stdout
ln -sf /proc/self/fd/2 $R/dev/stderr
for d in tmp var/tmp; do
	mount -t tmpfs -o mode=1777 tmpfs $R/$d || fail "cannot mount tmpfs on /$d"
done
for d in run root mnt; do
	mount -t tmpfs -o mode=755 tmpfs $R/$d || fail "cannot mount tmpfs on /$d"
done
mkdir -p $R/run/netns $R/run/lock $R/run/user $R/mnt/out
chmod 1777 $R/run/lock
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out $R/mnt/out ||
	fail "cannot mount the results share on /mnt/out"
# The repository has its own export, mounted back at its host path: a clone
# under /tmp, /root, /run or /mnt would otherwise be hidden by the tmpfs above.
if [ -n "$repo" ]; then
	mkdir -p "$R$repo" 2>/dev/null
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro repo "$R$repo" ||
		fail "cannot mount the repository share on $repo"
fi
[ -x "$R$vminit" ] || fail "$vminit not found or not executable in the guest"
opt -t mqueue mqueue $R/dev/mqueue
opt -t bpf bpf $R/sys/fs/bpf
opt -t debugfs debugfs $R/sys/kernel/debug
opt -t tracefs tracefs $R/sys/kernel/tracing
opt -t cgroup2 cgroup2 $R/sys/fs/cgroup
hostname xtcp-vm
ip link set lo up
exec switch_root $R "$vminit"
INIT_EOF
	chmod 755 "$stage/init"
	(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$img.tmp"
	mv -f "$img.tmp" "$img"
}

mkdir -p "$CACHE_DIR" || die "cannot create cache dir $CACHE_DIR"
initrd=$CACHE_DIR/initramfs-$kver.cpio.gz
key=$( { sha256sum <"$0"; stat -c '%n %s %Y' "$kernel" /bin/busybox
	stat -c '%n %s %Y' "$moddir/modules.dep" 2>/dev/null || echo "no $moddir/modules.dep"; } |
	sha256sum | cut -d' ' -f1)
exec 9>"$CACHE_DIR/.initramfs-$kver.lock"
flock 9
if [ ! -s "$initrd" ] || [ "$(cat "$initrd.key" 2>/dev/null)" != "$key" ]; then
	echo "vm-run: building $initrd" >&2
	build_initramfs "$initrd"
	echo "$key" >"$initrd.key"
fi
flock -u 9
exec 9>&-

# One guest at a time on this machine: two TCG guests on two cores starve
# each other and make timing tests fail. Every vm-run (any clone, any
# user) waits here for the one before it. XTCP_VM_LOCK overrides the path.
# A caller that already holds it (scripts/check.sh) sets XTCP_VM_LOCK_HELD=1.
vm_lock=${XTCP_VM_LOCK:-/var/lock/xtcp-vm.lock}
if [ "${XTCP_VM_LOCK_HELD:-0}" != 1 ]; then
	exec 8>"$vm_lock" || die "cannot open the VM lock $vm_lock"
	if ! flock -n 8; then
		echo "vm-run: waiting for another guest to finish ($vm_lock)" >&2
		flock 8
	fi
fi

# ------------------------------------------------------------- out + command
if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/vm-run.XXXXXX")
else
	mkdir -p "$out" || die "cannot create $out"
fi
out=$(cd "$out" && pwd)
rm -f "$out/exit_code" "$out/dmesg.txt" "$out/console.log" "$out/output.log"
ctl=$out/.vmrun
rm -rf "$ctl"
mkdir -p "$ctl"

# The command file is sourced by vm-init.sh in the guest; written again for
# each boot attempt (the deadline counts from the attempt's start).
write_cmd() {
{
	printf 'VM_REPO=%q\n' "$REPO"
	printf 'VM_INTERACTIVE=%q\n' "$interactive"
	# Deadline in host wall-clock seconds: the guest stops CMD a little
	# earlier so that it can still save dmesg and report 124 itself.
	printf 'VM_DEADLINE=%q\n' "$(( $(date +%s) + timeout_s - 15 ))"
	printf 'VM_ENV=('
	for e in $(compgen -e); do
		case $e in XTCP_OUT) ;; XTCP_*) printf '%q ' "$e=${!e}" ;; esac
	done
	for e in "${envs[@]+"${envs[@]}"}"; do printf '%q ' "$e"; done
	printf ')\n'
	printf 'VM_CMD=('
	for a in "${cmd_args[@]}"; do printf '%q ' "$a"; done
	printf ')\n'
} >"$ctl/cmd"
}

# ---------------------------------------------------------------------- QEMU
accel=tcg
if [ "$use_kvm" = 1 ]; then
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		accel=kvm
	else
		echo "vm-run: /dev/kvm not usable, falling back to TCG" >&2
	fi
fi
if [ "$accel" = kvm ]; then
	accel_args=(-accel kvm -cpu host)
else
	accel_args=(-accel tcg,thread=multi -cpu max)
fi

cmdline="console=ttyS1,115200 loglevel=7 panic=-1 panic_on_warn=0 net.ifnames=0 edd=off"
cmdline+=" mitigations=off tsc=reliable no_timer_check random.trust_cpu=on"
cmdline+=" rdinit=/init xtcp.vminit=$SCRIPT_DIR/vm-init.sh xtcp.usrcache=${XTCP_VM_USR_CACHE:-1}"
cmdline+=" xtcp.repo=$REPO"

if [ "$interactive" = 1 ]; then
	serial0=(-serial mon:stdio)
	stdin_src=/dev/stdin
else
	serial0=(-chardev "stdio,id=ser0,signal=off,logfile=$out/output.log" -serial chardev:ser0)
	stdin_src=/dev/null
fi

# qboot: a minimal firmware, faster than SeaBIOS and silent on the serial port.
bios=()
[ -f /usr/share/qemu/qboot.rom ] && [ "${XTCP_VM_BIOS:-qboot}" = qboot ] && bios=(-bios /usr/share/qemu/qboot.rom)

qemu=(qemu-system-x86_64 -machine q35 "${accel_args[@]}" -m "$mem" -smp "$smp" "${bios[@]}"
	-nodefaults -no-user-config -nographic -no-reboot
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline"
	"${serial0[@]}" -serial "file:$out/console.log"
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap
	-virtfs local,path=/usr,mount_tag=usr,security_model=none,readonly=on,multidevs=remap
	-virtfs "local,path=$out,mount_tag=out,security_model=none,multidevs=remap"
	-virtfs "local,path=$REPO,mount_tag=repo,security_model=none,readonly=on,multidevs=remap"
	-device virtio-rng-pci -nic none)

boot_retries=${XTCP_VM_BOOT_RETRIES:-2}
boot_timeout=${XTCP_VM_BOOT_TIMEOUT:-300}
[[ $boot_retries =~ ^[0-9]+$ ]] || die "XTCP_VM_BOOT_RETRIES must be a number"
[[ $boot_timeout =~ ^[1-9][0-9]*$ ]] || die "XTCP_VM_BOOT_TIMEOUT must be a positive number"
# Userspace reached: vm-init logs "vm-init: ..." on the console.
reached_vm_init() { grep -q 'vm-init: ' "$out/console.log" 2>/dev/null; }

# A non-interactive QEMU runs in the background (for the boot watchdog),
# where it would ignore Ctrl-C: pass INT/TERM on, and never leave it behind.
qpid=
trap '[ -z "$qpid" ] || kill -TERM "$qpid" 2>/dev/null; exit 130' INT TERM
attempt=0
while :; do
	attempt=$((attempt + 1))
	rm -f "$out/exit_code" "$out/console.log"
	write_cmd
	echo "vm-run: booting $kver${image:+ ($image)} ($accel, ${smp} cpu, ${mem} MB, timeout ${timeout_s}s), results in $out" >&2
	start=$(date +%s)
	set +e
	if [ "$interactive" = 1 ]; then
		timeout --foreground -k 5 "$timeout_s" "${qemu[@]}" <"$stdin_src" 8>&-
		qrc=$?
	else
		timeout -k 5 "$timeout_s" "${qemu[@]}" <"$stdin_src" 8>&- &
		qpid=$!
		# Boot watchdog: a guest stuck before vm-init is killed (and retried).
		(
			while kill -0 "$qpid" 2>/dev/null; do
				reached_vm_init && exit 0
				if [ $(( $(date +%s) - start )) -ge "$boot_timeout" ]; then
					echo "vm-run: $kver: no vm-init after ${boot_timeout}s, killing the guest" >&2
					kill -TERM "$qpid" 2>/dev/null
					exit 0
				fi
				sleep 2
			done
		) 8>&- &
		wpid=$!
		wait "$qpid"
		qrc=$?
		qpid=
		kill "$wpid" 2>/dev/null
		wait "$wpid" 2>/dev/null
	fi
	set -e
	elapsed=$(( $(date +%s) - start ))
	if [ -s "$out/exit_code" ] || reached_vm_init || [ "$attempt" -gt "$boot_retries" ]; then
		break
	fi
	cp -f "$out/console.log" "$out/console.bootfail-$attempt.log" 2>/dev/null || true
	first=$(grep -m1 -E 'Kernel panic|BUG:|Oops|general protection|KASAN' "$out/console.log" 2>/dev/null || true)
	echo "vm-run: $kver: guest died before userspace (QEMU exit $qrc after ${elapsed}s${first:+: $first}); boot attempt $((attempt + 1)) of $((boot_retries + 1)) (console kept as console.bootfail-$attempt.log)" >&2
done
exec 8>&-
rm -rf "$ctl"
if [ "$interactive" = 1 ]; then stty sane 2>/dev/null || true; fi

if [ -s "$out/exit_code" ]; then
	rc=$(cat "$out/exit_code")
	[[ $rc =~ ^[0-9]+$ ]] || rc=125
	echo "vm-run: $kver: command exited $rc after ${elapsed}s" >&2
	exit "$rc"
fi
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "vm-run: $kver: timed out after ${timeout_s}s, QEMU killed (kernel log: $out/console.log)" >&2
	exit 124
fi
echo "vm-run: $kver: guest never reported an exit code (QEMU exit $qrc after ${elapsed}s); kernel log: $out/console.log" >&2
# Show the start of the first oops/panic report, else the end of the log.
first=$(grep -nE 'Kernel panic|BUG:|Oops|general protection|WARNING:|vm-run initramfs:' "$out/console.log" 2>/dev/null |
	head -n1 | cut -d: -f1) || true
if [ -n "$first" ]; then
	sed -n "${first},$((first + 39))p" "$out/console.log"
else
	tail -n 30 "$out/console.log" 2>/dev/null
fi | sed 's/^/vm-run: console: /' >&2 || true
exit 125
