"""History and EarlyStopping (Keras's rules), driven by scripted logs and by real training."""

from __future__ import annotations

import numpy as np
import pytest

from companion import nn

from .helpers import article_model, small_data


class FakeModel:
    def __init__(self):
        self.stop_training = False
        self.value = 0
        self.restored = None

    def get_weights(self):
        return [np.array(self.value)]

    def set_weights(self, weights):
        self.restored = int(weights[0])


def drive(callback, values, key="val_loss"):
    model = FakeModel()
    callback.set_model(model)
    callback.on_train_begin()
    epochs = 0
    for epoch, value in enumerate(values):
        model.value = epoch
        callback.on_epoch_end(epoch, {key: value})
        epochs += 1
        if model.stop_training:
            break
    callback.on_train_end()
    return epochs, model


def test_patience_zero_stops_at_first_non_improvement():
    epochs, _ = drive(nn.EarlyStopping(), [1.0, 0.9, 0.95, 0.5])
    assert epochs == 3


def test_patience_counts_epochs_without_improvement():
    stop = nn.EarlyStopping(patience=2)
    epochs, _ = drive(stop, [1.0, 0.9, 0.95, 0.96, 0.5])
    assert epochs == 4 and stop.stopped_epoch == 3 and stop.best == 0.9 and stop.best_epoch == 1


def test_min_delta():
    epochs, _ = drive(nn.EarlyStopping(min_delta=0.05), [1.0, 0.97, 0.5])
    assert epochs == 2  # 0.97 is not better by more than 0.05


def test_mode_auto_maximises_accuracy():
    epochs, _ = drive(nn.EarlyStopping(monitor="val_accuracy"), [0.5, 0.6, 0.7, 0.65], key="val_accuracy")
    assert epochs == 4
    epochs, _ = drive(nn.EarlyStopping(monitor="val_accuracy"), [0.5, 0.4], key="val_accuracy")
    assert epochs == 2


def test_restore_best_weights():
    stop = nn.EarlyStopping(patience=1, restore_best_weights=True)
    epochs, model = drive(stop, [1.0, 0.5, 0.7, 0.8, 0.1])
    assert epochs == 3 and model.restored == 1


def test_baseline():
    values = [1.0, 0.9, 0.95, 0.96, 0.97]
    assert drive(nn.EarlyStopping(patience=2), values)[0] == 4
    # improvements that do not beat the baseline do not reset the patience counter
    assert drive(nn.EarlyStopping(patience=2, baseline=0.5), values)[0] == 3


def test_start_from_epoch():
    epochs, _ = drive(nn.EarlyStopping(start_from_epoch=3), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert epochs == 5


def test_missing_monitor_warns():
    with pytest.warns(UserWarning, match="EarlyStopping monitors 'val_loss', which is not available"):
        drive(nn.EarlyStopping(), [1.0], key="loss")


def test_early_stopping_in_fit():
    x, y = small_data(60)
    model = article_model(optimizer=nn.optimizers.SGD(0.5))
    stop = nn.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    h = model.fit(x, y, epochs=50, validation_split=0.5, callbacks=[stop], verbose=0)
    n = len(h.history["loss"])
    assert 2 <= n < 50 and stop.stopped_epoch == n - 1
    best = int(np.argmin(h.history["val_loss"]))
    assert stop.best_epoch == best
    restored = model.evaluate(x[30:], y[30:], verbose=0)[0]
    assert restored == pytest.approx(h.history["val_loss"][best], rel=1e-5)


def test_callback_hooks_are_called_in_order():
    calls = []

    class Recorder(nn.callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append("begin")

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(f"e{epoch}")

        def on_epoch_end(self, epoch, logs=None):
            calls.append(f"/e{epoch}:{sorted(logs)}")

        def on_train_end(self, logs=None):
            calls.append("end")

    x, y = small_data()
    article_model().fit(x, y, epochs=2, verbose=0, callbacks=[Recorder()])
    assert calls == ["begin", "e0", "/e0:['accuracy', 'loss']", "e1", "/e1:['accuracy', 'loss']", "end"]
