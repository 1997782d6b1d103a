"""nanochat-d12: CORE computed by the evaluator and checked by hand on a toy model, nanochat's prompt rendering,
the training text preparation, and the baseline recipe end to end on CPU."""

import json
import os
import random
import unittest

import fixtures
from looplab_eval import common, nanochat, shards
from looplab_eval.sentencepiece_model import NORMAL, Piece, SentencePieceModel, special_pieces, train_bpe

SPACE = "\u2581"
Q, X, A, B, V = 259, 260, 261, 262, 263

# next token: '▁b' after '▁x', '▁a' after anything else (a causal model whose choices are known)
TABLE = """
import torch

class Table:
    max_seq_len = 64

    def __call__(self, ids):
        nxt = torch.full_like(ids, %d)
        nxt[ids == %d] = %d
        return torch.nn.functional.one_hot(nxt, %d).float() * 5

def load_model(artifact_dir, device):
    return Table()
""" % (A, X, B, V)


def hand_tokenizer():
    return SentencePieceModel(special_pieces() + [Piece(SPACE + w, -1, NORMAL) for w in "qxab"])


def write_bundle(folder, tasks):
    """tasks: [(label, type, random baseline %, fewshot, examples)] as core.yaml, eval_meta_data.csv, eval_data/."""
    os.makedirs(os.path.join(folder, "eval_data", "sub"), exist_ok=True)
    lines = ["icl_tasks:"]
    for label, kind, _, shots, examples in tasks:
        lines += [f"- label: {label}", f"  dataset_uri: sub/{label}.jsonl", f"  num_fewshot: [{shots}]",
                  f"  icl_task_type: {kind}", "  continuation_delimiter: ' '"]
        with open(os.path.join(folder, "eval_data", "sub", f"{label}.jsonl"), "w") as f:
            f.writelines(json.dumps(e) + "\n" for e in examples)
    with open(os.path.join(folder, "core.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(folder, "eval_meta_data.csv"), "w") as f:
        f.write("Eval Task,Task Category,Random baseline\n")
        f.writelines(f"{label},test,{rb}\n" for label, _, rb, _, _ in tasks)


HAND_TASKS = [
    ("mc", "multiple_choice", 50, 0, [{"query": "q", "choices": ["a", "b"], "gold": 0},
                                      {"query": "q", "choices": ["a", "b"], "gold": 1},
                                      {"query": "q", "choices": ["b", "a"], "gold": 1}]),
    ("schema", "schema", 50, 0, [{"context_options": ["q", "x"], "continuation": "a", "gold": 0},
                                 {"context_options": ["x", "q"], "continuation": "a", "gold": 1},
                                 {"context_options": ["q", "x"], "continuation": "a", "gold": 1}]),
    ("lm", "language_modeling", 0, 0, [{"context": "q", "continuation": "a"},
                                       {"context": "x", "continuation": "a"},
                                       {"context": "q ", "continuation": "a a"}]),
]


class CoreTest(fixtures.TempDirTest):
    def setUp(self):
        super().setUp()
        write_bundle(self.path("bundle"), HAND_TASKS)
        hand_tokenizer().save(self.path("tok.model"))
        os.makedirs(self.path("out"))
        with open(self.path("out", "model.bin"), "wb") as f:
            f.write(b"\0" * 10)

    def test_core_is_the_mean_centred_accuracy_over_tasks(self):
        fixtures.write_recipe(self.path("recipe"), "train.py", TABLE)
        verdict = fixtures.score_in_process("nanochat", [
            "--recipe-dir", self.path("recipe"), "--artifact-dir", self.path("out"), "--bundle", self.path("bundle"),
            "--tokenizer", self.path("tok.model")])
        self.assertEqual(verdict["status"], "scored", verdict["feedback"])
        m = verdict["metrics"]
        # by hand: each task gets 2 of 3 right; centred (2/3 - 0.5) / 0.5 twice and 2/3 for rb 0
        for label in ("mc", "schema", "lm"):
            self.assertAlmostEqual(m[f"accuracy_{label}"], 2 / 3)
        self.assertAlmostEqual(m["centered_mc"], 1 / 3)
        self.assertAlmostEqual(m["centered_lm"], 2 / 3)
        self.assertAlmostEqual(verdict["score"], 4 / 9)
        self.assertEqual(verdict["direction"], "higher")
        self.assertEqual(m["causality_max_delta"], 0)

    def test_a_model_that_reads_ahead_is_illegal(self):
        peeking = TABLE.replace("nxt = torch.full_like(ids, %d)" % A, "nxt = ids.roll(-1, dims=1)")
        fixtures.write_recipe(self.path("recipe"), "train.py", peeking)
        verdict = fixtures.score_in_process("nanochat", [
            "--recipe-dir", self.path("recipe"), "--artifact-dir", self.path("out"), "--bundle", self.path("bundle"),
            "--tokenizer", self.path("tok.model")])
        self.assertEqual(verdict["status"], "illegal")

    def test_prompts_are_rendered_as_nanochat_renders_them(self):
        task = nanochat.CoreTask("t", "multiple_choice", [{"query": "Q0", "choices": ["x", "y"], "gold": 1},
                                                          {"query": "Q1", "choices": ["z", "w"], "gold": 0}], 1, ": ", 25)
        # the one few-shot example of item 0 is item 1, drawn with Random(1234 + 0)
        self.assertEqual(nanochat.render(task, 0), ["Q1: z\n\nQ0: x", "Q1: z\n\nQ0: y"])
        lm = nanochat.CoreTask("l", "language_modeling", [{"context": " c0 ", "continuation": "k0"},
                                                         {"context": "c1", "continuation": "k1"}], 1, " ", 0)
        self.assertEqual(nanochat.render(lm, 0), ["c1 k1\n\nc0", "c1 k1\n\nc0 k0"])
        schema = nanochat.CoreTask("s", "schema", [{"context_options": ["o1", "o2"], "continuation": "c", "gold": 0}],
                                   0, " ", 50)
        self.assertEqual(nanochat.render(schema, 0), ["o1 c", "o2 c"])

    def test_bundles_are_shuffled_with_seed_1337_and_cut_per_task(self):
        tasks, files = nanochat.load_bundle(self.path("bundle"), max_per_task=2)
        expected = list(HAND_TASKS[0][4])
        random.Random(1337).shuffle(expected)
        self.assertEqual(tasks[0].examples, expected[:2])
        self.assertEqual([t.random_baseline for t in tasks], [50, 50, 0])
        self.assertEqual(len(files), 5)


class PrepareTest(fixtures.TempDirTest):
    def test_documents_become_bos_prefixed_token_shards(self):
        os.makedirs(self.path("text"))
        with open(self.path("text", "b.txt"), "w") as f:
            f.write("q a\n\nx b\n")
        with open(self.path("text", "a.jsonl"), "w") as f:
            f.write(json.dumps({"text": "a b"}) + "\n")
        hand_tokenizer().save(self.path("tok.model"))
        meta = nanochat.prepare_training(self.path("text"), self.path("tok.model"), self.path("train"))
        self.assertEqual(meta, {"vocab_size": V, "bos_id": 1, "train_tokens": 9, "train_shards": 1, "documents": 3})
        tokens = shards.read_tokens(self.path("train", "tokens_train_000000.bin")).tolist()
        self.assertEqual(tokens, [1, A, B, 1, Q, A, 1, X, B])

    def test_parquet_shards_need_pyarrow_and_the_last_one_is_validation(self):
        os.makedirs(self.path("text"))
        hand_tokenizer().save(self.path("tok.model"))
        try:
            import pyarrow
            import pyarrow.parquet as pq
        except ImportError:
            with open(self.path("text", "shard_00000.parquet"), "wb") as f:
                f.write(b"PAR1")
            with self.assertRaisesRegex(common.SetupError, "pyarrow is not installed"):
                nanochat.prepare_training(self.path("text"), self.path("tok.model"), self.path("train"))
            return
        for i, text in enumerate(["q a", "x b"]):
            pq.write_table(pyarrow.table({"text": [text]}), self.path("text", f"shard_{i:05d}.parquet"))
        meta = nanochat.prepare_training(self.path("text"), self.path("tok.model"), self.path("train"))
        self.assertEqual(meta["documents"], 1)


TINY = dict(MODEL_DIM=32, NUM_HEADS=2, NUM_KV_HEADS=2, MLP_MULT=2, PRELUDE_LAYERS=1, CORE_LAYERS=1, CODA_LAYERS=1,
            MEAN_LOOPS=2, BATCH_TOKENS=512, SEQ_LEN=64, GRAD_ACCUM=2, WARMUP_STEPS=2)

WORDS = {"animal": ["cat", "dog", "bird", "fish"], "place": ["mat", "log", "tree", "pond"],
         "verb": ["sat", "slept", "sang", "swam"]}


def sentence(rng):
    return f"the {rng.choice(WORDS['animal'])} {rng.choice(WORDS['verb'])} on the {rng.choice(WORDS['place'])}"


class BaselineRecipeTest(fixtures.TempDirTest):
    def test_the_baseline_trains_on_cpu_and_is_scored_by_core(self):
        rng = random.Random(5)
        os.makedirs(self.path("text"))
        with open(self.path("text", "docs.txt"), "w") as f:
            f.write("\n\n".join(". ".join(sentence(rng) for _ in range(4)) for _ in range(300)))
        tokenizer = train_bpe([sentence(rng) for _ in range(200)], vocab_size=320)
        tokenizer.save(self.path("tok.model"))
        code, meta, err = fixtures.run_cli("nanochat", ["prepare", "--text", self.path("text"), "--tokenizer",
                                                         self.path("tok.model"), "--out", self.path("train")])
        self.assertEqual(code, 0, err)
        self.assertGreater(meta["train_tokens"], 2000)
        write_bundle(self.path("bundle"), [
            ("animals", "multiple_choice", 25, 1, [{"query": f"the {a} sat on the", "choices": WORDS["place"],
                                                    "gold": i} for i, a in enumerate(WORDS["animal"])]),
            ("verbs", "language_modeling", 0, 0, [{"context": f"the {a}", "continuation": v}
                                                  for a, v in zip(WORDS["animal"], WORDS["verb"])]),
            ("places", "schema", 50, 0, [{"context_options": ["the cat sat on", "the cat sat under"],
                                          "continuation": "the mat", "gold": 0}])])
        source = fixtures.with_knobs(fixtures.recipe_source("nanochat-d12", "train.py"), TINY)
        recipe = fixtures.write_recipe(self.path("recipe"), "train.py", source)
        code, err, seconds = fixtures.train(recipe, self.path("train"), self.path("out"), self.path("metrics.jsonl"),
                                            LOOPLAB_STEPS=12)
        self.assertEqual(code, 0, err)
        status, verdict, err = fixtures.run_cli("nanochat", [
            "score", "--recipe-dir", self.path("recipe"), "--artifact-dir", self.path("out"),
            "--bundle", self.path("bundle"), "--tokenizer", self.path("tok.model"), "--train-seconds", seconds,
            "--device", "cpu", "--threads", 1])
        self.assertEqual(status, 0, err)
        self.assertEqual(verdict["status"], "scored", verdict["feedback"])
        self.assertEqual(verdict["metrics"]["core_tasks"], 3)
        self.assertEqual(verdict["metrics"]["core_examples"], 9)
        self.assertTrue(-1 <= verdict["score"] <= 1)
        # float rounding only (matmul paths differ with the sequence length); the tolerance is 1e-3
        self.assertLess(verdict["metrics"]["causality_max_delta"], 1e-4)


if __name__ == "__main__":
    unittest.main()
