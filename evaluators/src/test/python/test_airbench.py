"""airbench96: accuracy measured by the evaluator and checked by hand on a toy model, the gate, the score in
seconds per run, the batch-independence probe, and the baseline recipe end to end on CPU."""

import os
import random
import unittest

import fixtures
from looplab_eval import synthetic

# class = the first red byte mod 10
FIRST_PIXEL = """
import os, torch

class FirstPixel:
    def __call__(self, images):
        return torch.nn.functional.one_hot(images[:, 0, 0, 0].long() % 10, 10).float() * 5

def load_model(run_dir, device):
    assert os.path.isfile(os.path.join(run_dir, "model.pt")), run_dir
    return FirstPixel()
"""

# normalises with the test batch's own statistics, like batch norm left in training mode
BATCH_STATS = """
import torch

class BatchStats:
    def __call__(self, images):
        x = images.float().mean(dim=(2, 3))
        x = x - x.mean(0)
        return x @ torch.arange(30.0).view(3, 10)

def load_model(run_dir, device):
    return BatchStats()
"""


class ScoringTest(fixtures.TempDirTest):
    def setUp(self):
        super().setUp()
        # ten test images, one per class; the first red byte names the class for seven of them
        rng = random.Random(1)
        os.makedirs(self.path("cifar"))
        with open(self.path("cifar", "test_batch.bin"), "wb") as f:
            for label in range(10):
                image = synthetic.cifar_image(label, rng)
                image[0] = label if label < 7 else (label + 1) % 10
                f.write(bytes([label]) + image)
        for run in range(2):
            os.makedirs(self.path("out", f"run-{run}"))
            with open(self.path("out", f"run-{run}", "model.pt"), "wb") as f:
                f.write(b"w" * 10)

    def score(self, recipe, gate, runs=2, *extra):
        fixtures.write_recipe(self.path("recipe"), "train.py", recipe)
        return fixtures.score_in_process("airbench", [
            "--recipe-dir", self.path("recipe"), "--artifact-dir", self.path("out"), "--cifar", self.path("cifar"),
            "--runs", runs, "--gate-accuracy", gate, "--train-seconds", 50, "--batch-images", 4, *extra])

    def test_the_score_is_seconds_per_run_when_the_mean_accuracy_reaches_the_gate(self):
        verdict = self.score(FIRST_PIXEL, 0.7)
        self.assertEqual(verdict["status"], "scored", verdict["feedback"])
        self.assertEqual(verdict["score"], 25.0)  # 50 s of training for 2 runs
        self.assertAlmostEqual(verdict["metrics"]["accuracy_run0"], 0.7)
        self.assertAlmostEqual(verdict["metrics"]["accuracy_mean"], 0.7)
        self.assertEqual(verdict["metrics"]["eval_images"], 10)
        self.assertEqual(verdict["direction"], "lower")

    def test_below_the_gate_is_a_gate_miss_without_a_score(self):
        verdict = self.score(FIRST_PIXEL, 0.71, 1)
        self.assertEqual(verdict["status"], "gate_miss")
        self.assertIsNone(verdict["score"])
        self.assertIn("mean accuracy 0.7000 over 1 seeds < gate 0.7100", verdict["feedback"])

    def test_every_run_must_have_its_folder(self):
        verdict = self.score(FIRST_PIXEL, 0.5, 3)
        self.assertEqual(verdict["status"], "crash")
        self.assertIn("run-2/", verdict["feedback"])

    def test_logits_that_depend_on_the_rest_of_the_batch_are_illegal(self):
        verdict = self.score(BATCH_STATS, 0.0, 1)
        self.assertEqual(verdict["status"], "illegal")
        self.assertIn("classified one by one", verdict["feedback"])


class PrepareTest(fixtures.TempDirTest):
    def test_the_test_batch_never_reaches_the_training_folder(self):
        synthetic.write_cifar(self.path("cifar"), per_batch=4, test=3)
        code, meta, err = fixtures.run_cli("airbench", ["prepare", "--cifar", self.path("cifar"), "--out",
                                                         self.path("train")])
        self.assertEqual(code, 0, err)
        self.assertEqual(sorted(os.listdir(self.path("train"))),
                         [f"data_batch_{i}.bin" for i in range(1, 6)] + ["meta.json"])
        self.assertEqual(meta["train_images"], 20)


TINY = dict(WIDTH1=8, WIDTH2=16, WIDTH3=16, CONVS_PER_BLOCK=1, BATCH=40, LR=0.2, CUTOUT=4, TTA_LEVEL=2)


class BaselineRecipeTest(fixtures.TempDirTest):
    def test_the_baseline_trains_two_runs_on_cpu_and_passes_a_small_gate(self):
        synthetic.write_cifar(self.path("cifar"), per_batch=40, test=60)
        code, _, err = fixtures.run_cli("airbench", ["prepare", "--cifar", self.path("cifar"), "--out",
                                                      self.path("train")])
        self.assertEqual(code, 0, err)
        source = fixtures.with_knobs(fixtures.recipe_source("airbench96", "train.py"), TINY)
        recipe = fixtures.write_recipe(self.path("recipe"), "train.py", source)
        code, err, seconds = fixtures.train(recipe, self.path("train"), self.path("out"), self.path("metrics.jsonl"),
                                            LOOPLAB_RUNS=2, LOOPLAB_STEPS=8, LOOPLAB_SEED=1)
        self.assertEqual(code, 0, err)
        status, verdict, err = fixtures.run_cli("airbench", [
            "score", "--recipe-dir", self.path("recipe"), "--artifact-dir", self.path("out"), "--cifar",
            self.path("cifar"), "--runs", 2, "--gate-accuracy", 0.3, "--train-seconds", seconds,
            "--train-budget-s", 600, "--device", "cpu", "--threads", 1])
        self.assertEqual(status, 0, err)
        self.assertEqual(verdict["status"], "scored", verdict["feedback"])
        self.assertAlmostEqual(verdict["score"], seconds / 2, places=3)
        self.assertLess(verdict["metrics"]["batch_max_delta"], 1e-3)
        with open(self.path("metrics.jsonl")) as f:
            lines = f.read()
        self.assertIn('"name": "run_seconds"', lines)
        self.assertIn('"run": 1', lines)


if __name__ == "__main__":
    unittest.main()
