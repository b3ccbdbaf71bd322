"""Plausible wrong answers to lesson 04's exercises (run by tests/test_exercise_checks.py)."""

# Exercise 4 trains the lesson's GRU once per wrong answer (a few seconds in fast mode).
_MY_MODEL = """
model = {build}
model.fit({data}, epochs={epochs}, batch_size=BATCH, verbose=0)
return model
"""


def _my_model(build="build_gru(dropout=0.2, head_dropout=0.3)", epochs="EPOCHS", data="x_train, y_train"):
    return _MY_MODEL.format(build=build, epochs=epochs, data=data)


WRONG_ANSWERS = {
    1: {
        "the lesson's PATIENCE for every set of curves": """
replays = [training.replay_early_stopping({"val_loss": curve}, patience=PATIENCE) for curve in curves]
return PATIENCE, sum(len(curve) - replay.epochs_run for replay, curve in zip(replays, curves))
""",
        "patience counted from 1": """
patience = 1
while True:
    replays = [training.replay_early_stopping({"val_loss": curve}, patience=patience) for curve in curves]
    if all(replay.best_value == min(curve) for replay, curve in zip(replays, curves)):
        return patience, sum(len(curve) - replay.epochs_run for replay, curve in zip(replays, curves))
    patience += 1
""",
        "good enough for any one curve instead of every curve": """
patience = 0
while True:
    replays = [training.replay_early_stopping({"val_loss": curve}, patience=patience) for curve in curves]
    if any(replay.best_value == min(curve) for replay, curve in zip(replays, curves)):
        return patience, sum(len(curve) - replay.epochs_run for replay, curve in zip(replays, curves))
    patience += 1
""",
        "epochs saved counted from the best epoch": """
patience = 0
while True:
    replays = [training.replay_early_stopping({"val_loss": curve}, patience=patience) for curve in curves]
    if all(replay.best_value == min(curve) for replay, curve in zip(replays, curves)):
        return patience, sum(len(curve) - replay.best_epoch for replay, curve in zip(replays, curves))
    patience += 1
""",
        "epochs saved against EPOCHS instead of each curve's length": """
patience = 0
while True:
    replays = [training.replay_early_stopping({"val_loss": curve}, patience=patience) for curve in curves]
    if all(replay.best_value == min(curve) for replay, curve in zip(replays, curves)):
        return patience, sum(EPOCHS - replay.epochs_run for replay in replays)
    patience += 1
""",
        "every run assumed to stop patience epochs after its best": """
patience = 0
while True:
    replays = [training.replay_early_stopping({"val_loss": curve}, patience=patience) for curve in curves]
    if all(replay.best_value == min(curve) for replay, curve in zip(replays, curves)):
        return patience, sum(len(curve) - (replay.best_epoch + patience) for replay, curve in zip(replays, curves))
    patience += 1
""",
    },
    2: {
        "timed the plain model twice": """
first_times, second_times = [], []
for _ in range(repeats):
    for model, times in ((first, first_times), (first, second_times)):
        with utils.Timer() as timer:
            model.predict_on_batch(x)
        times.append(timer.seconds)
return first_times, second_times
""",
        "all predictions of the first model, then all of the second": """
first_times, second_times = [], []
for _ in range(repeats):
    with utils.Timer() as timer:
        first.predict_on_batch(x)
    first_times.append(timer.seconds)
for _ in range(repeats):
    with utils.Timer() as timer:
        second.predict_on_batch(x)
    second_times.append(timer.seconds)
return first_times, second_times
""",
        "one timer started before the loop (cumulative times)": """
import time

first_times, second_times = [], []
start = time.perf_counter()
for _ in range(repeats):
    first.predict_on_batch(x)
    first_times.append(time.perf_counter() - start)
    second.predict_on_batch(x)
    second_times.append(time.perf_counter() - start)
return first_times, second_times
""",
        "one timer around both predictions of a turn": """
first_times, second_times = [], []
for _ in range(repeats):
    with utils.Timer() as timer:
        first.predict_on_batch(x)
        second.predict_on_batch(x)
    first_times.append(timer.seconds)
    second_times.append(timer.seconds)
return first_times, second_times
""",
        "the two lists returned in the wrong order": """
first_times, second_times = [], []
for _ in range(repeats):
    for model, times in ((first, first_times), (second, second_times)):
        with utils.Timer() as timer:
            model.predict_on_batch(x)
        times.append(timer.seconds)
return second_times, first_times
""",
        "one turn too few": """
first_times, second_times = [], []
for _ in range(1, repeats):
    for model, times in ((first, first_times), (second, second_times)):
        with utils.Timer() as timer:
            model.predict_on_batch(x)
        times.append(timer.seconds)
return first_times, second_times
""",
    },
    3: {
        "ties count as improvements": """
best, best_epoch, waited = float("inf"), 1, 0
for epoch, value in enumerate(values, start=1):
    if value <= best:
        best, best_epoch, waited = value, epoch, 0
        continue
    waited += 1
    if waited >= patience and epoch > 1:
        return epoch, best_epoch
return len(values), best_epoch
""",
        "stops one epoch late (counter must exceed patience)": """
best, best_epoch, waited = float("inf"), 1, 0
for epoch, value in enumerate(values, start=1):
    if value < best:
        best, best_epoch, waited = value, epoch, 0
        continue
    waited += 1
    if waited > patience and epoch > 1:
        return epoch, best_epoch
return len(values), best_epoch
""",
        "the counter is not reset by an improvement": """
best, best_epoch, waited = float("inf"), 1, 0
for epoch, value in enumerate(values, start=1):
    if value < best:
        best, best_epoch = value, epoch
        continue
    waited += 1
    if waited >= patience and epoch > 1:
        return epoch, best_epoch
return len(values), best_epoch
""",
        "epochs counted from 0": """
best, best_epoch, waited = float("inf"), 0, 0
for epoch, value in enumerate(values):
    if value < best:
        best, best_epoch, waited = value, epoch, 0
        continue
    waited += 1
    if waited >= patience and epoch > 0:
        return epoch, best_epoch
return len(values) - 1, best_epoch
""",
        "compared with the previous epoch instead of the best so far": """
previous, best_epoch, waited = float("inf"), 1, 0
for epoch, value in enumerate(values, start=1):
    if value < previous:
        best_epoch, waited = epoch, 0
    else:
        waited += 1
        if waited >= patience and epoch > 1:
            return epoch, best_epoch
    previous = value
return len(values), best_epoch
""",
        "the last epoch handed back, as without restore_best_weights": """
best, waited = float("inf"), 0
for epoch, value in enumerate(values, start=1):
    if value < best:
        best, waited = value, 0
        continue
    waited += 1
    if waited >= patience and epoch > 1:
        return epoch, epoch
return len(values), len(values)
""",
        "the course's replay of EarlyStopping instead of the rule": """
replay = training.replay_early_stopping({"val_loss": list(values)}, patience=patience)
return replay.epochs_run, replay.best_epoch
""",
    },
    4: {
        "no dropout: the plain GRU again": _my_model(build="build_gru()"),
        "twice the epoch budget": _my_model(epochs="2 * EPOCHS"),
        "a narrower GRU(32) with dropout instead of the lesson's GRU(64)": _my_model(
            build="compiled(keras.Sequential(["
            "keras.Input((WINDOW, N_FEATURES)), keras.layers.GRU(32, dropout=0.2), keras.layers.Dense(HORIZON)]))"
        ),
        "trained on the validation weeks": _my_model(data="x_val, y_val"),
        "trained on the training and validation weeks together": _my_model(
            data="np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])"
        ),
    },
}

# The two most likely mistakes of each exercise, and a phrase their hint must contain
# (it names the mistake without giving the answer).
LIKELY = {
    1: {
        "patience counted from 1": "start counting at patience 0",
        "epochs saved counted from the best epoch": "epochs_run",
    },
    2: {
        "all predictions of the first model, then all of the second": "take turns",
        "one timer around both predictions of a turn": "its own utils.Timer()",
    },
    3: {
        "ties count as improvements": "ties are not improvements",
        "stops one epoch late (counter must exceed patience)": "one epoch late",
    },
    4: {
        "trained on the validation weeks": "fitted on the validation weeks",
        "twice the epoch budget": "over the budget",
    },
}
