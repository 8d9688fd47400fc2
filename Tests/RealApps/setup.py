#!/usr/bin/env python3
"""Sets up the real-app corpus: one virtualenv per app from its frozen pins, then runtime truth.

    .ci/realapps [--ci] [--robustness] [--update-truth] [--jobs N] [--freeze] [APP...]

- Each app (or group of apps sharing a package, the manifest's "venv") gets
  .corpus/<venv>/venv, created with the manifest's Python version, and
  `pip install --no-deps -r Tests/RealApps/pins/<venv>.txt` then `pip check`.
  A stamp (sha256 of the pins and the interpreter version) skips the install
  when nothing changed.
- Then Tests/RealApps/truth.py runs inside each venv and writes
  .corpus/<app>/truth.json; a difference from the checked-in
  Tests/RealApps/truth/<app>.json is reported (--update-truth copies it in; a
  missing checked-in copy is added).
- --ci: only the apps marked "ci" in corpus.json, plus the robustness venv.
- --robustness: only the robustness venv (.corpus/robustness/venv: pinned
  SQLAlchemy, Django, pydantic and their dependencies); prints its site-packages.
  Without APP names and without --ci it is set up after all the apps.
- --freeze: maintainers only. For an app without a pins file, installs the
  manifest's unpinned "packages" with dependency resolution and writes
  pins/<venv>.txt from `pip freeze --all`.

Exit status: 0 when every selected venv installed and every truth extraction ran
(a truth that differs from the checked-in copy is reported, not failed, unless
--strict-truth); 1 otherwise.
"""
import argparse
import concurrent.futures
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(REPO, ".corpus")
PINS = os.path.join(HERE, "pins")
TRUTH = os.path.join(HERE, "truth")
ROBUSTNESS = {"name": "robustness", "venv": "robustness", "python": "3.11",
              "packages": ["SQLAlchemy", "Django", "pydantic"]}
lock = threading.Lock()


def say(*parts):
    with lock:
        print("realapps:", *parts, flush=True)


def interpreter(version):
    """The python executable for a 'X.Y' version: $PYTHON_X_Y, pythonX.Y on PATH, or pyenv's."""
    override = os.environ.get("PYTHON_" + version.replace(".", "_"))
    if override:
        return override
    found = shutil.which("python" + version)
    if found:
        return found
    candidates = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/%s.*/bin/python%s" % (version, version))))
    if candidates:
        return candidates[-1]
    if version == "%d.%d" % sys.version_info[:2]:
        return sys.executable
    raise RuntimeError("no Python %s found (install it, or set PYTHON_%s)" % (version, version.replace(".", "_")))


def run(cmd, log, **kwargs):
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, **kwargs).returncode


def setup_venv(group, entries, freeze):
    """Creates/updates .corpus/<group>/venv. Returns (ok, seconds, note)."""
    start = time.monotonic()
    base = os.path.join(CORPUS, group)
    venv = os.path.join(base, "venv")
    os.makedirs(base, exist_ok=True)
    log = os.path.join(base, "install.log")
    version = entries[0].get("python", "3.11")
    python = os.path.join(venv, "bin", "python")
    pins = os.path.join(PINS, group + ".txt")
    if os.path.isdir(venv) and subprocess.run([python, "-c", ""], capture_output=True).returncode != 0:
        say(group, "venv is broken, recreating it")
        shutil.rmtree(venv)
    if not os.path.isdir(venv):
        exe = interpreter(version)
        if run([exe, "-m", "venv", venv], log) != 0:
            return False, time.monotonic() - start, "venv creation failed (see %s)" % log
    pyver = subprocess.run([python, "--version"], capture_output=True, text=True).stdout.strip()
    pip = [python, "-m", "pip", "--disable-pip-version-check"]
    if not os.path.exists(pins):
        if not freeze:
            return False, time.monotonic() - start, "no pins file %s (maintainers: --freeze)" % pins
        packages = []
        for entry in entries:
            packages += [p for p in entry["packages"] if p not in packages]
        say(group, "freezing: resolving", " ".join(packages))
        if run(pip + ["install", "--quiet"] + packages, log) != 0:
            return False, time.monotonic() - start, "resolving install failed (see %s)" % log
        frozen = subprocess.run(pip + ["freeze", "--all"], capture_output=True, text=True).stdout.splitlines()
        frozen = [line for line in frozen if line and not line.lower().startswith("pip==")]
        os.makedirs(PINS, exist_ok=True)
        with open(pins, "w") as f:
            f.write("# %s: pip freeze --all of a resolved install of: %s (%s)\n" % (group, " ".join(packages), pyver))
            f.write("\n".join(sorted(frozen, key=str.lower)) + "\n")
    with open(pins, "rb") as f:
        want = hashlib.sha256(f.read() + pyver.encode()).hexdigest()
    stamp = os.path.join(venv, ".pins.sha256")
    if os.path.exists(stamp) and open(stamp).read().strip() == want:
        return True, time.monotonic() - start, "pins unchanged, nothing to install"
    if os.path.exists(stamp):
        os.remove(stamp)
    say(group, "installing", os.path.relpath(pins, REPO), "with", pyver)
    if run(pip + ["install", "--quiet", "--no-deps", "-r", pins], log) != 0:
        return False, time.monotonic() - start, "pip install failed (see %s)" % log
    check = subprocess.run(pip + ["check"], capture_output=True, text=True)
    note = "installed"
    if check.returncode != 0:
        allowed = set()
        for entry in entries:
            allowed.update(entry.get("pip_check_allow", []))
        problems = [line for line in check.stdout.splitlines() if line.strip()]
        unexpected = [p for p in problems if not any(a.lower() in p.lower() for a in allowed)]
        with open(log, "a") as f:
            f.write(check.stdout)
        if unexpected:
            return False, time.monotonic() - start, "pip check failed:\n  " + "\n  ".join(unexpected)
        note = "installed (pip check: %d known conflict(s) allowed by the manifest)" % len(problems)
    with open(stamp, "w") as f:
        f.write(want + "\n")
    return True, time.monotonic() - start, note


def truth_for(entry, update):
    group = entry.get("venv", entry["name"])
    python = os.path.join(CORPUS, group, "venv", "bin", "python")
    out = os.path.join(CORPUS, entry["name"], "truth.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    log = os.path.join(CORPUS, entry["name"], "truth.log")
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    start = time.monotonic()
    with open(log, "w") as f:
        rc = subprocess.run([python, os.path.join(HERE, "truth.py"), "--app", entry["name"], "--out", out],
                            stdout=f, stderr=subprocess.STDOUT, env=env, timeout=600).returncode
    seconds = time.monotonic() - start
    if rc != 0:
        tail = open(log).read().strip().splitlines()[-5:]
        return False, "truth extraction failed (%.0f s; %s):\n    %s" % (seconds, log, "\n    ".join(tail))
    summary = [line for line in open(log).read().splitlines() if line.startswith("truth:")]
    checked = os.path.join(TRUTH, entry["name"] + ".json")
    new = json.load(open(out))
    if not os.path.exists(checked):
        os.makedirs(TRUTH, exist_ok=True)
        shutil.copyfile(out, checked)
        return True, "%s; new, copied to %s" % (summary[-1] if summary else "", os.path.relpath(checked, REPO))
    old = json.load(open(checked))
    def comparable(t):
        return {k: v for k, v in t.items() if k != "python"}

    if comparable(old) == comparable(new):
        return True, (summary[-1] if summary else "") + "; same as checked-in"

    def keys(t):
        return {(tuple(r["methods"]), r["path"], r["file"], r["line"]) for r in t["routes"]}

    added, removed = keys(new) - keys(old), keys(old) - keys(new)
    message = "%s; DIFFERS from checked-in %s: %d added, %d removed" % (
        summary[-1] if summary else "", os.path.relpath(checked, REPO), len(added), len(removed))
    for label, items in (("+", added), ("-", removed)):
        for item in sorted(items)[:5]:
            message += "\n    %s %s %s %s:%s" % (label, ",".join(item[0]), item[1], item[2], item[3])
    if update:
        shutil.copyfile(out, checked)
        message += "\n    (updated the checked-in copy)"
    return True, message


def main():
    parser = argparse.ArgumentParser(description="Set up the real-app corpus and its runtime truth.")
    parser.add_argument("apps", nargs="*")
    parser.add_argument("--ci", action="store_true", help="the CI subset (apps marked ci) and the robustness venv")
    parser.add_argument("--robustness", action="store_true", help="only the robustness venv")
    parser.add_argument("--update-truth", action="store_true")
    parser.add_argument("--strict-truth", action="store_true", help="fail when a truth differs from its checked-in copy")
    parser.add_argument("--no-truth", action="store_true")
    parser.add_argument("--freeze", action="store_true", help="maintainers: create missing pins by resolving")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("REALAPPS_JOBS", "2")))
    args = parser.parse_args()

    manifest = json.load(open(os.path.join(HERE, "corpus.json")))
    names = {e["name"]: e for e in manifest["apps"]}
    for name in args.apps:
        if name not in names and name != "robustness":
            print("realapps: no app %r in Tests/RealApps/corpus.json (have: %s)" % (name, ", ".join(names)),
                  file=sys.stderr)
            return 2
    if args.robustness:
        entries, robustness = [], True
    elif args.apps:
        entries = [names[n] for n in args.apps if n != "robustness"]
        robustness = "robustness" in args.apps
    else:
        entries = [e for e in manifest["apps"] if e.get("ci") or not args.ci]
        robustness = True

    groups = {}
    for entry in entries:
        groups.setdefault(entry.get("venv", entry["name"]), []).append(entry)
    if robustness:
        groups["robustness"] = [ROBUSTNESS]

    started = time.monotonic()
    failed = []
    results = {}

    def one(group):
        try:
            ok, seconds, note = setup_venv(group, groups[group], args.freeze)
        except Exception as error:  # an interpreter missing, a disk full: report, go on with the others
            ok, seconds, note = False, 0.0, "%s: %s" % (type(error).__name__, error)
        say("%s: %s (%.0f s)" % (group, note, seconds))
        results[group] = ok
        if ok and not args.no_truth:
            for entry in groups[group]:
                if entry is ROBUSTNESS:
                    continue
                try:
                    tok, message = truth_for(entry, args.update_truth)
                except Exception as error:
                    tok, message = False, "%s: %s" % (type(error).__name__, error)
                say("%s: %s" % (entry["name"], message))
                if not tok or (args.strict_truth and "DIFFERS" in message):
                    failed.append(entry["name"])
        if not ok:
            failed.append(group)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(one, list(groups)))

    if robustness and results.get("robustness"):
        python = os.path.join(CORPUS, "robustness", "venv", "bin", "python")
        site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True).stdout.strip()
        say("robustness site-packages: " + site)
    du = subprocess.run(["du", "-sh", CORPUS], capture_output=True, text=True).stdout.split()
    say("done in %.0f s; .corpus uses %s; %s" % (time.monotonic() - started, du[0] if du else "?",
                                                  "failed: " + ", ".join(failed) if failed else "all ok"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
