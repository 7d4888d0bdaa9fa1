#!/usr/bin/env python3
"""How far the search's decision could take link F1 on a synthetic dataset (BENCHMARKS.md,
"Where a target is not met").

Reads a `popsync synth` dataset's truth.csv and a reconciliation of it (results.csv and
mismatches.csv, written without --mask-ids), and prints three figures:

- today: precision, recall and F1 of the results, from `popsync evaluate --json`;
- evidence ceiling: the F1 of the best rule that decides each searched row (SUGGESTED by the
  search, or AMBIGUOUS) from the evidence the matcher shows for it, linking its best candidate
  or nothing. Rows are grouped into cells by that evidence: the name, date, gender and province
  levels, whether an ID was given and its weight, whether the candidate is linked elsewhere, the
  lead over the next candidate (to 0.1 bit; none for a lone candidate) and the score (to 0.5
  bit). Each cell links where most of its rows' best candidates are the true person. The rule
  is fit on the answers it is scored on, so no rule deciding on that evidence, at that grain,
  does better: it is a ceiling, not a setting to adopt;
- oracle ceiling: every best candidate that is the true person linked, and no other.

Rows whose true person is not the best candidate (ranked lower, or not among the candidates)
stay unlinked under both ceilings: raising them would take evidence that ranks the true person
above a person the row matches better.

Usage: benches/f1_ceiling.py DATA_DIR [OUT_DIR]
  DATA_DIR holds truth.csv; OUT_DIR (default DATA_DIR/out) holds results.csv and mismatches.csv.
  POPSYNC names the binary (default: target/release/popsync beside this script's folder).
Standard library only; about a minute and 2 GB of memory at 10M rows.
"""

import collections
import csv
import json
import os
import subprocess
import sys


def read_truth(path):
    """insurance_code → the true person (empty: none)."""
    truth = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        code, person = header.index("insurance_code"), header.index("true_person_id")
        for row in rows:
            truth[row[code]] = row[person]
    return truth


def evaluate(data, out):
    """`popsync evaluate --json` of the run: the counts every figure here starts from."""
    here = os.path.dirname(os.path.abspath(__file__))
    popsync = os.environ.get("POPSYNC", os.path.join(here, "..", "target", "release", "popsync"))
    report = subprocess.run(
        [popsync, "evaluate", "--json", "--truth", data + "/truth.csv",
         "--results", out + "/results.csv"],
        check=True, capture_output=True, text=True,
    )
    return json.loads(report.stdout)


def scores(right, wrong, linkable):
    precision = right / (right + wrong) if right + wrong else 1.0
    recall = right / linkable if linkable else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def searched_cells(path, truth):
    """Per evidence cell: [rows whose best candidate is the true person, rows where it is not];
    and how many searched rows are SUGGESTED today, right and wrong."""
    cells = collections.defaultdict(lambda: [0, 0])
    suggested = [0, 0]
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        at = {name: i for i, name in enumerate(next(rows))}
        for row in rows:
            status, method = row[at["status"]], row[at["method"]]
            if status == "SUGGESTED" and method == "search":
                best, lead = row[at["person_id"]], "suggested"
            elif status == "AMBIGUOUS":
                best = row[at["compared_person_id"]]
                candidates = [c.rsplit(":", 1) for c in row[at["candidates"]].split()]
                lead = (
                    round(float(candidates[0][1]) - float(candidates[1][1]), 1)
                    if len(candidates) > 1
                    else "lone"
                )
            else:
                continue
            if best.startswith("*"):
                sys.exit(f"{path}: its IDs are masked (--mask-ids); reconcile again without it")
            key = (
                row[at["name_level"]],
                row[at["dob_level"]],
                row[at["gender_level"]],
                row[at["province_level"]],
                row[at["id_given"]] == "",
                row[at["id_weight"]],
                row[at["linked_weight"]].startswith("-"),
                lead,
                round(float(row[at["score"]]) * 2) / 2,
            )
            is_true = best != "" and best == truth.get(row[at["insurance_code"]])
            cells[key][0 if is_true else 1] += 1
            if status == "SUGGESTED":
                suggested[0 if is_true else 1] += 1
    return cells, suggested


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(next(part for part in __doc__.split("\n\n") if part.startswith("Usage")))
    data = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) == 3 else data + "/out"
    today = evaluate(data, out)
    linkable, right = today["linkable"], today["links_right"]
    wrong = today["links_asserted"] - right
    cells, (suggested_right, suggested_wrong) = searched_cells(
        out + "/mismatches.csv", read_truth(data + "/truth.csv")
    )

    # Every link but the search's suggestions stays as it is.
    kept_right, kept_wrong = right - suggested_right, wrong - suggested_wrong
    rule_right = sum(t for t, f in cells.values() if t > f)
    rule_wrong = sum(f for t, f in cells.values() if t > f)
    oracle_right = sum(t for t, _ in cells.values())

    print(f"rows {today['rows']}  linkable {linkable}  searched rows decided here "
          f"{sum(t + f for t, f in cells.values())} in {len(cells)} evidence cells")
    for label, r, w in [
        ("today", right, wrong),
        ("evidence ceiling", kept_right + rule_right, kept_wrong + rule_wrong),
        ("oracle ceiling", kept_right + oracle_right, kept_wrong),
    ]:
        p, rec, f1 = scores(r, w, linkable)
        print(f"{label:17} right {r}  wrong {w}  precision {p:.6f}  recall {rec:.6f}  f1 {f1:.6f}")


if __name__ == "__main__":
    main()
