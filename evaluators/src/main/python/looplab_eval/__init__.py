"""Looplab's trusted scoring code for the Python/PyTorch tasks (parameter-golf, nanochat-d12, airbench96).

Each task module is run as ``python3 -m looplab_eval.<task> prepare|score ...``: ``prepare`` builds the
training data folder (never the held-out data), ``score`` loads the trained artifact through the recipe's
``load_model(artifact_dir, device)`` in a separate model process (``looplab_eval.model_server``) and computes
the score itself. Only the standard library and torch are needed (no numpy, no sentencepiece, no yaml).
"""

VERSION = "1.0.0"
