"""SentencePiece ``.model`` files without the sentencepiece package: a small protobuf reader and writer,
the byte accounting Parameter Golf's val_bpb uses, a BPE encoder and a small BPE trainer.

The file is a serialized ``ModelProto``: field 1 repeats ``SentencePiece`` messages (1: piece string,
2: score float, 3: type enum), field 3 is the ``NormalizerSpec`` (3: add_dummy_prefix, 4:
remove_extra_whitespaces, both true by default). Other fields (trainer spec, self-test data) are skipped.
"""

import struct

NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6
SPACE = "\u2581"  # '▁', SentencePiece's escaped space

_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5


class ModelFormatError(ValueError):
    """A file that does not parse as a SentencePiece ModelProto."""


def _read_varint(data, pos):
    result, shift = 0, 0
    while True:
        if pos >= len(data):
            raise ModelFormatError("truncated varint")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ModelFormatError("varint longer than 10 bytes")


def _fields(data):
    """Yields (field number, wire type, value) of one message; LEN values are bytes, I32/I64 raw bytes."""
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == _VARINT:
            value, pos = _read_varint(data, pos)
        elif wire == _I64:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == _LEN:
            length, pos = _read_varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire == _I32:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ModelFormatError(f"wire type {wire} of field {field} is not one protobuf 3 writes")
        if pos > len(data):
            raise ModelFormatError(f"field {field} runs past the end of its message")
        yield field, wire, value


class Piece:
    __slots__ = ("piece", "score", "type")

    def __init__(self, piece, score=0.0, type=NORMAL):
        self.piece, self.score, self.type = piece, score, type

    def __repr__(self):
        return f"Piece({self.piece!r}, {self.score}, {self.type})"


class SentencePieceModel:
    """The pieces of a SentencePiece model (id = position) and the normalizer flags the encoder needs."""

    def __init__(self, pieces, add_dummy_prefix=True, remove_extra_whitespaces=True):
        self.pieces = list(pieces)
        self.add_dummy_prefix = add_dummy_prefix
        self.remove_extra_whitespaces = remove_extra_whitespaces
        self.ids = {}
        self.byte_ids = {}
        for i, p in enumerate(self.pieces):
            if p.type == BYTE:
                self.byte_ids[_byte_value(p.piece)] = i
            elif p.type in (NORMAL, USER_DEFINED):
                self.ids.setdefault(p.piece, i)
        self.unk_id = next((i for i, p in enumerate(self.pieces) if p.type == UNKNOWN), 0)
        self.scores = {piece: self.pieces[i].score for piece, i in self.ids.items()}
        self._cache = {}

    @property
    def vocab_size(self):
        return len(self.pieces)

    def id_of(self, piece):
        for i, p in enumerate(self.pieces):
            if p.piece == piece:
                return i
        raise KeyError(piece)

    # ------------------------------------------------------------------ file format

    @classmethod
    def load(cls, path):
        with open(path, "rb") as f:
            return cls.parse(f.read())

    @classmethod
    def parse(cls, data):
        pieces, add_dummy_prefix, remove_extra = [], True, True
        for field, wire, value in _fields(data):
            if field == 1 and wire == _LEN:
                piece, score, kind = "", 0.0, NORMAL
                for f, w, v in _fields(value):
                    if f == 1 and w == _LEN:
                        piece = bytes(v).decode("utf-8")
                    elif f == 2 and w == _I32:
                        score = struct.unpack("<f", v)[0]
                    elif f == 3 and w == _VARINT:
                        kind = v
                pieces.append(Piece(piece, score, kind))
            elif field == 3 and wire == _LEN:
                for f, w, v in _fields(value):
                    if f == 3 and w == _VARINT:
                        add_dummy_prefix = bool(v)
                    elif f == 4 and w == _VARINT:
                        remove_extra = bool(v)
        if not pieces:
            raise ModelFormatError("no pieces (field 1): not a SentencePiece model")
        return cls(pieces, add_dummy_prefix, remove_extra)

    def serialize(self):
        out = bytearray()
        for p in self.pieces:
            body = bytearray()
            text = p.piece.encode("utf-8")
            body += _key(1, _LEN) + _varint(len(text)) + text
            body += _key(2, _I32) + struct.pack("<f", p.score)
            if p.type != NORMAL:
                body += _key(3, _VARINT) + _varint(p.type)
            out += _key(1, _LEN) + _varint(len(body)) + body
        normalizer = bytearray()
        name = b"identity"
        normalizer += _key(1, _LEN) + _varint(len(name)) + name
        normalizer += _key(3, _VARINT) + _varint(int(self.add_dummy_prefix))
        normalizer += _key(4, _VARINT) + _varint(int(self.remove_extra_whitespaces))
        out += _key(3, _LEN) + _varint(len(normalizer)) + normalizer
        return bytes(out)

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.serialize())

    # ------------------------------------------------------------------ byte accounting

    def byte_tables(self, vocab_size=None):
        """Per token id: base bytes, leading space, boundary token; as Parameter Golf counts them.

        Control, unknown and unused pieces are boundaries and count no bytes; byte-fallback pieces
        ``<0xNN>`` count one; any other piece counts the UTF-8 bytes of its text without a leading '▁',
        plus one for that space unless the previous token is a boundary (see ``target_bytes``).
        Ids past the model's pieces (a larger ``vocab_size``) are boundaries with no bytes.
        """
        size = max(self.vocab_size, vocab_size or 0)
        base = [0] * size
        space = [False] * size
        boundary = [True] * size
        for i, p in enumerate(self.pieces):
            if p.type in (CONTROL, UNKNOWN, UNUSED):
                continue
            boundary[i] = False
            if p.type == BYTE:
                base[i] = 1
                continue
            text = p.piece
            if text.startswith(SPACE):
                space[i] = True
                text = text[1:]
            base[i] = len(text.encode("utf-8"))
        return base, space, boundary

    # ------------------------------------------------------------------ encoding

    def encode(self, text):
        """Token ids of ``text``: '▁' for spaces (one in front when add_dummy_prefix), words split before
        each '▁', each word merged by the highest-scoring pair whose concatenation is a piece (ties: leftmost),
        characters outside the vocabulary as byte-fallback pieces (or unk). No Unicode normalisation."""
        if self.remove_extra_whitespaces:
            # leading, trailing and repeated spaces go, as SentencePiece's normalizer does by default
            text = " ".join(part for part in text.split(" ") if part)
        if not text:
            return []
        text = text.replace(" ", SPACE)
        if self.add_dummy_prefix:
            text = SPACE + text
        ids = []
        start = 0
        for i in range(1, len(text) + 1):
            if i == len(text) or text[i] == SPACE:
                ids.extend(self._encode_word(text[start:i]))
                start = i
        return ids

    def _encode_word(self, word):
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        symbols = list(word)
        scores = self.scores
        while len(symbols) > 1:
            best, best_at = None, -1
            for j in range(len(symbols) - 1):
                merged = symbols[j] + symbols[j + 1]
                score = scores.get(merged)
                if score is not None and (best is None or score > best):
                    best, best_at = score, j
            if best is None:
                break
            symbols[best_at:best_at + 2] = [symbols[best_at] + symbols[best_at + 1]]
        ids = []
        for s in symbols:
            i = self.ids.get(s)
            if i is not None:
                ids.append(i)
            elif self.byte_ids:
                ids.extend(self.byte_ids.get(b, self.unk_id) for b in s.encode("utf-8"))
            else:
                ids.append(self.unk_id)
        if len(self._cache) < 200_000:
            self._cache[word] = ids
        return ids

    def decode_piece(self, token_id):
        return self.pieces[token_id].piece


def _byte_value(piece):
    # byte-fallback pieces are spelled <0xNN>
    return int(piece[3:5], 16)


def _varint(value):
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field, wire):
    return _varint((field << 3) | wire)


def target_bytes(prev_ids, target_ids, tables):
    """UTF-8 bytes each target token stands for (torch int64 tensors in, int64 tensor out)."""
    import torch

    base, space, boundary = tables
    device = target_ids.device
    base_t = torch.tensor(base, dtype=torch.int64, device=device)
    space_t = torch.tensor(space, dtype=torch.bool, device=device)
    boundary_t = torch.tensor(boundary, dtype=torch.bool, device=device)
    return base_t[target_ids] + (space_t[target_ids] & ~boundary_t[prev_ids]).to(torch.int64)


def special_pieces():
    """<unk>, <s> (BOS, id 1), </s>, then the 256 byte-fallback pieces: the start of every model built here."""
    pieces = [Piece("<unk>", 0.0, UNKNOWN), Piece("<s>", 0.0, CONTROL), Piece("</s>", 0.0, CONTROL)]
    pieces += [Piece(f"<0x{b:02X}>", 0.0, BYTE) for b in range(256)]
    return pieces


def train_bpe(texts, vocab_size, add_dummy_prefix=True):
    """A SentencePiece-style BPE model learnt from ``texts``: specials and bytes, every character seen, then
    the most frequent adjacent merges inside words; earlier merges score higher. For tests and checks on
    small corpora (pure Python); real tokenizers come from the sentencepiece trainer."""
    words = {}
    for text in texts:
        text = " ".join(part for part in text.split(" ") if part).replace(" ", SPACE)
        if not text:
            continue
        if add_dummy_prefix:
            text = SPACE + text
        start = 0
        for i in range(1, len(text) + 1):
            if i == len(text) or text[i] == SPACE:
                w = tuple(text[start:i])
                words[w] = words.get(w, 0) + 1
                start = i
    pieces = special_pieces()
    known = set()
    chars = {}
    for w, n in words.items():
        for c in w:
            chars[c] = chars.get(c, 0) + n
    for c, _ in sorted(chars.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(pieces) >= vocab_size:
            break
        pieces.append(Piece(c, -float(len(pieces)), NORMAL))
        known.add(c)
    words = {w: n for w, n in words.items() if all(c in known for c in w)}
    while len(pieces) < vocab_size:
        pairs = {}
        for w, n in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + n
        if not pairs:
            break
        (a, b), _ = max(pairs.items(), key=lambda kv: (kv[1], -len(kv[0][0] + kv[0][1]), kv[0]))
        merged = a + b
        pieces.append(Piece(merged, -float(len(pieces)), NORMAL))
        new_words = {}
        for w, n in words.items():
            out, j = [], 0
            while j < len(w):
                if j + 1 < len(w) and w[j] == a and w[j + 1] == b:
                    out.append(merged)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            key = tuple(out)
            new_words[key] = new_words.get(key, 0) + n
        words = new_words
    return SentencePieceModel(pieces, add_dummy_prefix=add_dummy_prefix, remove_extra_whitespaces=True)
