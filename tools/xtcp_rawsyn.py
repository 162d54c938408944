#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""xtcp_rawsyn.py - send one hand-built XTCP segment and show the answer.

An XTCP segment is a TCP segment carried in IP protocol 253, its checksum
computed over the TCP pseudo-header with protocol 6. This tool builds the TCP
header itself, sends it through a raw IP socket (the kernel adds the IP
header and routes it like any packet) and, with --wait, prints the segment
that comes back from the destination port (e.g. the RST of a closed port).

usage: xtcp_rawsyn.py --dst ADDR --dport PORT [--src ADDR] [--sport PORT]
                      [--flags S] [--seq N] [--ack N] [--win N] [--len N]
                      [--proto 253] [--bad-csum] [--wait SECS]

Run it in a network namespace with `ip netns exec NS python3 ...`.
Exit status: 0 sent (and, with --wait, answered); 3 no answer; 1 error.
"""

import argparse
import os
import random
import select
import socket
import struct
import sys
import time

FLAG_BITS = "FSRPAUEC"  # bit 0 = FIN ... bit 7 = CWR
FLAG_NAMES = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"]


def parse_flags(text):
    bits = 0
    for ch in text.upper():
        if ch == "-":
            continue
        if ch not in FLAG_BITS:
            raise argparse.ArgumentTypeError("unknown flag letter %r (use %s)" % (ch, FLAG_BITS))
        bits |= 1 << FLAG_BITS.index(ch)
    return bits


def flag_names(bits):
    names = [FLAG_NAMES[i] for i in range(8) if bits & (1 << i)]
    # Same order as Wireshark: SYN, RST, ... ACK last reads best as "RST, ACK".
    return ", ".join(names) if names else "none"


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def tcp_checksum(src, dst, segment):
    # The pseudo-header says protocol 6 (TCP) even though IP carries 253.
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(segment))
    return (~csum16(pseudo + segment)) & 0xFFFF


def build_segment(src, dst, sport, dport, seq, ack, flags, win, payload, bad):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, win, 0, 0)
    seg = hdr + payload
    c = tcp_checksum(src, dst, seg)
    if bad:
        c ^= 0x5A5A
    return seg[:16] + struct.pack("!H", c) + seg[18:], c


def source_for(dst):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((dst, 9))
        return s.getsockname()[0]
    finally:
        s.close()


def describe(src, sport, dst, dport, seg):
    seq, ack = struct.unpack("!II", seg[4:12])
    off = seg[12] >> 4
    flags = seg[13]
    win = struct.unpack("!H", seg[14:16])[0]
    return "[%s] %s:%d -> %s:%d seq=%u ack=%u win=%u hdr=%dB data=%dB" % (
        flag_names(flags), src, sport, dst, dport, seq, ack, win, off * 4, len(seg) - off * 4)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dst", required=True, help="destination IPv4 address")
    ap.add_argument("--dport", type=int, required=True, help="destination port")
    ap.add_argument("--src", help="source address (default: the route's)")
    ap.add_argument("--sport", type=int, default=0, help="source port (default: random)")
    ap.add_argument("--flags", type=parse_flags, default=parse_flags("S"),
                    help="flag letters from %s, e.g. S, SA, PA, R (default S)" % FLAG_BITS)
    ap.add_argument("--seq", type=int, default=None, help="sequence number (default: random)")
    ap.add_argument("--ack", type=int, default=0, help="acknowledgment number")
    ap.add_argument("--win", type=int, default=64240, help="window")
    ap.add_argument("--len", type=int, default=0, help="payload bytes to append")
    ap.add_argument("--proto", type=int, default=253, help="IP protocol (default 253)")
    ap.add_argument("--bad-csum", action="store_true", help="send a wrong checksum")
    ap.add_argument("--wait", type=float, default=0, help="seconds to wait for an answer")
    a = ap.parse_args()

    src = a.src or source_for(a.dst)
    sport = a.sport or random.randint(32768, 60999)
    seq = a.seq if a.seq is not None else random.getrandbits(32)
    seg, c = build_segment(src, a.dst, sport, a.dport, seq & 0xFFFFFFFF, a.ack & 0xFFFFFFFF,
                           a.flags, a.win, b"x" * a.len, a.bad_csum)

    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, a.proto)
    except PermissionError:
        print("xtcp_rawsyn: raw sockets need root (CAP_NET_RAW)", file=sys.stderr)
        return 1
    if a.src:
        s.bind((a.src, 0))
    s.sendto(seg, (a.dst, 0))
    print("sent     %s  (IP proto %d, checksum 0x%04x%s)" % (
        describe(src, sport, a.dst, a.dport, seg), a.proto, c, ", corrupted" if a.bad_csum else ""))
    sys.stdout.flush()
    if a.wait <= 0:
        return 0

    deadline = time.monotonic() + a.wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            print("no answer from %s:%d within %gs" % (a.dst, a.dport, a.wait))
            return 3
        pkt, _ = s.recvfrom(65535)
        ihl = (pkt[0] & 0x0F) * 4
        if len(pkt) < ihl + 20:
            continue
        psrc = socket.inet_ntoa(pkt[12:16])
        pdst = socket.inet_ntoa(pkt[16:20])
        rseg = pkt[ihl:]
        rsport, rdport = struct.unpack("!HH", rseg[:4])
        if psrc != a.dst or rsport != a.dport or rdport != sport:
            continue
        ok = tcp_checksum(psrc, pdst, rseg[:16] + b"\0\0" + rseg[18:]) == struct.unpack("!H", rseg[16:18])[0]
        print("received %s  (IP proto %d, checksum %s)" % (
            describe(psrc, rsport, pdst, rdport, rseg), pkt[9], "ok" if ok else "BAD"))
        return 0


if __name__ == "__main__":
    sys.exit(main())
