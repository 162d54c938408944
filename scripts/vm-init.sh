#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-init.sh - PID 1 of a scripts/vm-run.sh guest (do not run it by hand).
#
# The initramfs has already mounted the host root read-only over 9p on /,
# with /dev /proc /sys, tmpfs on /tmp /var/tmp /run /root /mnt /dev/shm,
# /run/netns, and the writable results share on /mnt/out. This script runs
# the command described by /mnt/out/.vmrun/cmd with its output on ttyS0 (the
# host's stdout), stores its exit status and the full dmesg in /mnt/out and
# powers the guest off. Its own messages and the kernel's go to the console
# (ttyS1, the host's out/console.log).
#
# Every program started here is loaded over 9p (slow under TCG), so this
# script sticks to bash builtins where it can.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=${TERM:-linux}
umask 022
exec </dev/console >/dev/console 2>&1

OUT=/mnt/out

log() { echo "vm-init: $*"; }

halt_vm() {
	# stty applies settings with TCSADRAIN: it returns once everything
	# queued for the serial port has reached the host.
	stty -F /dev/ttyS0 -onlcr 2>/dev/null
	/bin/busybox reboot -f
	sleep 5
	echo b >/proc/sysrq-trigger
	sleep 60
}

die() {
	log "$*"
	echo "vm-init: $*" >/dev/ttyS0
	halt_vm
}

[ -r "$OUT/.vmrun/cmd" ] || die "no command file $OUT/.vmrun/cmd"
VM_REPO='' VM_INTERACTIVE=0 VM_DEADLINE=0 VM_ENV=() VM_CMD=()
. "$OUT/.vmrun/cmd" || die "cannot read $OUT/.vmrun/cmd"
[ ${#VM_CMD[@]} -gt 0 ] || die "empty command"
cd "$VM_REPO" || die "repository $VM_REPO not visible in the guest"
for e in "${VM_ENV[@]}"; do export "${e?}"; done
export XTCP_OUT=$OUT

# TCG text-patching race (DESIGN.md, issue 9): a static key flipped while
# the other vCPU runs through the patched site once killed a guest (Oops:
# int3 in netif_rx_internal). Turn on, once and before any test, the keys
# the tests toggle, and keep them on for the guest's life, so later users
# only count references and nothing is patched mid-run:
#   netstamp     a socket holding SO_TIMESTAMP (packet captures, SO_TIMESTAMP*)
#   ingress/egress/tcx   a clsact qdisc (tc filters: translator, drops)
#   rps_needed   rps_cpus on a receive queue (tests steer receive with RPS)
# on a veth pair of the root namespace, left down, that carries no traffic.
pin_static_keys() {
	local dev=xtcpkeys
	ip link add "$dev" type veth peer name "${dev}1" || return 1
	tc qdisc add dev "$dev" clsact || log "clsact on $dev failed"
	echo 1 >"/sys/class/net/$dev/queues/rx-0/rps_cpus" ||
		log "rps_cpus on $dev failed"
	python3 -c 'import socket, signal
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 29, 1)  # SO_TIMESTAMP (x86: 29)
s.bind(("127.0.0.1", 0))
signal.pause()' </dev/null >/dev/null 2>&1 &
	# bound after the option is set: its row in /proc/net/udp says done
	# (python3 can take seconds to start under TCG)
	local i line
	for ((i = 0; i < 300; i++)); do
		while read -r line; do
			case $line in *:*) return 0 ;; esac
		done </proc/net/udp
		sleep 0.1
	done
	return 1
}
# Linux's hash secrets are drawn once per boot by net_get_random_once(),
# whose static key is then switched off (text patched) from a workqueue:
# the first Linux TCP connection of a test did that mid-run and a guest died
# of `Oops: int3` in inet_ehashfn(). Draw them all now, before any test:
# TCP over IPv4 and IPv6 loopback (ehash, port perturbation, ISN and
# timestamp secrets), with syncookies forced for one connection of each
# family (the cookie secrets), and UDP both ways; then give the work a
# second to run.
draw_once_secrets() {
	local old rc
	old=$(cat /proc/sys/net/ipv4/tcp_syncookies) || return 1
	python3 -c 'import socket
def tcp(fam, host):
    l = socket.socket(fam, socket.SOCK_STREAM)
    l.bind((host, 0)); l.listen(1)
    c = socket.create_connection(l.getsockname()[:2])
    a, _ = l.accept(); c.sendall(b"x"); a.recv(1)
    for s in (c, a, l): s.close()
def udp(fam, host):
    r = socket.socket(fam, socket.SOCK_DGRAM); r.bind((host, 0))
    s = socket.socket(fam, socket.SOCK_DGRAM); s.connect(r.getsockname()[:2])
    s.send(b"x"); r.recv(1); s.close(); r.close()
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    tcp(fam, host); udp(fam, host)
with open("/proc/sys/net/ipv4/tcp_syncookies", "w") as f: f.write("2")
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    tcp(fam, host)' </dev/null >/dev/null 2>&1
	rc=$?
	echo "$old" >/proc/sys/net/ipv4/tcp_syncookies
	sleep 1
	return $rc
}
if [ "${XTCP_VM_PIN_KEYS:-1}" = 1 ]; then
	if pin_static_keys; then log "static keys pinned (netstamp, clsact, rps)"
	else log "could not pin static keys"; fi
	if draw_once_secrets; then log "once-only hash secrets drawn (TCP, UDP, syncookies)"
	else log "could not draw the once-only hash secrets"; fi
fi

printf -v now '%(%s)T' -1
remaining=$(( VM_DEADLINE - now ))
[ "$remaining" -ge 5 ] || remaining=5
read -r uptime _ </proc/uptime
log "booted in ${uptime}s; running ${VM_CMD[*]} (limit ${remaining}s)"
echo "vm-init: start ${VM_CMD[*]}" >/dev/kmsg

if [ "$VM_INTERACTIVE" = 1 ]; then
	# Own session with ttyS0 as controlling terminal, for job control.
	setsid -c -w timeout --foreground -k 5 "$remaining" "${VM_CMD[@]}" \
		</dev/ttyS0 >/dev/ttyS0 2>&1
	rc=$?
else
	# No CR before LF: the host gets the output byte for byte.
	stty -F /dev/ttyS0 -onlcr 2>/dev/null
	timeout -k 5 "$remaining" "${VM_CMD[@]}" </dev/null >/dev/ttyS0 2>&1
	rc=$?
fi
printf -v end '%(%s)T' -1
if [ "$rc" = 124 ] || { [ "$rc" = 137 ] && [ "$end" -ge $(( now + remaining )) ]; }; then
	rc=124
	echo "vm-init: command killed at the in-guest deadline (${remaining}s)" >/dev/ttyS0
fi

echo "vm-init: end rc=$rc" >/dev/kmsg
log "command exited $rc"
dmesg >"$OUT/dmesg.txt" 2>&1
echo "$rc" >"$OUT/exit_code"
halt_vm
