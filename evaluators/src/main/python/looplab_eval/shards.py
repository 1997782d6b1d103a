"""Token shards in the FineWeb layout of Parameter Golf.

A shard is a header of 256 little-endian int32 (magic 20240520, version 1, token count, the rest zero)
followed by the tokens as little-endian uint16; its size is exactly 1024 + 2 * tokens bytes.
"""

import array
import glob
import os
import struct
import sys

MAGIC = 20240520
VERSION = 1
HEADER_INTS = 256
HEADER_BYTES = HEADER_INTS * 4


class ShardError(ValueError):
    """A file that is not a well-formed token shard; the message names the file and what is wrong."""


def write_shard(path, tokens):
    """Writes ``tokens`` (ints in 0..65535) as one shard at ``path``."""
    values = array.array("H", (int(t) for t in tokens))
    if sys.byteorder != "little":
        values.byteswap()
    header = struct.pack("<256i", MAGIC, VERSION, len(values), *([0] * (HEADER_INTS - 3)))
    with open(path, "wb") as f:
        f.write(header)
        f.write(values.tobytes())


def read_header(path):
    """The token count of the shard at ``path``, after checking magic, version and file size."""
    with open(path, "rb") as f:
        raw = f.read(HEADER_BYTES)
    if len(raw) != HEADER_BYTES:
        raise ShardError(f"{path}: {len(raw)} bytes, shorter than the {HEADER_BYTES}-byte shard header")
    header = struct.unpack("<256i", raw)
    if header[0] != MAGIC or header[1] != VERSION:
        raise ShardError(f"{path}: header starts {header[0]}, {header[1]}; a shard starts {MAGIC}, {VERSION}")
    count = header[2]
    expected = HEADER_BYTES + 2 * count
    size = os.path.getsize(path)
    if count < 0 or size != expected:
        raise ShardError(f"{path}: {size} bytes, but its header says {count} tokens ({expected} bytes)")
    return count


def read_tokens(path):
    """The tokens of one shard as a torch int32 tensor (uint16 values, so never negative)."""
    import torch

    count = read_header(path)
    with open(path, "rb") as f:
        f.seek(HEADER_BYTES)
        raw = bytearray(f.read(2 * count))
    if count == 0:
        return torch.zeros(0, dtype=torch.int32)
    if sys.byteorder != "little":
        swapped = array.array("H", bytes(raw))
        swapped.byteswap()
        raw = bytearray(swapped.tobytes())
    # torch 1.13 has no uint16: read int16 and mask back to 0..65535
    return torch.frombuffer(raw, dtype=torch.int16).to(torch.int32) & 0xFFFF


def shard_files(folder, split):
    """``fineweb_<split>_*.bin`` in ``folder``, sorted by name."""
    return sorted(glob.glob(os.path.join(folder, f"fineweb_{split}_*.bin")))


def read_split(folder, split, limit=None):
    """The tokens of every ``<split>`` shard of ``folder`` in name order, at most ``limit`` of them."""
    import torch

    files = shard_files(folder, split)
    if not files:
        raise ShardError(f"no fineweb_{split}_*.bin shards in {folder}")
    parts, total = [], 0
    for path in files:
        tokens = read_tokens(path)
        if limit is not None and total + tokens.numel() > limit:
            tokens = tokens[: limit - total]
        parts.append(tokens)
        total += tokens.numel()
        if limit is not None and total >= limit:
            break
    return torch.cat(parts) if len(parts) > 1 else parts[0]
