"""The model process: imports a recipe file, calls its ``load_model(artifact_dir, device)`` and answers frames.

    python3 -m looplab_eval.model_server --recipe <file.py> --artifact <dir> --device <cpu|cuda|cuda:N>

The recipe is imported as a module (its ``if __name__ == "__main__"`` training entry does not run) and
only its own file is loaded: the recipe folder is not put on sys.path. ``load_model`` returns a callable
taking one tensor on ``device`` (int64 token ids (batch, length) for language models, uint8 images
(n, 3, 32, 32) for airbench) and returning float logits ((batch, length, vocab) or (n, classes)); an
optional ``max_seq_len`` attribute says the longest sequence it takes. Everything runs under
``torch.no_grad``. The first frame out is a JSON hello; then one float32 answer per request (cut to the
positions a preceding JSON frame asked for); EOF ends it.
Anything the recipe prints goes to stderr: stdout carries frames only.
"""

import argparse
import importlib.util
import os
import sys
import time
import traceback


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m looplab_eval.model_server")
    parser.add_argument("--recipe", required=True)
    parser.add_argument("--artifact", required=True)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)

    # frames go to a private copy of fd 1; fd 1 itself (Python or C code printing) now points at stderr
    frames = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    from looplab_eval import protocol

    started = time.time()
    try:
        import torch

        threads = os.environ.get("LOOPLAB_THREADS")
        if threads:
            torch.set_num_threads(int(threads))
        sys.dont_write_bytecode = True  # no __pycache__ beside the trial's recipe
        spec = importlib.util.spec_from_file_location("looplab_recipe", args.recipe)
        module = importlib.util.module_from_spec(spec)
        sys.modules["looplab_recipe"] = module
        spec.loader.exec_module(module)
        load = getattr(module, "load_model", None)
        if load is None:
            raise AttributeError(f"{os.path.basename(args.recipe)} defines no load_model(artifact_dir, device)")
        device = torch.device(args.device)
        with torch.no_grad():
            model = load(args.artifact, device)
        max_seq_len = getattr(model, "max_seq_len", None)
        protocol.write_json(frames, {
            "load_seconds": round(time.time() - started, 3),
            "max_seq_len": int(max_seq_len) if isinstance(max_seq_len, int) else None,
            "torch": torch.__version__,
            "device": str(device),
        })
    except Exception as e:  # the recipe's fault: say what it raised, the evaluator turns it into feedback
        traceback.print_exc()
        protocol.write_json(frames, {"message": f"load_model failed: {type(e).__name__}: {e}"}, protocol.ERROR)
        return 1

    stdin = sys.stdin.buffer
    positions = None
    while True:
        frame = protocol.read_frame(stdin)
        if frame is None:
            return 0
        kind, value = frame
        if kind == protocol.JSON:
            positions = value.get("positions")  # applies to the next request only
            continue
        try:
            x = value.to(device=device, dtype=torch.int64 if kind == protocol.INT32 else value.dtype)
            with torch.no_grad():
                out = model(x)
            if not isinstance(out, torch.Tensor):
                raise TypeError(f"the model returned {type(out).__name__}, not a tensor of logits")
            if positions is not None:
                out = out[:, positions[0]:positions[1]]
                positions = None
            protocol.write_tensor(frames, out.detach().float())
        except Exception as e:
            traceback.print_exc()
            protocol.write_json(frames, {"message": f"the model raised {type(e).__name__}: {e}"}, protocol.ERROR)
            return 1


if __name__ == "__main__":
    sys.exit(main())
