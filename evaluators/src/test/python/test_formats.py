"""The real data formats, written and read back: FineWeb shards, SentencePiece model files (protobuf wire
format), the byte accounting of val_bpb, the BPE encoder, CORE's YAML, CIFAR-10 records and the frames
between an evaluator and its model process."""

import io
import os
import struct
import unittest

import fixtures
import torch
from looplab_eval import miniyaml, protocol, shards, synthetic
from looplab_eval.airbench import read_batch
from looplab_eval.sentencepiece_model import (BYTE, CONTROL, NORMAL, UNKNOWN, Piece, SentencePieceModel,
                                              special_pieces, target_bytes, train_bpe)

SPACE = "\u2581"


def hand_model():
    """ids: 0 <unk>, 1 <s>, 2 </s>, 3 <0x41>, 4 '▁ab', 5 'c', 6 '▁é', 7 '▁'."""
    return SentencePieceModel([Piece("<unk>", 0, UNKNOWN), Piece("<s>", 0, CONTROL), Piece("</s>", 0, CONTROL),
                               Piece("<0x41>", 0, BYTE), Piece(SPACE + "ab", -1, NORMAL), Piece("c", -2, NORMAL),
                               Piece(SPACE + "\u00e9", -3, NORMAL), Piece(SPACE, -4, NORMAL)])


class ShardTest(fixtures.TempDirTest):
    def test_a_shard_is_a_256_int_header_then_uint16_tokens(self):
        # given tokens including values above 32767
        path = self.path("fineweb_val_000000.bin")
        shards.write_shard(path, [1, 2, 65535, 40000, 0])
        # then the file has the header and little-endian uint16 tokens
        with open(path, "rb") as f:
            raw = f.read()
        self.assertEqual(len(raw), 1024 + 2 * 5)
        self.assertEqual(struct.unpack("<3i", raw[:12]), (20240520, 1, 5))
        self.assertEqual(set(struct.unpack("<253i", raw[12:1024])), {0})
        self.assertEqual(raw[1024:], bytes([1, 0, 2, 0, 0xFF, 0xFF, 0x40, 0x9C, 0, 0]))
        # and reads back as the same ids
        self.assertEqual(shards.read_tokens(path).tolist(), [1, 2, 65535, 40000, 0])

    def test_a_shard_whose_size_disagrees_with_its_header_is_refused(self):
        path = self.path("fineweb_train_000000.bin")
        shards.write_shard(path, [1, 2, 3])
        with open(path, "ab") as f:
            f.write(b"\0\0")
        with self.assertRaisesRegex(shards.ShardError, "header says 3 tokens"):
            shards.read_tokens(path)

    def test_a_file_without_the_magic_is_refused(self):
        path = self.path("fineweb_train_000000.bin")
        with open(path, "wb") as f:
            f.write(struct.pack("<256i", 1234, 1, 0, *([0] * 253)))
        with self.assertRaisesRegex(shards.ShardError, "20240520"):
            shards.read_header(path)

    def test_splits_read_in_name_order_up_to_a_limit(self):
        shards.write_shard(self.path("fineweb_val_000001.bin"), [4, 5, 6])
        shards.write_shard(self.path("fineweb_val_000000.bin"), [1, 2, 3])
        self.assertEqual(shards.read_split(self.tmp, "val").tolist(), [1, 2, 3, 4, 5, 6])
        self.assertEqual(shards.read_split(self.tmp, "val", limit=4).tolist(), [1, 2, 3, 4])


class SentencePieceTest(fixtures.TempDirTest):
    def test_pieces_are_protobuf_field_1_with_piece_score_and_type(self):
        # given a model of one unknown piece and one normal piece
        model = SentencePieceModel([Piece("<unk>", 0.0, UNKNOWN), Piece(SPACE + "ab", -1.5, NORMAL)])
        data = model.serialize()
        # then the normal piece is field 1 (LEN) holding string field 1 and float field 2, type omitted
        normal = bytes([0x0A, 0x05]) + SPACE.encode() + b"ab" + bytes([0x15]) + struct.pack("<f", -1.5)
        self.assertIn(bytes([0x0A, len(normal)]) + normal, data)
        unknown = bytes([0x0A, 0x05]) + b"<unk>" + bytes([0x15]) + struct.pack("<f", 0.0) + bytes([0x18, 0x02])
        self.assertTrue(data.startswith(bytes([0x0A, len(unknown)]) + unknown))

    def test_a_hand_written_model_parses_and_unknown_fields_are_skipped(self):
        # given the bytes of a ModelProto with a trainer spec (field 2), a 64-bit field and a piece of type BYTE
        piece = bytes([0x0A, 0x06]) + b"<0x41>" + bytes([0x15]) + struct.pack("<f", 0.0) + bytes([0x18, 0x06])
        trainer = bytes([0x12, 0x03, 0x08, 0x96, 0x01])  # field 2, LEN 3: a varint 150 inside
        data = trainer + bytes([0x0A, len(piece)]) + piece + bytes([0x19]) + b"\0" * 8
        model = SentencePieceModel.parse(data)
        self.assertEqual([(p.piece, p.type) for p in model.pieces], [("<0x41>", BYTE)])

    def test_a_model_round_trips_through_a_file(self):
        path = self.path("tok.model")
        hand_model().save(path)
        loaded = SentencePieceModel.load(path)
        self.assertEqual([(p.piece, p.score, p.type) for p in loaded.pieces],
                         [(p.piece, p.score, p.type) for p in hand_model().pieces])
        self.assertTrue(loaded.add_dummy_prefix)

    def test_byte_tables_follow_the_leading_space_rule(self):
        base, space, boundary = hand_model().byte_tables()
        self.assertEqual(base, [0, 0, 0, 1, 2, 1, 2, 0])
        self.assertEqual(space, [False, False, False, False, True, False, True, True])
        self.assertEqual(boundary, [True, True, True, False, False, False, False, False])

    def test_target_bytes_count_the_space_unless_the_previous_token_is_a_boundary(self):
        # given <s> ▁ab c ▁é <0x41> <s> ▁ab ▁ : bytes by hand 2, 1, 3, 1, 0, 2, 1
        tokens = torch.tensor([1, 4, 5, 6, 3, 1, 4, 7])
        counted = target_bytes(tokens[:-1], tokens[1:], hand_model().byte_tables())
        self.assertEqual(counted.tolist(), [2, 1, 3, 1, 0, 2, 1])

    def test_encoding_merges_by_score_and_falls_back_to_bytes(self):
        pieces = special_pieces() + [Piece(SPACE, -1, NORMAL), Piece("a", -2, NORMAL), Piece("b", -3, NORMAL),
                                     Piece("ab", -5, NORMAL), Piece(SPACE + "a", -4, NORMAL),
                                     Piece(SPACE + "ab", -6, NORMAL)]
        model = SentencePieceModel(pieces)
        ids = {p.piece: i for i, p in enumerate(model.pieces)}
        # '▁a' scores higher than 'ab', so '▁ab' forms through '▁a' + 'b'
        self.assertEqual(model.encode("ab"), [ids[SPACE + "ab"]])
        self.assertEqual(model.encode("ab  b"), [ids[SPACE + "ab"], ids[SPACE], ids["b"]])
        # 'é' is not a piece: its two UTF-8 bytes come as byte pieces
        self.assertEqual(model.encode("b\u00e9"), [ids[SPACE], ids["b"], ids["<0xC3>"], ids["<0xA9>"]])

    def test_a_trained_bpe_model_spells_its_text_back(self):
        text = ["the cat sat on the mat", "the dog sat on the log"]
        model = train_bpe(text, vocab_size=300)
        # a corpus this small runs out of pairs to merge before 300 pieces; whole words become pieces
        self.assertLessEqual(model.vocab_size, 300)
        self.assertIn(SPACE + "the", [p.piece for p in model.pieces])
        self.assertEqual(model.pieces[1].piece, "<s>")
        ids = model.encode(text[0])
        self.assertLess(len(ids), len(text[0]))
        self.assertEqual("".join(model.decode_piece(i) for i in ids), SPACE + text[0].replace(" ", SPACE))


class YamlTest(unittest.TestCase):
    CORE = """
# the CORE tasks
icl_tasks:
  - label: hellaswag
    dataset_uri: language_understanding/hellaswag.jsonl
    num_fewshot: [10]
    icl_task_type: multiple_choice
    continuation_delimiter: ' '
  - label: jeopardy
    dataset_uri: world_knowledge/jeopardy_all.jsonl # a comment
    num_fewshot:
      - 10
    icl_task_type: language_modeling
    continuation_delimiter: "\\nAnswer: "
    has_categories: true
"""

    def test_the_fallback_parser_reads_a_core_yaml(self):
        parsed = miniyaml.parse(self.CORE)
        self.assertEqual(parsed, {"icl_tasks": [
            {"label": "hellaswag", "dataset_uri": "language_understanding/hellaswag.jsonl", "num_fewshot": [10],
             "icl_task_type": "multiple_choice", "continuation_delimiter": " "},
            {"label": "jeopardy", "dataset_uri": "world_knowledge/jeopardy_all.jsonl", "num_fewshot": [10],
             "icl_task_type": "language_modeling", "continuation_delimiter": "\nAnswer: ", "has_categories": True}]})

    def test_lists_may_sit_at_their_key_s_indentation(self):
        self.assertEqual(miniyaml.parse("icl_tasks:\n- label: a\n  num_fewshot: [0, 5]\n- label: b\n"),
                         {"icl_tasks": [{"label": "a", "num_fewshot": [0, 5]}, {"label": "b"}]})


class CifarTest(fixtures.TempDirTest):
    def test_a_record_is_a_label_then_red_green_blue_planes(self):
        path = self.path("test_batch.bin")
        with open(path, "wb") as f:
            f.write(bytes([3]) + bytes([10]) * 1024 + bytes([20]) * 1024 + bytes([30]) * 1024)
            f.write(bytes([7]) + bytes(range(256)) * 4 + bytes(2048))
        images, labels = read_batch(path)
        self.assertEqual(labels.tolist(), [3, 7])
        self.assertEqual(images.shape, (2, 3, 32, 32))
        self.assertEqual([images[0, c].unique().tolist() for c in range(3)], [[10], [20], [30]])
        self.assertEqual(images[1, 0, 0, :5].tolist(), [0, 1, 2, 3, 4])  # row-major: the first row comes first
        self.assertEqual(images[1, 0, 8, 0].item(), 0)  # 8 rows of 32 = 256 bytes later the ramp restarts

    def test_synthetic_batches_have_the_real_sizes(self):
        paths = synthetic.write_cifar(self.tmp, per_batch=3, test=2)
        self.assertEqual([os.path.basename(p) for p in paths],
                         [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"])
        self.assertEqual([os.path.getsize(p) for p in paths], [3 * 3073] * 5 + [2 * 3073])


class FrameTest(unittest.TestCase):
    def test_tensors_and_json_round_trip(self):
        stream = io.BytesIO()
        protocol.write_json(stream, {"positions": [2, 5]})
        protocol.write_tensor(stream, torch.tensor([[1, 2, 3]], dtype=torch.int32))
        protocol.write_tensor(stream, torch.tensor([0.5, -2.0]))
        stream.seek(0)
        self.assertEqual(protocol.read_frame(stream), (protocol.JSON, {"positions": [2, 5]}))
        kind, ids = protocol.read_frame(stream)
        self.assertEqual((kind, ids.tolist()), (protocol.INT32, [[1, 2, 3]]))
        kind, values = protocol.read_frame(stream)
        self.assertEqual((kind, values.tolist()), (protocol.FLOAT32, [0.5, -2.0]))
        self.assertIsNone(protocol.read_frame(stream))

    def test_a_truncated_frame_is_a_protocol_error(self):
        stream = io.BytesIO()
        protocol.write_tensor(stream, torch.zeros(4))
        with self.assertRaises(protocol.ProtocolError):
            protocol.read_frame(io.BytesIO(stream.getvalue()[:-3]))


if __name__ == "__main__":
    unittest.main()
