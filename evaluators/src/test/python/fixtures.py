"""Shared test helpers: where the recipes and the scoring package are, knob rewriting, running a recipe's
training the way the worker does, and running an evaluator (in this process or as the real command)."""

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE = os.path.abspath(os.path.join(HERE, "..", "..", ".."))  # evaluators/
PACKAGE_ROOT = os.path.join(MODULE, "src", "main", "python")
RECIPES = os.path.abspath(os.path.join(MODULE, "..", "recipes"))
if PACKAGE_ROOT not in sys.path:
    sys.path.insert(0, PACKAGE_ROOT)

import torch  # noqa: E402  (after the path: the package under test needs torch too)

torch.set_num_threads(1)

KNOB_LINE = re.compile(r"^([A-Z][A-Z0-9_]*) = (.+?)  # @knob surface=(\S+) range=(\[[^\]]*\]|\{[^}]*\})$", re.M)


def knobs(source):
    """{name: (literal, surface, range)} of a Python recipe's tagged knob lines."""
    return {m.group(1): (m.group(2), m.group(3), m.group(4)) for m in KNOB_LINE.finditer(source)}


def with_knobs(source, values):
    """``source`` with each named knob's literal replaced (as a specialist's edit would), tags kept."""
    for name, value in values.items():
        pattern = re.compile(r"^(%s = )(.+?)(  # @knob .*)$" % re.escape(name), re.M)
        source, n = pattern.subn(lambda m: m.group(1) + repr(value) + m.group(3), source)
        if n != 1:
            raise AssertionError(f"knob {name} not found exactly once")
    return source


def recipe_source(task, entry):
    with open(os.path.join(RECIPES, task, entry), encoding="utf-8") as f:
        return f.read()


def write_recipe(folder, entry, source):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, entry)
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    return path


def child_env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = PACKAGE_ROOT
    env["LOOPLAB_THREADS"] = "1"
    env["OMP_NUM_THREADS"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["LOOPLAB_DEVICE"] = "cpu"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def train(recipe_file, data, out, metrics=None, timeout=120, **env):
    """Runs ``python3 <recipe>`` with the LOOPLAB_* environment; returns (exit code, stderr, seconds)."""
    import time

    started = time.time()
    proc = subprocess.run([sys.executable, recipe_file], cwd=os.path.dirname(recipe_file),
                          env=child_env(LOOPLAB_DATA=data, LOOPLAB_OUT=out, LOOPLAB_METRICS=metrics or os.devnull,
                                        **env),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return proc.returncode, proc.stderr.decode("utf-8", "replace"), time.time() - started


def score_in_process(module, argv):
    """The verdict of ``looplab_eval.<module> score <argv>``, run in this process (the model process is still
    a child); returns the parsed JSON."""
    import importlib

    mod = importlib.import_module(f"looplab_eval.{module}")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = mod.main(["score", "--device", "cpu", "--threads", "1"] + [str(a) for a in argv])
    assert code == 0, f"exit {code}"
    return json.loads(buffer.getvalue().strip().splitlines()[-1])


def run_cli(module, args, timeout=300):
    """``python3 -m looplab_eval.<module> <args>`` as the Java evaluator will run it: (exit code, stdout JSON
    or None, stderr)."""
    proc = subprocess.run([sys.executable, "-m", f"looplab_eval.{module}"] + [str(a) for a in args],
                          env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    out = proc.stdout.decode("utf-8").strip()
    return proc.returncode, json.loads(out.splitlines()[-1]) if out else None, proc.stderr.decode("utf-8", "replace")


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="looplab-py-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)
