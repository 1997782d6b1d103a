"""Frames between an evaluator and its model process (``looplab_eval.model_server``) over stdin/stdout.

A frame is one kind byte, then
- tensors (1 int32, 2 uint8, 3 float32): one byte ndim, ndim little-endian int32 dims, the values
  little-endian, row-major;
- 4 JSON, 5 error (JSON ``{"message": ...}``): a little-endian int32 length and that many UTF-8 bytes.
The evaluator sends one tensor per request, optionally preceded by a JSON frame ``{"positions": [lo, hi]}``
asking for the logits of positions lo..hi-1 only; the model process answers one float32 tensor (or an error).
"""

import ctypes
import json
import os
import struct
import sys
import threading
import collections
import subprocess

INT32, UINT8, FLOAT32, JSON, ERROR = 1, 2, 3, 4, 5

if sys.byteorder != "little":
    raise RuntimeError("looplab_eval frames are little-endian and this host is not")


class ProtocolError(IOError):
    """The other side broke the framing or ended early."""


def _dtypes():
    import torch

    return {INT32: torch.int32, UINT8: torch.uint8, FLOAT32: torch.float32}


def tensor_bytes(t):
    """The raw bytes of a tensor (copied to CPU, contiguous), without numpy."""
    t = t.detach().contiguous().cpu()
    n = t.numel() * t.element_size()
    return ctypes.string_at(t.data_ptr(), n) if n else b""


def write_tensor(stream, t):
    import torch

    kinds = {torch.int32: INT32, torch.uint8: UINT8, torch.float32: FLOAT32}
    kind = kinds.get(t.dtype)
    if kind is None:
        raise ValueError(f"frames carry int32, uint8 or float32 tensors, not {t.dtype}")
    head = struct.pack("<BB", kind, t.dim()) + struct.pack(f"<{t.dim()}i", *t.shape)
    stream.write(head)
    stream.write(tensor_bytes(t))
    stream.flush()


def write_json(stream, obj, kind=JSON):
    body = json.dumps(obj).encode("utf-8")
    stream.write(struct.pack("<Bi", kind, len(body)) + body)
    stream.flush()


def _read_exact(stream, n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = stream.readinto(view[got:])
        if not k:
            raise ProtocolError(f"stream ended after {got} of {n} bytes")
        got += k
    return buf


def read_frame(stream, max_bytes=1 << 34):
    """(kind, value): a torch tensor for tensor kinds, a dict for JSON and error frames; None at clean EOF."""
    import torch

    first = stream.read(1)
    if not first:
        return None
    kind = first[0]
    if kind in (JSON, ERROR):
        (length,) = struct.unpack("<i", _read_exact(stream, 4))
        if length < 0 or length > 1 << 24:
            raise ProtocolError(f"JSON frame of {length} bytes")
        return kind, json.loads(bytes(_read_exact(stream, length)).decode("utf-8"))
    dtype = _dtypes().get(kind)
    if dtype is None:
        raise ProtocolError(f"unknown frame kind {kind}")
    (ndim,) = _read_exact(stream, 1)
    shape = struct.unpack(f"<{ndim}i", _read_exact(stream, 4 * ndim)) if ndim else ()
    count = 1
    for d in shape:
        if d < 0:
            raise ProtocolError(f"negative dimension in {shape}")
        count *= d
    size = count * torch.empty((), dtype=dtype).element_size()
    if size > max_bytes:
        raise ProtocolError(f"tensor frame of {size} bytes is larger than allowed ({max_bytes})")
    if count == 0:
        return kind, torch.zeros(shape, dtype=dtype)
    raw = _read_exact(stream, size)
    return kind, torch.frombuffer(raw, dtype=dtype).reshape(shape)


class ModelError(RuntimeError):
    """The recipe's model failed to load or to answer; the message carries its own words and stderr."""


class ModelProcess:
    """The recipe's ``load_model`` running in a child process; ``forward`` sends a tensor, returns float32.

    ``wrapper`` is a command prefix (for example a sandbox such as bubblewrap) the child runs under; the
    child sees the recipe file and the artifact folder, never the held-out data.
    """

    def __init__(self, recipe_file, artifact_dir, device, wrapper=(), threads=None, env=None):
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        child_env = dict(os.environ if env is None else env)
        child_env["PYTHONPATH"] = package_root + (os.pathsep + child_env["PYTHONPATH"]
                                                  if child_env.get("PYTHONPATH") else "")
        if threads:
            child_env["LOOPLAB_THREADS"] = str(threads)
        command = list(wrapper) + [sys.executable, "-m", "looplab_eval.model_server", "--recipe",
                                   os.path.abspath(recipe_file), "--artifact", os.path.abspath(artifact_dir),
                                   "--device", str(device)]
        self.stderr_tail = collections.deque(maxlen=40)
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=child_env, bufsize=0)
        self._pump = threading.Thread(target=self._pump_stderr, daemon=True)
        self._pump.start()
        try:
            self.hello = self._expect_json()
        except BaseException as e:
            self.close()
            if isinstance(e, ModelError):
                e.args = (str(e) + self._tail_suffix(),)
            raise

    def _tail_suffix(self):
        tail = self.tail()
        return f"; model stderr:\n{tail}" if tail else ""

    def _pump_stderr(self):
        for line in iter(self.process.stderr.readline, b""):
            text = line.decode("utf-8", "replace").rstrip("\n")
            self.stderr_tail.append(text)
            print("[model] " + text, file=sys.stderr, flush=True)

    def tail(self, lines=8):
        if self.process.poll() is not None:
            self._pump.join(timeout=0.5)  # the last lines of a process that just died may still be in flight
        return "\n".join(list(self.stderr_tail)[-lines:])

    def _answer(self):
        try:
            frame = read_frame(self.process.stdout)
        except ProtocolError as e:
            raise ModelError(f"the model process broke the frame protocol ({e})") from e
        if frame is None:
            code = self.process.wait(timeout=10)
            raise ModelError(f"the model process exited (code {code}) before answering")
        return frame

    def _expect_json(self):
        kind, value = self._answer()
        if kind == ERROR:
            raise ModelError(value.get("message", "unknown error"))
        if kind != JSON:
            raise ModelError("the model process answered its start with a tensor, not a hello")
        return value

    def forward(self, tensor, positions=None):
        """The model's float32 answer to ``tensor``; with ``positions`` (lo, hi) only those positions' logits."""
        try:
            if positions is not None:
                write_json(self.process.stdin, {"positions": [int(positions[0]), int(positions[1])]})
            write_tensor(self.process.stdin, tensor)
        except (BrokenPipeError, OSError) as e:
            raise ModelError(f"the model process stopped reading ({e})") from e
        kind, value = self._answer()
        if kind == ERROR:
            raise ModelError(value.get("message", "unknown error"))
        if kind != FLOAT32:
            raise ModelError("the model process answered with something other than float32 values")
        return value

    def close(self):
        """Ends the child: EOF on stdin, then a kill if it does not exit within 10 s; closes the pipes."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._pump.join(timeout=5)
        self.process.stdout.close()
        self.process.stderr.close()
        return self.process.returncode

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
