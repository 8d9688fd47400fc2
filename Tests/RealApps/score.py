#!/usr/bin/env python3
"""Scores `chaos-test scan` against the runtime ground truth of the real-app corpus.

    Tests/RealApps/score.py [--chaos-test PATH] [--ci] [--json OUT]
                            [--min-precision X] [--min-recall Y] [--min-app-recall Z] [--min-def-precision W]
                            [--misses APP] [APP...]

Needs `.ci/realapps` to have run first (each app's venv and .corpus/<app>/truth.json).
For each app it runs `chaos-test scan <site-packages/pkg> --json`, times it, and compares:

- routes: (method, normalised path) pairs. Truth pairs are the in-root, literal,
  non-dynamic HTTP routes (see truth.py). Scanner pairs that match an excluded
  truth route (external handler, dynamic, non-literal, websocket/mount) are
  neutral: neither a hit nor an extra.
- def lines: (file, line) handler pairs, the same way.
- a scanner route with a marked part (`{?root_path}/items`, a part known only at run
  time) hits the truth routes of the same handler and method that its path matches with
  the marker read as any text; one that matches none is an extra.

A scanner that crashes or times out gives a CRASH/TIMEOUT row (found 0), never a
scorer failure. With --min-* the exit status is 1 when a threshold is not met.
Standard library only; runs with any python3.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_BINARY = os.path.join(REPO, ".build", "debug", "chaos-test")


def load_manifest():
    with open(os.path.join(HERE, "corpus.json")) as f:
        return json.load(f)


def scan_methods(methods):
    """The scanner's methods, normalised like truth.py: upper case, HEAD dropped beside GET."""
    ms = {m.upper() for m in methods}
    if "GET" in ms:
        ms.discard("HEAD")
    return sorted(ms) if ms else ["ANY"]


def is_scored(record):
    return record["kind"] == "http" and not record["external"] and record["literal"] and not record["dynamic"] \
        and record["file"] is not None and record["line"] is not None


def truth_sets(truth):
    scored_pairs, all_pairs, scored_defs, all_defs = {}, set(), {}, set()
    scored_paths = set()
    for record in truth["routes"]:
        pairs = [(m, record["path"]) for m in record["methods"]]
        handler = (record["file"], record["line"]) if record["file"] and record["line"] else None
        all_pairs.update(pairs)
        if handler:
            all_defs.add(handler)
        if is_scored(record):
            for pair in pairs:
                scored_pairs.setdefault(pair, record)
            scored_defs.setdefault(handler, record)
            scored_paths.add(record["path"])
    return scored_pairs, all_pairs, scored_defs, all_defs, scored_paths


def run_scan(binary, folder, timeout):
    start = time.monotonic()
    try:
        proc = subprocess.run([binary, "scan", folder, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "TIMEOUT", "rc": None, "seconds": time.monotonic() - start, "scan": None, "stderr": ""}
    seconds = time.monotonic() - start
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode < 0:
        name = signal.Signals(-proc.returncode).name if -proc.returncode in signal.Signals._value2member_map_ else str(-proc.returncode)
        return {"status": "CRASH " + name, "rc": proc.returncode, "seconds": seconds, "scan": None, "stderr": stderr}
    try:
        scan = json.loads(proc.stdout.decode("utf-8", "replace"))
    except ValueError:
        return {"status": "CRASH rc=%d (no JSON)" % proc.returncode, "rc": proc.returncode, "seconds": seconds,
                "scan": None, "stderr": stderr}
    return {"status": "ok" if proc.returncode == 0 else "rc=%d" % proc.returncode, "rc": proc.returncode,
            "seconds": seconds, "scan": scan, "stderr": stderr}


def ratio(a, b):
    return a / b if b else None


def score_app(entry, binary, timeout):
    corpus = os.path.join(REPO, ".corpus", entry["name"])
    truth_path = os.path.join(corpus, "truth.json")
    if not os.path.exists(truth_path):
        return {"app": entry["name"], "framework": entry["framework"], "status": "NO TRUTH (run .ci/realapps)"}
    with open(truth_path) as f:
        truth = json.load(f)
    folder = os.path.join(REPO, ".corpus", entry.get("venv", entry["name"]), truth["scan_root"])
    scored_pairs, all_pairs, scored_defs, all_defs, scored_paths = truth_sets(truth)
    run = run_scan(binary, folder, timeout)
    scan = run["scan"] or {"routes": [], "diagnostics": []}

    frameworks = set(entry.get("scanner_frameworks", []))
    found_pairs, found_defs, found_paths = {}, {}, set()
    app_patterns = [re.compile(rx) for rx in entry.get("scanner_apps", [])]
    partial = other = 0
    handlers_by_pair = {}
    for pair, record in scored_pairs.items():
        handlers_by_pair.setdefault((record.get("file"), record.get("line")), []).append(pair)
    for route in scan.get("routes", []):
        if frameworks and route.get("framework") not in frameworks:
            other += 1
            continue
        # App ids are relative to the scanned folder (`feature_server:get_app()` when the
        # folder is the feast package); the patterns may name them with the package too.
        app_ids = [route.get("app", "")]
        if entry.get("scan_package"):
            app_ids.append(entry["scan_package"] + "." + app_ids[0])
        if app_patterns and not any(rx.search(app_id) for rx in app_patterns for app_id in app_ids):
            # Another app object in the same package (prefect's standalone create_api_app(),
            # feast's lineage server): the truth is of one app, so these are not scored.
            other += 1
            continue
        path = route["path"]
        if "{?" in path:
            # A "partly dynamic" route (`{?prefix}/items`): the scanner knows its handler and
            # the rest of its path, not the marked part. It matches a truth route of the same
            # handler and method whose path the marker (as any text) makes equal; one that
            # matches nothing counts against precision like any wrong route.
            partial += 1
            pattern = re.compile("^" + "".join(".*" if part.startswith("{?") else re.escape(part)
                                                for part in re.split(r"(\{\?[^}]*\})", path)) + "$")
            methods = set(scan_methods(route.get("methods", [])))
            matches = [pair for pair in handlers_by_pair.get((route.get("file"), route.get("line")), [])
                       if pair[0] in methods and pattern.match(pair[1])]
            for pair in matches:
                found_pairs.setdefault(pair, route)
                found_paths.add(pair[1])
            if not matches:
                for m in methods:
                    found_pairs.setdefault((m, path), route)
            found_defs.setdefault((route.get("file"), route.get("line")), route)
            continue
        for m in scan_methods(route.get("methods", [])):
            found_pairs.setdefault((m, path), route)
        found_defs.setdefault((route.get("file"), route.get("line")), route)
        found_paths.add(path)

    neutral_pairs = (all_pairs - set(scored_pairs))
    neutral_defs = (all_defs - set(scored_defs))
    counted_pairs = {p: r for p, r in found_pairs.items() if p in scored_pairs or p not in neutral_pairs}
    counted_defs = {d: r for d, r in found_defs.items() if d in scored_defs or d not in neutral_defs}
    hit_pairs = set(counted_pairs) & set(scored_pairs)
    hit_defs = set(counted_defs) & set(scored_defs)
    counts = truth["counts"]
    return {
        "app": entry["name"],
        "framework": entry["framework"],
        "status": run["status"],
        "seconds": round(run["seconds"], 2),
        "truth_routes": counts["records"],
        "truth_scored_routes": sum(1 for r in truth["routes"] if is_scored(r)),
        "excluded": {k: counts[k] for k in ("external", "dynamic", "nonliteral", "non_http")},
        "truth_pairs": len(scored_pairs),
        "found_pairs": len(counted_pairs),
        "partial_routes": partial,
        "other_app_routes": other,
        "hit_pairs": len(hit_pairs),
        "route_precision": ratio(len(hit_pairs), len(counted_pairs)),
        "route_recall": ratio(len(hit_pairs), len(scored_pairs)),
        "path_recall": ratio(len(scored_paths & found_paths), len(scored_paths)),
        "truth_defs": len(scored_defs),
        "found_defs": len(counted_defs),
        "hit_defs": len(hit_defs),
        "def_precision": ratio(len(hit_defs), len(counted_defs)),
        "def_recall": ratio(len(hit_defs), len(scored_defs)),
        "diagnostics": len(scan.get("diagnostics", [])),
        "_missed": sorted(set(scored_pairs) - hit_pairs, key=lambda p: (p[1], p[0])),
        "_extra": sorted(set(counted_pairs) - hit_pairs, key=lambda p: (p[1], p[0])),
        "_missed_defs": sorted(set(scored_defs) - hit_defs),
        "_truth_pairs": scored_pairs,
        "_found_pairs": counted_pairs,
        "_scored_defs": scored_defs,
        "_stderr": run["stderr"],
        "_scan": scan,
    }


def pct(value):
    return "  -  " if value is None else "%5.1f" % (100 * value)


def print_table(rows, out=sys.stdout):
    header = ("app", "fw", "truth", "scored", "excl e/d/n/x", "pairs", "found", "{?}", "R-prec", "R-rec", "P-rec", "D-prec", "D-rec",
              "time s", "status")
    widths = (18, 9, 6, 6, 14, 6, 6, 5, 6, 6, 6, 6, 6, 7, 12)
    line = " ".join(h.ljust(w) if i < 2 or i == 14 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths)))
    print(line, file=out)
    print("-" * len(line), file=out)
    for r in rows:
        if "truth_pairs" not in r:
            print(r["app"].ljust(18), r["framework"].ljust(9), r["status"], file=out)
            continue
        e = r["excluded"]
        cells = (r["app"], r["framework"], str(r["truth_routes"]), str(r["truth_scored_routes"]),
                 "%d/%d/%d/%d" % (e["external"], e["dynamic"], e["nonliteral"], e["non_http"]), str(r["truth_pairs"]),
                 str(r["found_pairs"]), str(r["partial_routes"]),
                 pct(r["route_precision"]), pct(r["route_recall"]), pct(r["path_recall"]), pct(r["def_precision"]),
                 pct(r["def_recall"]), "%.1f" % r["seconds"], r["status"] if r["status"] != "ok" else "ok")
        print(" ".join(c.ljust(w) if i < 2 or i == 14 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))),
              file=out)


def overall(rows):
    rows = [r for r in rows if "truth_pairs" in r]
    t = {k: sum(r[k] for r in rows) for k in ("truth_pairs", "found_pairs", "hit_pairs", "truth_defs", "found_defs",
                                              "hit_defs", "truth_routes", "truth_scored_routes")}
    return {
        "apps": len(rows),
        "crashed": sum(1 for r in rows if r["status"].startswith(("CRASH", "TIMEOUT"))),
        **t,
        "route_precision": ratio(t["hit_pairs"], t["found_pairs"]),
        "route_recall": ratio(t["hit_pairs"], t["truth_pairs"]),
        "def_precision": ratio(t["hit_defs"], t["found_defs"]),
        "def_recall": ratio(t["hit_defs"], t["truth_defs"]),
        "seconds": round(sum(r["seconds"] for r in rows), 1),
    }


def print_misses(row, limit):
    pairs = row["_truth_pairs"]
    print("\n== %s: %d missed of %d (method, path) pairs" % (row["app"], len(row["_missed"]), row["truth_pairs"]))
    by_file = {}
    for pair in row["_missed"]:
        by_file.setdefault(pairs[pair]["file"], []).append(pair)
    print("-- misses by handler file (count)")
    for file, items in sorted(by_file.items(), key=lambda kv: -len(kv[1])):
        print("  %5d  %s" % (len(items), file))
    print("-- missed (truth handler file:line function)")
    for pair in row["_missed"][:limit]:
        r = pairs[pair]
        print("  %-7s %-60s %s:%s %s" % (pair[0], pair[1], r["file"], r["line"], r["function"]))
    if len(row["_missed"]) > limit:
        print("  ... %d more" % (len(row["_missed"]) - limit))
    print("-- extra (scanner file:line; path may be wrong or method differ)")
    truth_by_path = {}
    for (m, p) in pairs:
        truth_by_path.setdefault(p, []).append(m)
    for pair in row["_extra"][:limit]:
        r = row["_found_pairs"][pair]
        hint = " (truth has %s)" % ",".join(sorted(truth_by_path[pair[1]])) if pair[1] in truth_by_path else ""
        print("  %-7s %-60s %s:%s%s" % (pair[0], pair[1], r.get("file"), r.get("line"), hint))
    if len(row["_extra"]) > limit:
        print("  ... %d more" % (len(row["_extra"]) - limit))
    print("-- scanner routes of other app objects (not scored): %d" % row["other_app_routes"])
    print("-- handlers (file:line) missed: %d of %d" % (len(row["_missed_defs"]), row["truth_defs"]))
    diags = row["_scan"].get("diagnostics", [])
    print("-- scanner diagnostics: %d" % len(diags))
    for d in diags[:limit]:
        print("  %s %s:%s %s" % (d.get("severity"), d.get("file"), d.get("line"), d.get("message")))
    if row["_stderr"].strip():
        print("-- scanner stderr (tail)")
        print("\n".join(row["_stderr"].strip().splitlines()[-15:]))


def main():
    parser = argparse.ArgumentParser(description="Score chaos-test scan against the real-app corpus truth.")
    parser.add_argument("apps", nargs="*")
    parser.add_argument("--chaos-test", default=os.environ.get("CHAOS_TEST", DEFAULT_BINARY))
    parser.add_argument("--ci", action="store_true", help="only the apps marked ci in corpus.json")
    parser.add_argument("--json", metavar="OUT")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--misses", metavar="APP", action="append", default=[])
    parser.add_argument("--limit", type=int, default=200, help="lines per list in --misses")
    parser.add_argument("--min-precision", type=float)
    parser.add_argument("--min-recall", type=float)
    parser.add_argument("--min-app-recall", type=float)
    parser.add_argument("--min-def-precision", type=float)
    args = parser.parse_args()

    if not os.access(args.chaos_test, os.X_OK):
        print("score: %s is not an executable chaos-test (build it, or pass --chaos-test)" % args.chaos_test,
              file=sys.stderr)
        return 2
    manifest = load_manifest()
    names = {e["name"]: e for e in manifest["apps"]}
    wanted = args.apps or args.misses
    for name in wanted:
        if name not in names:
            print("score: no app %r in corpus.json (have: %s)" % (name, ", ".join(names)), file=sys.stderr)
            return 2
    entries = [names[n] for n in wanted] if wanted else [e for e in manifest["apps"] if e.get("ci") or not args.ci]

    rows = []
    for entry in entries:
        row = score_app(entry, args.chaos_test, args.timeout)
        rows.append(row)
        print("score: %s: %s" % (entry["name"], row["status"]), file=sys.stderr)
    total = overall(rows)

    print("chaos-test scan vs runtime truth, %s, binary %s" % (time.strftime("%Y-%m-%d"), args.chaos_test))
    print_table(rows)
    print("overall (micro): route precision %s recall %s | def precision %s recall %s | %d/%d pairs hit, %d found | "
          "%d apps, %d crashed, scan time %.1f s"
          % (pct(total["route_precision"]).strip(), pct(total["route_recall"]).strip(),
             pct(total["def_precision"]).strip(), pct(total["def_recall"]).strip(), total["hit_pairs"],
             total["truth_pairs"], total["found_pairs"], total["apps"], total["crashed"], total["seconds"]))
    print("columns: truth = runtime routes; scored = in-root literal non-dynamic HTTP routes; excl e/d/n/x = "
          "external handler / dynamic / non-literal regex / websocket+mount; pairs = truth (method, path) pairs; "
          "found = scanner pairs not neutral; {?} = scanner routes with a marked part (matched with the marker as any text); R = (method, path) pairs; P-rec = path-only recall; D = (file, def line) handlers")

    for name in args.misses:
        for row in rows:
            if row["app"] == name and "_missed" in row:
                print_misses(row, args.limit)

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d"), "binary": args.chaos_test, "overall": total,
                       "apps": [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]}, f, indent=1)

    failures = []

    def check(label, value, minimum):
        if minimum is not None and (value is None or value < minimum):
            failures.append("%s %s < %s" % (label, "none" if value is None else "%.3f" % value, minimum))

    check("route precision", total["route_precision"], args.min_precision)
    check("route recall", total["route_recall"], args.min_recall)
    check("def precision", total["def_precision"], args.min_def_precision)
    if args.min_app_recall is not None:
        for row in rows:
            check(row["app"] + " route recall", row.get("route_recall"), args.min_app_recall)
    for failure in failures:
        print("score: threshold not met: " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
