#!/usr/bin/env bash
# End-to-end benchmark (the targets in BENCHMARKS.md): synthesizes register × participants datasets outside the
# repository, times a plain CSV read of both files and `popsync reconcile` on them, and prints one
# Markdown row per size for BENCHMARKS.md: median wall time of RUNS runs, peak memory (max RSS),
# throughput, the ratio to the plain read, and `popsync evaluate`'s link F1.
#
# Usage: benches/e2e.sh [SIZE...]      SIZE: 100k, 1m, 10m or 100m (default: 1m 10m)
# Each size runs in two mixes: `default` (`popsync synth`'s own error rates, ~79 % SYNCED) and
# `heavy` (benches/heavy-noise.toml: about a third not SYNCED, as the hard nights are); 100m in
# the default mix only, unless MIXES_100M says otherwise.
# Environment: BENCH_DIR (default /tmp/popsync-bench) holds the data; RUNS (default 3) runs a
# size, RUNS_100M (default 1) the 100m size, whose one run takes many minutes; MIXES (default
# "default heavy") and MIXES_100M (default "default") the mixes run.
# Disk, per size (inputs + truth.csv + one run's outputs, measured): 1m ~0.3 GB, 10m ~3.4 GB,
# 100m ~34 GB (population.csv 6.4 GB, participants.csv 7.1 GB, truth.csv 3.2 GB, outputs ~17
# GB). Synthesizing 100m × 100m takes ~2.5 min on 2 cores; the 100m reconcile needs ~20 GB of
# memory, so run it on a 24 GB machine with nothing else big running.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-/tmp/popsync-bench}
RUNS=${RUNS:-3}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1m 10m)

cargo build --release --quiet --bin popsync --example plain_read
bin=target/release/popsync
plain=target/release/examples/plain_read

rows_of() {
  case "$1" in
    100k) echo 100000 ;; 1m) echo 1000000 ;; 10m) echo 10000000 ;; 100m) echo 100000000 ;;
    *) echo "unknown size $1 (100k, 1m, 10m, 100m)" >&2; exit 2 ;;
  esac
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')"
echo
echo "| size | mix | SYNCED | plain read (s) | reconcile (s) | ratio | peak RSS (MB) | rows/s | F1 | precision | recall |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
stages=()
phases=()
for size in "${sizes[@]}"; do
  mixes=${MIXES:-default heavy}
  [ "$size" = 100m ] && mixes=${MIXES_100M:-default}
  for mix in $mixes; do
    n=$(rows_of "$size")
    data="$BENCH_DIR/$size"
    noise=()
    if [ "$mix" = heavy ]; then
      data="$BENCH_DIR/$size-heavy"
      noise=(--noise benches/heavy-noise.toml)
    elif [ "$mix" != default ]; then
      echo "unknown mix $mix (default, heavy)" >&2; exit 2
    fi
    if [ ! -s "$data/truth.csv" ]; then
      mkdir -p "$data"
      "$bin" synth --out "$data" --register "$n" --participants "$n" --seed 1 "${noise[@]}" >/dev/null
    fi
    files=("$data/population.csv" "$data/participants.csv")
    cat "${files[@]}" >/dev/null # warm the page cache for both timings alike
    plain_times=()
    run_times=()
    peak=0
    runs=$RUNS
    [ "$size" = 100m ] && runs=${RUNS_100M:-1}
    for _ in $(seq "$runs"); do
      plain_times+=("$("$plain" "${files[@]}" | awk '/rows in/ {print $4}')")
      # As a night runs: diffed against the set the run before published. One earlier set kept,
      # not three: at 100m a set is ~10 GB of disk.
      /usr/bin/time -f "%e %M" -o "$data/time.txt" "$bin" reconcile -q --keep 1 \
        --participants "$data/participants.csv" --register "$data/population.csv" --out "$data/out"
      read -r wall rss <"$data/time.txt"
      run_times+=("$wall")
      [ "$rss" -gt "$peak" ] && peak=$rss
  done
  p=$(printf '%s\n' "${plain_times[@]}" | median)
  r=$(printf '%s\n' "${run_times[@]}" | median)
  scores=$("$bin" evaluate --truth "$data/truth.csv" --results "$data/out/results.csv" --json)
  f1=$(echo "$scores" | python3 -c 'import json,sys; print("%.5f" % json.load(sys.stdin)["f1"])')
  precision=$(echo "$scores" | python3 -c 'import json,sys; print("%.5f" % json.load(sys.stdin)["precision"])')
  recall=$(echo "$scores" | python3 -c 'import json,sys; print("%.5f" % json.load(sys.stdin)["recall"])')
  synced=$(python3 -c 'import json,sys; print("%.1f %%" % (100 * json.load(open(sys.argv[1]))["totals"]["sync_rate"]))' "$data/out/summary.json")
  awk -v s="$size" -v x="$mix" -v y="$synced" -v p="$p" -v r="$r" -v m="$peak" -v n="$n" -v f="$f1" -v pr="$precision" -v rc="$recall" \
    'BEGIN { printf "| %s × %s | %s | %s | %.2f | %.2f | %.1f× | %d | %.0f | %s | %s | %s |\n", s, s, x, y, p, r, r / p, m / 1024, n / r, f, pr, rc }'
  stages+=("$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings"]; print("| %s | " % sys.argv[2] + " | ".join("%.1f" % t["stages"][k] for k in ("read","normalize","index","match","write","history")) + " | %.1f |" % t["wall_seconds"])' "$data/out/summary.json" "$size $mix")")
  phases+=("$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["timings"]["phases"]; print("| %s | " % sys.argv[2] + " | ".join("%.1f" % p.get(k, 0) for k in ("register","index","participants","search","outputs")) + " |")' "$data/out/summary.json" "$size $mix")")
  done
done
echo
echo "Thread-seconds per stage, last run (summary.json \`timings\`):"
echo
echo "| size, mix | read | normalize | index | match | write | history | wall |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${stages[@]}"
echo
echo "Wall seconds per phase, last run (summary.json \`timings.phases\`):"
echo
echo "| size, mix | register | index | participants | search | outputs |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${phases[@]}"
