#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - XTCP against Linux TCP (`make bench`): boots one QEMU guest per
# kernel (scripts/vm-run.sh), runs scripts/guest-bench.sh in it, then puts
# the samples of every kernel together: XTCP/TCP ratios per pair, their
# median and min-max, as a table (stdout and build/bench/bench.md), a CSV
# (build/bench/bench.csv) and a chart (build/bench/bench.png, gnuplot).
#
# Usage: scripts/bench.sh [KVER...]
#   KVER  kernels to boot (default: $BENCH_KERNELS, else every kernel with
#         a build/KVER/xtcp.ko; `make bench` passes those of `make`)
#
# Environment: BENCH_KERNELS (above), BENCH_OUT (default build/bench), and
# the guest's knobs, passed on: BENCH_PAIRS (5), BENCH_LOSS_PAIRS (1),
# BENCH_SECS (2), BENCH_MEM_CONNS (10000), BENCH_KA_CONNS (20000),
# BENCH_KA_SECS (5), BENCH_LOSS_BYTES (64M), BENCH_LOSS_RATES ("1 5"),
# BENCH_TESTS (all groups);
# see scripts/guest-bench.sh. XTCP_VM_LOCK_HELD=1: the caller holds the
# machine's one-guest lock already.
#
# Absolute figures from a TCG guest are noise; only ratios of the same run
# (the same guest, XTCP and Linux TCP alternating) mean something.
# Results per kernel (raw.csv, info.txt, the guest's output.log, dmesg.txt,
# console.log) stay in build/bench/KVER/.
# Exit status: 0 when every kernel produced samples, 1 otherwise, 2 on usage
# errors.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
die() { echo "bench: $*" >&2; exit 2; }

kvers=("$@")
if [ ${#kvers[@]} = 0 ] && [ -n "${BENCH_KERNELS:-}" ]; then
	read -r -a kvers <<<"$BENCH_KERNELS"
fi
if [ ${#kvers[@]} = 0 ]; then
	for d in "$REPO"/build/*/xtcp.ko; do
		[ -f "$d" ] && kvers+=("$(basename "$(dirname "$d")")")
	done
fi
[ ${#kvers[@]} -gt 0 ] || die "no kernel given and no build/KVER/xtcp.ko (run make)"
for k in "${kvers[@]}"; do
	[ -f "/boot/vmlinuz-$k" ] || die "no kernel image /boot/vmlinuz-$k"
	[ -f "$REPO/build/$k/xtcp.ko" ] || die "build/$k/xtcp.ko missing (run make KVER=$k)"
done
[ -x "$REPO/tools/build/xtcp_bench" ] || die "tools/build/xtcp_bench missing (run make tools)"
command -v python3 >/dev/null || die "python3 missing (run scripts/install-deps.sh)"

OUT=${BENCH_OUT:-$REPO/build/bench}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
envs=()
for v in BENCH_PAIRS BENCH_LOSS_PAIRS BENCH_SECS BENCH_MEM_CONNS BENCH_KA_CONNS BENCH_KA_SECS \
	 BENCH_LOSS_BYTES BENCH_LOSS_RATES BENCH_TESTS; do
	[ -z "${!v:-}" ] || envs+=(--env "$v=${!v}")
done

# One guest at a time on this machine (see scripts/vm-run.sh): held for the
# whole run, as scripts/check.sh does.
# shellcheck source=vm-lock.sh
source "$(dirname "${BASH_SOURCE[0]}")/vm-lock.sh"
vm_lock bench

start=$SECONDS
failed=0
raws=()
for k in "${kvers[@]}"; do
	kout=$OUT/$k
	rm -rf "$kout"
	mkdir -p "$kout"
	echo "bench: $k: booting a guest ($(date -u '+%H:%M:%S UTC'))"
	t0=$SECONDS
	# progress: the guest's group lines and failures (all in output.log)
	set +e
	"$SCRIPT_DIR/vm-run.sh" --kernel "$k" --timeout 3000 --out "$kout" \
		"${envs[@]+"${envs[@]}"}" -- scripts/guest-bench.sh "$k" /mnt/out |
		grep --line-buffered -E '^# \[.*(===|FAILED|did not start)' | sed -u "s/^# /bench: $k: /"
	rc=${PIPESTATUS[0]}
	set -e
	echo "bench: $k: guest exit $rc after $((SECONDS - t0)) s; log in ${kout#"$REPO"/}/output.log"
	if [ $rc != 0 ]; then
		tail -n 20 "$kout/output.log" 2>/dev/null | sed 's/^/bench:   /' >&2 || true
		failed=1
	fi
	if grep -qE 'WARNING:|BUG:|Oops|KASAN|UBSAN|refcount_t' "$kout/dmesg.txt" 2>/dev/null; then
		echo "bench: $k: the guest's dmesg has kernel warnings (${kout#"$REPO"/}/dmesg.txt)" >&2
	fi
	if grep -q ',NA,' "$kout/raw.csv" 2>/dev/null; then
		echo "bench: $k: $(grep -c ',NA,' "$kout/raw.csv") failed run(s): see output.log" >&2
	fi
	if [ -s "$kout/raw.csv" ] && [ "$(wc -l <"$kout/raw.csv")" -gt 1 ]; then
		raws+=("$kout/raw.csv")
	else
		failed=1
	fi
done
[ ${#raws[@]} -gt 0 ] || { echo "bench: no samples" >&2; exit 1; }

# ------------------------------------------------------ ratios, table, CSV
python3 - "$OUT" "${raws[@]}" <<'EOF'
import csv, math, statistics, sys

out, raws = sys.argv[1], sys.argv[2:]
# test -> (label, better, issue 12's target for the median ratio, in chart)
TESTS = [
    ("stream_veth_1", "STREAM veth, 1 flow", "higher", ">= 1.0", True),
    ("stream_veth_8", "STREAM veth, 8 flows", "higher", ">= 1.0", True),
    ("stream_lo_1", "STREAM loopback, 1 flow", "higher", ">= 1.0", True),
    ("stream_lo_8", "STREAM loopback, 8 flows", "higher", ">= 1.0", True),
    ("rr_1", "RR 1 byte, 1 flow", "higher", ">= 1.0", True),
    ("rr_8", "RR 1 byte, 8 flows", "higher", ">= 1.0", True),
    ("crr_1", "CRR", "higher", ">= 1.2", True),
    ("mem_established", "memory / established conn.", "lower", "<= 0.7", True),
    ("mem_timewait", "memory / TIME_WAIT entry", "lower", "<= 0.3", True),
    ("meminfo_established", "same, meminfo Slab", "lower", "", False),
    ("meminfo_timewait", "same, meminfo Slab", "lower", "", False),
    ("keepalive_busy", "CPU, 20k idle keepalive conns", "lower", "", True),
    ("keepalive_per_probe", "CPU per keepalive probe", "lower", "", False),
    ("keepalive_probes", "keepalive probes sent", "", "", False),
    ("loss1_time", "64 MiB, 1% loss: time", "lower", "<= 1.0", True),
    ("loss1_rto", "64 MiB, 1% loss: RTOs", "lower", "<= 1.0", True),
    ("loss5_time", "64 MiB, 5% loss: time", "lower", "<= 1.0", True),
    ("loss5_rto", "64 MiB, 5% loss: RTOs", "lower", "<= 1.0", True),
]
BASES = [("tcp", "as shipped"), ("tcp_nooffload", "GSO/GRO/TSO off")]

samples = {}   # (kernel, test, stack) -> {pair: value}
units = {}
kernels = []
for path in raws:
    with open(path) as f:
        for r in csv.DictReader(f):
            if r["kernel"] not in kernels:
                kernels.append(r["kernel"])
            if r["value"] in ("", "NA"):
                continue
            samples.setdefault((r["kernel"], r["test"], r["stack"]), {})[r["pair"]] = \
                float(r["value"])
            units[r["test"]] = r["unit"]

def fmt(v):
    if v is None:
        return "n/a"
    if abs(v) >= 1e6:
        return "%.3g M" % (v / 1e6)
    if abs(v) >= 1e4:
        return "%.3g k" % (v / 1e3)
    if abs(v) >= 100:
        return "%.0f" % v
    return "%.3g" % v

rows = []
for k in kernels:
    for test, label, better, target, chart in TESTS:
        x = samples.get((k, test, "xtcp"))
        if not x:
            continue
        for base, bname in BASES:
            t = samples.get((k, test, base))
            if not t:
                continue
            pairs = sorted(set(x) & set(t))
            ratios = [x[p] / t[p] for p in pairs if t[p] > 0]
            if test.startswith("loss"):
                bname = "GSO/GRO/TSO off (both stacks)"
            elif not test.startswith("stream"):
                bname = "as shipped"
            rows.append(dict(
                kernel=k, test=test, label=label, baseline=base,
                baseline_name=bname, unit=units.get(test, ""), better=better,
                target=target, chart=chart, pairs=len(pairs), ratios=len(ratios),
                xtcp_median=statistics.median(x[p] for p in pairs) if pairs else None,
                tcp_median=statistics.median(t[p] for p in pairs) if pairs else None,
                ratio_median=statistics.median(ratios) if ratios else None,
                ratio_min=min(ratios) if ratios else None,
                ratio_max=max(ratios) if ratios else None))

cols = ["kernel", "test", "baseline", "unit", "better", "target", "pairs", "xtcp_median",
        "tcp_median", "ratio_median", "ratio_min", "ratio_max"]
with open(out + "/bench.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(cols)
    for r in rows:
        w.writerow(["" if r[c] is None else
                    ("%.4g" % r[c] if isinstance(r[c], float) else r[c]) for c in cols])

lines = []
for k in kernels:
    lines += ["", "Kernel %s (XTCP/TCP: per-pair ratios of the same guest)" % k, "",
              "| workload | Linux TCP | unit | XTCP | TCP | XTCP/TCP median | min-max | pairs"
              " | better | target |",
              "|---|---|---|---:|---:|---:|---:|---:|---|---|"]
    for r in rows:
        if r["kernel"] != k:
            continue
        rng = "n/a" if r["ratio_min"] is None else \
            "%.2f-%.2f" % (r["ratio_min"], r["ratio_max"])
        med = "n/a" if r["ratio_median"] is None else "%.2f" % r["ratio_median"]
        if r["ratios"] < r["pairs"]:
            rng += " (%d with TCP = 0)" % (r["pairs"] - r["ratios"])
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %d | %s | %s |" % (
            r["label"], r["baseline_name"], r["unit"], fmt(r["xtcp_median"]),
            fmt(r["tcp_median"]), med, rng, r["pairs"], r["better"], r["target"]))
text = "\n".join(lines).lstrip("\n") + "\n"
with open(out + "/bench.md", "w") as f:
    f.write(text)
print(text)

# gnuplot data: one row per chart entry, median/min/max per kernel
with open(out + "/bench.dat", "w") as f:
    f.write("# label " + " ".join("%s_med %s_min %s_max" % (k, k, k) for k in kernels) + "\n")
    for test, label, better, target, chart in TESTS:
        if not chart:
            continue
        for base, bname in BASES:
            vals = []
            for k in kernels:
                r = next((r for r in rows if r["kernel"] == k and r["test"] == test and
                          r["baseline"] == base), None)
                if r is None or r["ratio_median"] is None:
                    vals += ["NaN"] * 3
                else:
                    vals += ["%.4f" % r[c] for c in ("ratio_median", "ratio_min", "ratio_max")]
            if all(v == "NaN" for v in vals):
                continue
            name = label + (" (TCP offloads off)" if base == "tcp_nooffload" else "")
            f.write('"%s" %s\n' % (name, " ".join(vals)))
with open(out + "/kernels.txt", "w") as f:
    f.write("\n".join(kernels) + "\n")
# the chart's y range: powers of two around every ratio (0 clamped to 1/64)
vals = [r[c] for r in rows if r["chart"] and r["ratio_min"] is not None
        for c in ("ratio_min", "ratio_max")]
lo = max(min(vals + [0.5]), 1 / 64)
hi = max(vals + [2])
with open(out + "/bench.range", "w") as f:
    f.write("%g %g\n" % (2 ** math.floor(math.log2(lo)), 2 ** math.ceil(math.log2(hi))))
EOF

# ------------------------------------------------------------------ chart
if command -v gnuplot >/dev/null; then
	mapfile -t ks <"$OUT/kernels.txt"
	read -r ymin ymax <"$OUT/bench.range"
	plot=
	for i in "${!ks[@]}"; do
		c=$((2 + 3 * i))
		plot+="${plot:+, }'$OUT/bench.dat' using $c:$((c + 1)):$((c + 2))"
		[ "$i" = 0 ] && plot+=":xtic(1)"
		plot+=" title '${ks[$i]}'"
	done
	gnuplot <<-EOF
	set terminal pngcairo size 1280,760 font ",10" noenhanced
	set output '$OUT/bench.png'
	set title "XTCP / Linux TCP, same guest (QEMU TCG), median and min-max of per-pair ratios\nthroughput rows: higher is better for XTCP; memory, CPU, time and RTO rows: lower is better"
	set style data histogram
	set style histogram errorbars gap 1 lw 1
	set style fill solid 0.7 border -1
	set logscale y 2
	set yrange [$ymin:$ymax]
	set ytics ("1/64" 1.0/64, "1/32" 1.0/32, "1/16" 1.0/16, "1/8" 0.125, "1/4" 0.25, "1/2" 0.5, \
		"1" 1, "2" 2, "4" 4, "8" 8, "16" 16, "32" 32, "64" 64, "128" 128)
	set grid ytics
	set xtics rotate by 35 right
	set bmargin 14
	set lmargin 20
	set rmargin 4
	set key top left
	set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb "black"
	set ylabel "XTCP / Linux TCP"
	plot $plot
	EOF
	echo "bench: chart ${OUT#"$REPO"/}/bench.png"
else
	echo "bench: gnuplot missing: no chart (scripts/install-deps.sh installs it)" >&2
fi
echo "bench: table ${OUT#"$REPO"/}/bench.md, CSV ${OUT#"$REPO"/}/bench.csv;" \
	"${#kvers[@]} kernel(s) in $((SECONDS - start)) s"
exit $failed
