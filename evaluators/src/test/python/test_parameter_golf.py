"""parameter-golf: val_bpb checked against hand-computed values, the legality probes, the size cap and budgets,
and the baseline recipe end to end on CPU (prepare, train a few steps, score through the real command)."""

import json
import math
import os
import unittest

import fixtures
from looplab_eval import shards, synthetic
from looplab_eval.sentencepiece_model import BYTE, CONTROL, NORMAL, UNKNOWN, Piece, SentencePieceModel

SPACE = "\u2581"
# <s> ▁ab c ▁é <0x41> <s> ▁ab ▁ : 7 targets standing for 2 + 1 + 3 + 1 + 0 + 2 + 1 = 10 bytes
VAL = [1, 4, 5, 6, 3, 1, 4, 7]

UNIFORM = """
import torch

class Uniform:
    max_seq_len = 7

    def __call__(self, ids):
        return torch.zeros(ids.shape[0], ids.shape[1], 8)

def load_model(artifact_dir, device):
    open(artifact_dir + "/weights.bin", "rb").read()
    return Uniform()
"""

# p(token 4) = 1/2, every other token 1/14, written as unnormalised logits (log 3 + log p)
KNOWN = """
import math, torch

class Known:
    max_seq_len = 7

    def __call__(self, ids):
        p = torch.full((8,), 0.5 / 7)
        p[4] = 0.5
        return (p.log() + math.log(3)).expand(ids.shape[0], ids.shape[1], 8).clone()

def load_model(artifact_dir, device):
    return Known()
"""

# position t "predicts" the token at t + 1 it was given: a model that reads ahead
PEEKING = """
import torch

class Peeking:
    max_seq_len = 7

    def __call__(self, ids):
        nxt = torch.cat([ids[:, 1:], ids[:, :1]], dim=1)
        return torch.nn.functional.one_hot(nxt, 8).float() * 10

def load_model(artifact_dir, device):
    return Peeking()
"""

# row b sees row b+1 of its batch (where the next window of the split sits)
MIXING = """
import torch

class Mixing:
    max_seq_len = 7

    def __call__(self, ids):
        return torch.nn.functional.one_hot(ids.roll(1, dims=0), 8).float() * 5

def load_model(artifact_dir, device):
    return Mixing()
"""

SHAPED = """
import torch

class Shaped:
    max_seq_len = 7

    def __call__(self, ids):
        return %s

def load_model(artifact_dir, device):
    return Shaped()
"""

SLOW = """
import time, torch

class Slow:
    max_seq_len = 7

    def __call__(self, ids):
        time.sleep(30)
        return torch.zeros(ids.shape[0], ids.shape[1], 8)

def load_model(artifact_dir, device):
    return Slow()
"""

BROKEN = """
def load_model(artifact_dir, device):
    raise FileNotFoundError("model.bin is not in " + artifact_dir)
"""


def hand_tokenizer():
    return SentencePieceModel([Piece("<unk>", 0, UNKNOWN), Piece("<s>", 0, CONTROL), Piece("</s>", 0, CONTROL),
                               Piece("<0x41>", 0, BYTE), Piece(SPACE + "ab", -1, NORMAL), Piece("c", -2, NORMAL),
                               Piece(SPACE + "\u00e9", -3, NORMAL), Piece(SPACE, -4, NORMAL)])


class ScoringTest(fixtures.TempDirTest):
    """The evaluator against toy recipes whose distributions are known."""

    def setUp(self):
        super().setUp()
        os.makedirs(self.path("val"))
        shards.write_shard(self.path("val", "fineweb_val_000000.bin"), VAL)
        hand_tokenizer().save(self.path("tok.model"))
        os.makedirs(self.path("out"))
        with open(self.path("out", "weights.bin"), "wb") as f:
            f.write(b"w" * 100)

    def score(self, recipe, *extra):
        fixtures.write_recipe(self.path("recipe"), "train_gpt.py", recipe)
        return fixtures.score_in_process("parameter_golf", [
            "--recipe-dir", self.path("recipe"), "--artifact-dir", self.path("out"), "--val-dir", self.path("val"),
            "--tokenizer", self.path("tok.model"), *extra])

    def test_a_uniform_model_scores_log2_vocab_bits_per_token_times_tokens_per_byte(self):
        verdict = self.score(UNIFORM)
        # 3 bits per token (8 tokens), 7 tokens over 10 bytes
        self.assertEqual(verdict["status"], "scored", verdict["feedback"])
        self.assertAlmostEqual(verdict["score"], 3 * 7 / 10, places=6)
        self.assertAlmostEqual(verdict["metrics"]["val_loss"], math.log(8), places=6)
        self.assertEqual(verdict["metrics"]["eval_tokens"], 7)
        self.assertEqual(verdict["metrics"]["eval_bytes"], 10)
        self.assertEqual(verdict["metrics"]["causality_max_delta"], 0)
        # and the artifact is the entry file's bytes plus every artifact byte
        code = len(UNIFORM.encode("utf-8"))
        self.assertEqual((verdict["code_bytes"], verdict["model_bytes"], verdict["artifact_bytes"]),
                         (code, 100, code + 100))

    def test_the_evaluator_normalises_the_logits_itself(self):
        verdict = self.score(KNOWN)
        # targets 4, 5, 6, 3, 1, 4, 7: two at 1/2, five at 1/14
        expected = (2 * math.log(2) + 5 * math.log(14)) / math.log(2) / 10
        self.assertAlmostEqual(verdict["score"], expected, places=5)
        self.assertLess(verdict["metrics"]["normalisation_max_error"], 1e-5)

    def test_an_artifact_over_the_cap_is_blocked_before_any_scoring(self):
        code = len(UNIFORM.encode("utf-8"))
        blocked = self.score(UNIFORM, "--cap-bytes", code + 99)
        self.assertEqual(blocked["status"], "size_blocked")
        self.assertIsNone(blocked["score"])
        self.assertIn(f"cap {code + 99:,} B", blocked["feedback"])

    def test_a_model_that_reads_ahead_is_illegal(self):
        verdict = self.score(PEEKING)
        self.assertEqual(verdict["status"], "illegal")
        self.assertIn("sees later tokens", verdict["feedback"])
        self.assertGreater(verdict["metrics"]["causality_max_delta"], 1)

    def test_a_model_that_reads_another_sequence_of_its_batch_is_illegal(self):
        verdict = self.score(MIXING)
        self.assertEqual(verdict["status"], "illegal")
        self.assertIn("must not see each other", verdict["feedback"])

    def test_logits_must_cover_the_whole_vocabulary(self):
        short = self.score(SHAPED % "torch.zeros(ids.shape[0], ids.shape[1], 7)")
        self.assertEqual(short["status"], "illegal")
        self.assertIn("expected (2, 7, 8)", short["feedback"])

    def test_logits_must_be_finite(self):
        import torch
        from looplab_eval.common import check_logits

        logits = torch.zeros(2, 3, 8)
        self.assertIsNone(check_logits(logits, (2, 3, 8), "x"))
        logits[1, 2, 5] = float("nan")
        self.assertIn("non-finite logit at index [1, 2, 5]", check_logits(logits, (2, 3, 8), "x"))

    def test_training_failures_are_judged_before_any_scoring(self):
        crashed = self.score(UNIFORM, "--train-exit-code", 1)
        self.assertEqual(crashed["status"], "crash")
        over = self.score(UNIFORM, "--train-seconds", 601, "--train-budget-s", 600)
        self.assertEqual(over["status"], "train_budget_overrun")
        self.assertEqual(over["metrics"]["train_seconds"], 601)

    def test_a_load_model_that_raises_is_a_crash_quoting_it(self):
        verdict = self.score(BROKEN)
        self.assertEqual(verdict["status"], "crash")
        self.assertIn("model.bin is not in", verdict["feedback"])

    def test_scoring_past_the_eval_budget_is_an_overrun(self):
        verdict = self.score(SLOW, "--eval-budget-s", 3)
        self.assertEqual(verdict["status"], "eval_budget_overrun")
        self.assertLess(verdict["eval_seconds"], 20)

    def test_an_empty_artifact_folder_is_a_crash(self):
        os.remove(self.path("out", "weights.bin"))
        verdict = self.score(UNIFORM)
        self.assertEqual(verdict["status"], "crash")
        self.assertIn("wrote nothing", verdict["feedback"])


class PrepareTest(fixtures.TempDirTest):
    def test_only_train_shards_reach_the_training_folder(self):
        paths = synthetic.write_golf_data(self.path("data"), vocab_size=300, train_tokens=1000, val_tokens=200,
                                          train_shards=2)
        code, meta, err = fixtures.run_cli("parameter_golf", ["prepare", "--data", self.path("data"), "--tokenizer",
                                                               paths["tokenizer"], "--out", self.path("train")])
        self.assertEqual(code, 0, err)
        self.assertEqual(sorted(os.listdir(self.path("train"))),
                         ["fineweb_train_000000.bin", "fineweb_train_000001.bin", "meta.json"])
        self.assertEqual((meta["vocab_size"], meta["bos_id"], meta["train_tokens"]), (300, 1, 1000))

    def test_a_missing_validation_split_is_the_evaluator_s_error_exit_2(self):
        import contextlib
        import io
        from looplab_eval import common, parameter_golf

        os.makedirs(self.path("out"))
        err, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = common.run(parameter_golf.main, ["score", "--artifact-dir", self.path("out"), "--val-dir", self.tmp,
                                                    "--tokenizer", "x.model"])
        self.assertEqual((code, out.getvalue()), (2, ""))
        self.assertIn("held-out split is missing", err.getvalue())


TINY = dict(MODEL_DIM=32, NUM_HEADS=2, NUM_KV_HEADS=1, PRELUDE_LAYERS=1, CORE_LAYERS=1, CODA_LAYERS=1, MEAN_LOOPS=2,
            BATCH_TOKENS=256, SEQ_LEN=32, GRAD_ACCUM=2, WARMUP_STEPS=2)


class BaselineRecipeTest(fixtures.TempDirTest):
    """recipes/parameter-golf/train_gpt.py, shrunk through its knobs, trained and scored on CPU."""

    @classmethod
    def setUpClass(cls):
        import tempfile

        cls._data = tempfile.TemporaryDirectory(prefix="looplab-golf-")
        cls.data = cls._data.name
        cls.files = synthetic.write_golf_data(os.path.join(cls.data, "src"), vocab_size=300, train_tokens=40_000,
                                              val_tokens=2_049)
        code, _, err = fixtures.run_cli("parameter_golf", ["prepare", "--data", os.path.join(cls.data, "src"),
                                                            "--tokenizer", cls.files["tokenizer"],
                                                            "--out", os.path.join(cls.data, "train")])
        assert code == 0, err

    @classmethod
    def tearDownClass(cls):
        cls._data.cleanup()

    def recipe(self, **knobs):
        source = fixtures.with_knobs(fixtures.recipe_source("parameter-golf", "train_gpt.py"), {**TINY, **knobs})
        return fixtures.write_recipe(self.path("recipe"), "train_gpt.py", source)

    def metrics(self):
        with open(self.path("metrics.jsonl")) as f:
            return [json.loads(line) for line in f]

    def test_the_baseline_trains_on_cpu_and_beats_the_uniform_model(self):
        # given the baseline shrunk to a few thousand parameters
        recipe = self.recipe()
        # when it trains 16 steps and the evaluator scores it through the real command
        code, err, seconds = fixtures.train(recipe, os.path.join(self.data, "train"), self.path("out"),
                                            self.path("metrics.jsonl"), LOOPLAB_STEPS=16, LOOPLAB_SEED=7)
        self.assertEqual(code, 0, err)
        status, verdict, err = fixtures.run_cli("parameter_golf", [
            "score", "--recipe-dir", self.path("recipe"), "--artifact-dir", self.path("out"),
            "--val-dir", os.path.join(self.data, "src"), "--tokenizer", self.files["tokenizer"],
            "--train-seconds", seconds, "--train-budget-s", 600, "--device", "cpu", "--threads", 1])
        # then it is scored, below the uniform model's loss, with every probe passed
        self.assertEqual(status, 0, err)
        self.assertEqual(verdict["status"], "scored", verdict["feedback"])
        self.assertLess(verdict["metrics"]["val_loss"], math.log(300))
        self.assertEqual(verdict["metrics"]["eval_seq_len"], 32)
        self.assertEqual(verdict["metrics"]["eval_tokens"], 2048)
        # a trained causal model moves only by float rounding (matmul paths differ with the
        # sequence length); the probe's tolerance is 1e-3, a leak moves logits by more than 1
        self.assertLess(verdict["metrics"]["causality_max_delta"], 1e-4)
        self.assertLess(verdict["metrics"]["batch_max_delta"], 1e-4)
        self.assertEqual(verdict["model_bytes"], os.path.getsize(self.path("out", "model.bin")))
        names = {m["name"] for m in self.metrics()}
        self.assertTrue({"train_loss", "planned_steps", "train_steps", "model_bytes"} <= names)
        self.assertTrue(all(set(m) == {"step", "name", "value", "wallclock"} for m in self.metrics()))

    def test_the_same_seed_and_step_count_give_the_same_model(self):
        recipe = self.recipe()
        digests = []
        for run in range(2):
            out = self.path(f"out{run}")
            code, err, _ = fixtures.train(recipe, os.path.join(self.data, "train"), out, LOOPLAB_STEPS=6,
                                          LOOPLAB_SEED=3)
            self.assertEqual(code, 0, err)
            with open(os.path.join(out, "model.bin"), "rb") as f:
                digests.append(f.read())
        self.assertEqual(digests[0], digests[1])

    def test_a_budgeted_run_plans_its_steps_and_stops_itself(self):
        recipe = self.recipe()
        code, err, seconds = fixtures.train(recipe, os.path.join(self.data, "train"), self.path("out"),
                                            self.path("metrics.jsonl"), LOOPLAB_BUDGET_S=10)
        self.assertEqual(code, 0, err)
        self.assertLess(seconds, 10)
        values = {m["name"]: m["value"] for m in self.metrics()}
        self.assertGreaterEqual(values["planned_steps"], values["train_steps"])
        self.assertGreaterEqual(values["train_steps"], 1)

    def test_the_looped_variants_train(self):
        # Poisson loop counts, the linear injection, truncated backprop, delayed looping, untied head, GELU
        recipe = self.recipe(LOOP_SAMPLING="poisson", INJECTION="linear", BACKPROP_LOOPS=1, LOOP_START_FRAC=0.5,
                             TIE_EMBEDDINGS=False, ACTIVATION="gelu", QAT_NOISE=0.5, GRAD_CLIP=1.0)
        code, err, _ = fixtures.train(recipe, os.path.join(self.data, "train"), self.path("out"), LOOPLAB_STEPS=4)
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.isfile(self.path("out", "model.bin")))


if __name__ == "__main__":
    unittest.main()
