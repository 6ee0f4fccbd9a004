"""companion.tf: TensorFlow imports without a word on stderr, and seeded training reproduces."""

import inspect
import os
import subprocess
import sys
import textwrap

import pytest

from companion import tf as ctf


def _run(code: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ctf.QUIET_ENV}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
        timeout=300,
    )


def test_setup_imports_tensorflow_and_trains_without_stderr():
    # a fresh process with neither variable set: setup() alone must keep TensorFlow quiet
    proc = _run(
        """
        from companion import tf as ctf, data
        tf, keras = ctf.setup(seed=0)
        (x, y), _ = data.load_digits()
        m = keras.Sequential([keras.Input((100,)), keras.layers.Dense(10, activation="softmax")])
        m.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        h = m.fit(x, y, epochs=2, verbose=0)
        print(keras.__version__.split(".")[0], repr(h.history["loss"]))
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.startswith("3 [")


def test_plain_import_is_noisy_without_the_settings():
    # the guard above is meaningful only if TensorFlow really does talk when not silenced
    proc = _run(
        """
        import tensorflow as tf
        from tensorflow import keras
        import numpy as np
        m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        m.compile("sgd", "mse")
        m.fit(np.zeros((4, 3)), np.zeros((4, 2)), verbose=0)
        """
    )
    assert proc.returncode == 0
    assert proc.stderr != ""


def test_seeded_training_is_reproducible():
    code = """
        from companion import tf as ctf, data
        tf, keras = ctf.setup(seed=3)
        (x, y), _ = data.load_digits()
        m = keras.Sequential([keras.Input((100,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
        m.compile("adam", "sparse_categorical_crossentropy")
        print(repr(m.fit(x, y, epochs=2, verbose=0).history["loss"]))
        """
    a, b = _run(code), _run(code)
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout and a.stdout.strip()


def test_quiet_environment_refuses_when_too_late(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", object())
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    with pytest.raises(RuntimeError, match="imported before companion.tf could silence it"):
        ctf.quiet_environment()


def test_quiet_environment_fills_unset_and_empty(monkeypatch):
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "")
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    ctf.quiet_environment()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "2"
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"


def test_setup_validates_seed():
    with pytest.raises(TypeError, match=r"seed must be an int in \[0, 2\*\*32\), got str \('0'\)"):
        ctf.setup(seed="0")
    with pytest.raises(ValueError, match=r"seed must be an int in \[0, 2\*\*32\), got -1"):
        ctf.setup(seed=-1)


def test_article_model_architecture_and_parameter_count():
    ctf.setup(seed=0)
    model = ctf.article_model()
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(100, 64), (64,), (64, 64), (64,), (64, 10), (10,)]
    # 100*64+64 + 64*64+64 + 64*10+10
    assert model.count_params() == 11_274
    assert [layer.activation.__name__ for layer in model.layers] == ["relu", "relu", "softmax"]
    assert model.loss == "sparse_categorical_crossentropy"


def test_article_model_validates_widths():
    # a wrong value is a ValueError, a wrong type a TypeError (it was a ValueError before issue 14)
    with pytest.raises(ValueError, match="num_hiddens must be a positive integer, got 0"):
        ctf.article_model(num_hiddens=0)
    with pytest.raises(TypeError, match=r"num_inputs must be a positive integer, got float \(100.0\)"):
        ctf.article_model(num_inputs=100.0)
    with pytest.raises(TypeError, match=r"num_outputs must be a positive integer, got bool \(True\)"):
        ctf.article_model(num_outputs=True)


def test_article_model_float64_computes_in_float64():
    ctf.setup(seed=0)
    import numpy as np

    model = ctf.article_model(dtype="float64")
    assert {w.dtype for w in model.get_weights()} == {np.dtype("float64")}
    x = np.linspace(0, 1, 200).reshape(2, 100)
    probs = model(x)
    assert probs.dtype == "float64"
    # the loss too (Keras would otherwise compute it in its float32 floatx)
    assert model.loss(np.array([1, 2]), probs).dtype == "float64"


def test_article_model_validates_dtype():
    with pytest.raises(ValueError, match=r"dtype must be one of \['float32', 'float64'\], got 'float16'"):
        ctf.article_model(dtype="float16")


def _redraws(keras, monkeypatch, capsys, steps=5):
    """Lines a verbose Progbar draws for ``steps`` updates one (fake) second apart."""
    from keras.src.utils import progbar

    clock = iter(range(1000))
    monkeypatch.setattr(progbar.time, "time", lambda: float(next(clock)))
    bar = keras.utils.Progbar(target=steps, verbose=1)
    capsys.readouterr()
    for step in range(1, steps + 1):
        bar.update(step, values=[("loss", 0.5)])
    return capsys.readouterr().out.count("/step")  # every drawing shows the time per step


def test_steady_progress_bar_draws_each_epoch_once(monkeypatch, capsys):
    tf, keras = ctf.setup(seed=0, steady_progress=False)
    init = keras.utils.Progbar.__init__
    saved = init.__defaults__
    try:
        names = [p.name for p in inspect.signature(init).parameters.values()
                 if p.default is not p.empty]
        init.__defaults__ = tuple(0.05 if n == "interval" else d  # Keras's own default
                                  for n, d in zip(names, saved))
        assert _redraws(keras, monkeypatch, capsys) == 5  # a slow machine: one line per step
        ctf.steady_progress_bar(keras)
        assert _redraws(keras, monkeypatch, capsys) == 1  # only the final state
    finally:
        init.__defaults__ = saved
