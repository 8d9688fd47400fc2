#!/usr/bin/env python3
"""`chaos-test run` on unmodified corpus apps: the table docs/real-apps.md quotes.

    Tests/RealApps/runs.py [--chaos-test PATH] [--duration S] [--json OUT] [--keep] [APP...]

Needs `.ci/realapps` first. For each app (default: the CI subset) it copies the installed
package into a scratch git repository (so the run injects a copy, never the venv), runs

    chaos-test run <copy> --python <venv python> --serve '<serve.py for the app>'

with no plan and no experiment file, and reads the run folder: routes and how many got a 2xx
in the baseline (plan_coverage), 422s the plan caused, measured findings, those located at a
dependency call (an ORM or client call the scan found), the top fix, whether the copy is
byte-identical afterwards, and whether any process of the run is left.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def manifest():
    with open(os.path.join(HERE, "corpus.json")) as f:
        return json.load(f)["apps"]


def git(cwd, *args):
    return subprocess.run(["git", "-C", cwd, *args], capture_output=True, text=True, check=True).stdout


def app_id(binary, root, entry):
    scan = json.loads(subprocess.run([binary, "scan", root, "--json"], capture_output=True, text=True, timeout=300).stdout)
    ids = [app["id"] for app in scan["apps"]]
    patterns = [re.compile(rx) for rx in entry.get("scanner_apps", [])]
    for candidate in ids:
        if not patterns or any(rx.search(candidate) or rx.search(entry.get("scan_package", "") + "." + candidate) for rx in patterns):
            return candidate, scan
    return (ids[0] if ids else None), scan


def run_app(entry, binary, duration, scratch):
    name = entry["name"]
    truth_path = os.path.join(REPO, ".corpus", name, "truth.json")
    if not os.path.exists(truth_path):
        return {"app": name, "status": "not set up (run .ci/realapps %s)" % name}
    with open(truth_path) as f:
        truth = json.load(f)
    venv = os.path.join(REPO, ".corpus", entry.get("venv", name), "venv")
    python = os.path.join(venv, "bin", "python")
    installed = os.path.join(REPO, ".corpus", entry.get("venv", name), truth["scan_root"])
    copy = os.path.join(scratch, name)
    package = os.path.basename(installed.rstrip("/"))
    shutil.copytree(installed, os.path.join(copy, package), ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "-c", "user.email=r@example.invalid", "-c", "user.name=runs", "commit", "-qm", "installed")
    chosen, scan = app_id(binary, copy, entry)
    if chosen is None:
        return {"app": name, "status": "the scan found no app"}
    serve = "{python} %s --app %s --root %s --port {port}" % (os.path.join(HERE, "serve.py"), name, copy)
    command = [
        binary, "run", copy, "--app", chosen, "--python", python, "--serve", serve, "--duration", str(duration),
        "--deadline", str(max(60, duration * 4)), "--startup-timeout", "60", "--no-monitor",
    ]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    seconds = time.monotonic() - started
    row = {"app": name, "framework": entry["framework"], "app_id": chosen, "exit": done.returncode,
           "seconds": round(seconds, 1), "command": " ".join(command)}
    row["last_lines"] = done.stdout.strip().splitlines()[-3:] + done.stderr.strip().splitlines()[-3:]
    row["tree_clean"] = git(copy, "status", "--porcelain") == ""
    runs = os.path.join(copy, ".chaos-test", "runs", "latest")
    if not os.path.exists(os.path.join(runs, "failure-patterns.json")):
        row["status"] = "no analysis"
        return row
    with open(os.path.join(runs, "failure-patterns.json")) as f:
        patterns = json.load(f)
    coverage = patterns.get("plan_coverage") or {}
    row["routes"] = coverage.get("routes")
    row["exercised"] = coverage.get("exercised")
    row["plan_422"] = sum(e.get("statuses", {}).get("422", 0) for e in coverage.get("entries", []))
    with open(os.path.join(runs, "chaos-config.json")) as f:
        config = json.load(f)
    dependency_points = {p["id"] for p in config["points"] if p["kind"] == "dependency"}
    measured = [p for p in patterns["patterns"] if p["evidence_kind"] == "measured"]
    row["dependency_points"] = len(dependency_points)
    row["measured"] = len(measured)
    row["measured_at_dependency"] = sum(1 for p in measured if dependency_points.intersection(p.get("points", [])))
    row["dependencies_found"] = len(scan["dependencies"])
    proposals_path = os.path.join(runs, "fix-proposals.json")
    if os.path.exists(proposals_path):
        with open(proposals_path) as f:
            proposals = json.load(f)["proposals"]
        row["top_fix"] = proposals[0]["title"] if proposals else None
    row["status"] = "ok" if done.returncode in (0, 1) and row["tree_clean"] else "FAILED"
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("apps", nargs="*")
    parser.add_argument("--chaos-test", default=os.environ.get("CHAOS_TEST", os.path.join(REPO, ".build", "debug", "chaos-test")))
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--json")
    parser.add_argument("--keep", action="store_true", help="keep the copies and their run folders (printed)")
    args = parser.parse_args()
    entries = [e for e in manifest() if (e["name"] in args.apps if args.apps else e.get("ci"))]
    if args.apps and len(entries) != len(args.apps):
        known = {e["name"] for e in manifest()}
        raise SystemExit("runs: unknown app(s): %s; corpus.json has %s" % (", ".join(set(args.apps) - known), ", ".join(sorted(known))))
    scratch = tempfile.mkdtemp(prefix="chaos-runs-")
    rows = []
    try:
        for entry in entries:
            print("runs: %s ..." % entry["name"], file=sys.stderr, flush=True)
            try:
                rows.append(run_app(entry, args.chaos_test, args.duration, scratch))
            except subprocess.TimeoutExpired:
                rows.append({"app": entry["name"], "status": "TIMEOUT"})
            print("runs: %s" % json.dumps(rows[-1]), file=sys.stderr, flush=True)
    finally:
        if args.keep:
            print("runs: kept %s" % scratch, file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print("| app | framework | routes | exercised (2xx) | plan 422s | deps found | dependency points | measured | at a dependency call | top fix | tree clean | status |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |")
    for r in rows:
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["app"], r.get("framework", ""), r.get("routes", ""), r.get("exercised", ""), r.get("plan_422", ""),
            r.get("dependencies_found", ""), r.get("dependency_points", ""), r.get("measured", ""),
            r.get("measured_at_dependency", ""), r.get("top_fix") or "", r.get("tree_clean", ""), r["status"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
