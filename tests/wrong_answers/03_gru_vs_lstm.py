"""Plausible wrong answers to lesson 03's exercises (run by tests/test_exercise_checks.py)."""

# Exercise 3 trains small models: each wrong answer below that trains re-runs the loop over
# the lengths (a few seconds in fast mode).
_TRAIN_LOOP = """
models, accuracies = {{}}, {{}}
for length in lengths:
    utils.set_seed()
    model = keras.Sequential([keras.Input((length, 4)), keras.layers.{layer}(32),
                              keras.layers.Dense(4, activation="softmax")])
    model.compile({optimizer}, "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(*sequence_tasks.first_symbol_task(samples, length, seed=0),
                        validation_data=sequence_tasks.first_symbol_task(500, length, seed=1),
                        epochs=epochs, batch_size=64, verbose=0)
    models[length] = model
    accuracies[length] = history.history["{metric}"][-1]
return models, accuracies, {rule}
"""
_SHORTEST_BELOW = "next((length for length in lengths if accuracies[length] < 0.5), None)"


def _training(layer="SimpleRNN", optimizer="keras.optimizers.Adam(3e-3)", metric="val_accuracy", rule=_SHORTEST_BELOW):
    return _TRAIN_LOOP.format(layer=layer, optimizer=optimizer, metric=metric, rule=rule)


# Exercise 4 trains one small forecaster per wrong answer (a second or two in fast mode).
_CHOICE = """
model = keras.Sequential([keras.Input(x_train.shape[1:]), keras.layers.{layer}, keras.layers.Dense(y_train.shape[-1])])
model.compile(keras.optimizers.Adam(POWER_RATE["GRU"]), loss="mae")
model.fit({data}, epochs={epochs}, batch_size=BATCH, verbose=0)
return model
"""


def _choice(layer="GRU(20)", epochs="epochs_for(len(x_train))", data="x_train, y_train"):
    return _CHOICE.format(layer=layer, epochs=epochs, data=data)


WRONG_ANSWERS = {
    1: {
        "Bidirectional ignored": """
bias_rows = 2 if reset_after else 1
return 3 * (units * (input_dim + units) + bias_rows * units)
""",
        "two bias rows whatever reset_after says": """
one_direction = 3 * (units * (input_dim + units) + 2 * units)
return 2 * one_direction if bidirectional else one_direction
""",
        "one bias row whatever reset_after says": """
one_direction = 3 * (units * (input_dim + units) + units)
return 2 * one_direction if bidirectional else one_direction
""",
        "the LSTM's four blocks": """
bias_rows = 2 if reset_after else 1
one_direction = 4 * (units * (input_dim + units) + bias_rows * units)
return 2 * one_direction if bidirectional else one_direction
""",
        "the recurrent kernel forgotten": """
bias_rows = 2 if reset_after else 1
one_direction = 3 * (units * input_dim + bias_rows * units)
return 2 * one_direction if bidirectional else one_direction
""",
        "a recurrent kernel of input_dim x input_dim": """
bias_rows = 2 if reset_after else 1
one_direction = 3 * (input_dim * units + input_dim * input_dim + bias_rows * units)
return 2 * one_direction if bidirectional else one_direction
""",
        "the course's layer_params instead of the formula": """
def make_layer(u):
    layer = keras.layers.GRU(u, reset_after=reset_after)
    return keras.layers.Bidirectional(layer) if bidirectional else layer
return compare.layer_params(make_layer, units, input_dim)
""",
    },
    2: {
        "the root truncated with int()": """
root = -(input_dim + 1) / 2 + math.sqrt((input_dim + 1) ** 2 / 4 + target_params / 4)
return int(root)
""",
        "the root rounded to the nearest width": """
root = -(input_dim + 1) / 2 + math.sqrt((input_dim + 1) ** 2 / 4 + target_params / 4)
return round(root)
""",
        "the root rounded up": """
root = -(input_dim + 1) / 2 + math.sqrt((input_dim + 1) ** 2 / 4 + target_params / 4)
return math.ceil(root)
""",
        "the bias term left out (4u^2 + 4iu = P)": """
root = -input_dim / 2 + math.sqrt(input_dim ** 2 / 4 + target_params / 4)
candidates = sorted({max(1, math.floor(root)), math.ceil(root)})
return min(candidates, key=lambda u: abs(4 * u * (input_dim + u) - target_params))
""",
        "the GRU's formula solved instead of the LSTM's": """
half_b = input_dim + 2
root = -half_b / 2 + math.sqrt(half_b ** 2 / 4 + target_params / 3)
candidates = sorted({max(1, math.floor(root)), math.ceil(root)})
return min(candidates, key=lambda u: abs(3 * (u * (input_dim + u) + 2 * u) - target_params))
""",
        "the linear term ignored (4u^2 = P)": """
return max(1, round(math.sqrt(target_params / 4)))
""",
        "the larger width on a tie": """
half_b = input_dim + 1
root = -half_b / 2 + math.sqrt(half_b ** 2 / 4 + target_params / 4)
return min([math.ceil(root), math.floor(root)], key=lambda u: abs(4 * (u * (input_dim + u) + u) - target_params))
""",
        "the course's matching_units": """
return compare.matching_units(keras.layers.LSTM, target_params, input_dim)
""",
    },
    3: {
        "the full-mode lengths typed in, nothing trained": """
return {}, {20: 1, 40: 1, 80: 1}, None
""",
        "the training accuracy instead of the validation accuracy": _training(metric="accuracy"),
        "Adam with its default learning rate": _training(optimizer='"adam"'),
        "a GRU instead of a SimpleRNN": _training(layer="GRU"),
        "the longest length below 0.5 instead of the shortest": _training(
            rule="max((length for length in lengths if accuracies[length] < 0.5), default=None)"
        ),
    },
    4: {
        "an LSTM(32), over the weight budget": _choice(layer="LSTM(32)"),
        "the lesson's GRU(32), over the weight budget": _choice(layer="GRU(32)"),
        "one epoch more than asked": _choice(epochs="epochs_for(len(x_train)) + 1"),
        "trained on the validation windows": _choice(data="x_val, y_val"),
        "trained on the training and validation windows together": _choice(
            data="np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])"
        ),
    },
}

# The two most likely mistakes of each exercise, and a phrase their hint must contain
# (it names the mistake without giving the answer).
LIKELY = {
    1: {"Bidirectional ignored": "Bidirectional wrapper", "one bias row whatever reset_after says": "bias rows"},
    2: {
        "the root truncated with int()": "both widths around the root",
        "the root rounded to the nearest width": "both widths around the root",
    },
    3: {
        "the training accuracy instead of the validation accuracy": "not on the sequences it was trained on",
        "Adam with its default learning rate": "default Adam rate",
    },
    4: {
        "the lesson's GRU(32), over the weight budget": "over the weight budget",
        "trained on the validation windows": "fitted on the validation windows",
    },
}
