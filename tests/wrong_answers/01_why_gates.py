"""Plausible wrong answers to lesson 01's exercises (run by tests/test_exercise_checks.py)."""

WRONG_ANSWERS = {
    1: {
        "tanh forgotten": """
return x_t @ kernel + h_prev @ recurrent_kernel + bias
""",
        "U transposed (the column-vector formula with Keras's row-vector weights)": """
return np.tanh(x_t @ kernel + h_prev @ recurrent_kernel.T + bias)
""",
        "the bias added twice": """
return np.tanh(x_t @ kernel + bias + h_prev @ recurrent_kernel + bias)
""",
        "the previous state left out": """
return np.tanh(x_t @ kernel + bias)
""",
        "sigmoid instead of tanh": """
return 1 / (1 + np.exp(-(x_t @ kernel + h_prev @ recurrent_kernel + bias)))
""",
        "tanh around the input part only": """
return np.tanh(x_t @ kernel + bias) + h_prev @ recurrent_kernel
""",
    },
    2: {
        "the state not carried (every step starts from h_0 = 0)": """
h = np.zeros((x.shape[0], recurrent_kernel.shape[0]), dtype=x.dtype)
states = []
for t in range(x.shape[1]):
    states.append(rnn_step(x[:, t], h, kernel, recurrent_kernel, bias))
return np.stack(states, axis=1)
""",
        "each state stored before the step (h_0 .. h_(T-1))": """
h = np.zeros((x.shape[0], recurrent_kernel.shape[0]), dtype=x.dtype)
states = []
for t in range(x.shape[1]):
    states.append(h)
    h = rnn_step(x[:, t], h, kernel, recurrent_kernel, bias)
return np.stack(states, axis=1)
""",
        "only the last state returned": """
h = np.zeros((x.shape[0], recurrent_kernel.shape[0]), dtype=x.dtype)
for t in range(x.shape[1]):
    h = rnn_step(x[:, t], h, kernel, recurrent_kernel, bias)
return h
""",
        "the first state repeated at every step": """
h = np.zeros((x.shape[0], recurrent_kernel.shape[0]), dtype=x.dtype)
first = rnn_step(x[:, 0], h, kernel, recurrent_kernel, bias)
return np.stack([first] * x.shape[1], axis=1)
""",
        "stacked along the wrong axis (time, batch, units)": """
h = np.zeros((x.shape[0], recurrent_kernel.shape[0]), dtype=x.dtype)
states = []
for t in range(x.shape[1]):
    h = rnn_step(x[:, t], h, kernel, recurrent_kernel, bias)
    states.append(h)
return np.stack(states)
""",
        "started from h_0 = 1 instead of 0": """
h = np.ones((x.shape[0], recurrent_kernel.shape[0]), dtype=x.dtype)
states = []
for t in range(x.shape[1]):
    h = rnn_step(x[:, t], h, kernel, recurrent_kernel, bias)
    states.append(h)
return np.stack(states, axis=1)
""",
        "units taken from the wrong axis (kernel.shape[0], the number of features)": """
h = np.zeros((x.shape[0], kernel.shape[0]), dtype=x.dtype)
states = []
for t in range(x.shape[1]):
    h = rnn_step(x[:, t], h, kernel, recurrent_kernel, bias)
    states.append(h)
return np.stack(states, axis=1)
""",
        "the sequence read backwards": """
h = np.zeros((x.shape[0], recurrent_kernel.shape[0]), dtype=x.dtype)
states = []
for t in reversed(range(x.shape[1])):
    h = rnn_step(x[:, t], h, kernel, recurrent_kernel, bias)
    states.append(h)
return np.stack(states, axis=1)
""",
    },
    3: {
        "U not transposed (the column-vector formula with Keras's row-vector weights)": """
states = simple_rnn_numpy(x[None], kernel, recurrent_kernel, bias)[0]
slopes = 1 - states ** 2
last = len(states) - 1
jacobian = np.diag(slopes[last - k]) @ kernel.T
for t in range(last - k + 1, last + 1):
    jacobian = np.diag(slopes[t]) @ recurrent_kernel @ jacobian
return jacobian
""",
        "the tanh slope of the previous state in each factor": """
states = simple_rnn_numpy(x[None], kernel, recurrent_kernel, bias)[0]
slopes = 1 - states ** 2
last = len(states) - 1
jacobian = np.diag(slopes[last - k]) @ kernel.T
for t in range(last - k + 1, last + 1):
    jacobian = np.diag(slopes[t - 1]) @ recurrent_kernel.T @ jacobian
return jacobian
""",
        "no tanh slopes at all (the linear RNN's formula)": """
return (kernel @ np.linalg.matrix_power(recurrent_kernel, k)).T
""",
        "one factor too many": """
states = simple_rnn_numpy(x[None], kernel, recurrent_kernel, bias)[0]
slopes = 1 - states ** 2
last = len(states) - 1
jacobian = np.diag(slopes[last - k]) @ kernel.T
for t in range(last - k, last + 1):
    jacobian = np.diag(slopes[t]) @ recurrent_kernel.T @ jacobian
return jacobian
""",
        "the factors multiplied in the wrong order (first step on the left)": """
states = simple_rnn_numpy(x[None], kernel, recurrent_kernel, bias)[0]
slopes = 1 - states ** 2
last = len(states) - 1
product = np.eye(len(bias))
for t in range(last - k + 1, last + 1):
    product = product @ np.diag(slopes[t]) @ recurrent_kernel.T
return product @ np.diag(slopes[last - k]) @ kernel.T
""",
        "k counted from the start of the sequence": """
states = simple_rnn_numpy(x[None], kernel, recurrent_kernel, bias)[0]
slopes = 1 - states ** 2
jacobian = np.diag(slopes[k]) @ kernel.T
for t in range(k + 1, len(states)):
    jacobian = np.diag(slopes[t]) @ recurrent_kernel.T @ jacobian
return jacobian
""",
        "the input factor without its tanh slope": """
states = simple_rnn_numpy(x[None], kernel, recurrent_kernel, bias)[0]
slopes = 1 - states ** 2
last = len(states) - 1
jacobian = kernel.T
for t in range(last - k + 1, last + 1):
    jacobian = np.diag(slopes[t]) @ recurrent_kernel.T @ jacobian
return jacobian
""",
        "only the recurrent factors (d h_T / d h_(T-k), the input factor forgotten)": """
states = simple_rnn_numpy(x[None], kernel, recurrent_kernel, bias)[0]
slopes = 1 - states ** 2
last = len(states) - 1
jacobian = np.eye(len(bias))
for t in range(last - k + 1, last + 1):
    jacobian = np.diag(slopes[t]) @ recurrent_kernel.T @ jacobian
return jacobian
""",
    },
    4: {
        "the course's own clip_by_norm": """
return gradients.clip_by_norm(gradient, clipnorm)
""",
        "always rescaled to clipnorm, small gradients too": """
norm = np.sqrt(np.sum(gradient ** 2))
return gradient * (clipnorm / norm)
""",
        "each entry clipped to [-clipnorm, clipnorm] (clipvalue, not clipnorm)": """
return np.clip(gradient, -clipnorm, clipnorm)
""",
        "the matrix 2-norm (largest singular value) instead of the L2 norm of all entries": """
norm = np.linalg.norm(gradient, 2)
return gradient if norm <= clipnorm else gradient * (clipnorm / norm)
""",
        "the square root forgotten": """
norm = np.sum(gradient ** 2)
return gradient if norm <= clipnorm else gradient * (clipnorm / norm)
""",
        "rescaled to norm 1 instead of clipnorm": """
norm = np.sqrt(np.sum(gradient ** 2))
return gradient if norm <= clipnorm else gradient / norm
""",
        "the L1 norm": """
norm = np.sum(np.abs(gradient))
return gradient if norm <= clipnorm else gradient * (clipnorm / norm)
""",
        "each row clipped separately": """
norms = np.linalg.norm(gradient, axis=-1, keepdims=True)
return np.where(norms <= clipnorm, gradient, gradient * clipnorm / norms)
""",
    },
    5: {
        "z from losing 90% evenly over 100 steps (1 - 0.9 / 100)": """
z_needed = 1 - 0.9 / 100
bias_needed = np.log(z_needed / (1 - z_needed))
curve = gradients.typical_by_lag(gradients.gradient_norms_by_lag(gru_with_update_bias(bias_needed), x_grad))
measured_ratio = curve[100] / curve[1]
""",
        "z that keeps 10% per step": """
z_needed = 0.1
bias_needed = np.log(z_needed / (1 - z_needed))
curve = gradients.typical_by_lag(gradients.gradient_norms_by_lag(gru_with_update_bias(bias_needed), x_grad))
measured_ratio = curve[100] / curve[1]
""",
        "bias = log(z) instead of the logit": """
z_needed = 0.1 ** (1 / 100)
bias_needed = np.log(z_needed)
curve = gradients.typical_by_lag(gradients.gradient_norms_by_lag(gru_with_update_bias(bias_needed), x_grad))
measured_ratio = curve[100] / curve[1]
""",
        "the ratio upside down": """
z_needed = 0.1 ** (1 / 100)
bias_needed = np.log(z_needed / (1 - z_needed))
curve = gradients.typical_by_lag(gradients.gradient_norms_by_lag(gru_with_update_bias(bias_needed), x_grad))
measured_ratio = curve[1] / curve[100]
""",
        "measured a default GRU instead of the one with the new bias": """
z_needed = 0.1 ** (1 / 100)
bias_needed = np.log(z_needed / (1 - z_needed))
curve = gradients.typical_by_lag(gradients.gradient_norms_by_lag(keras.layers.GRU(UNITS), x_grad))
measured_ratio = curve[100] / curve[1]
""",
        "the target 0.1 written in instead of measured": """
z_needed = 0.1 ** (1 / 100)
bias_needed = np.log(z_needed / (1 - z_needed))
measured_ratio = 0.1
""",
    },
    6: {
        "the by-hand value copied into the measurement": """
chance_at_005 = 1 - 0.95 ** 2
measured_at_005 = chance_at_005
""",
        "width times the peak density (0.1), the triangle ignored": """
chance_at_005 = 2 * 0.05 * 1.0
measured_at_005 = sequence_tasks.adding_accuracy(y_many, np.ones_like(y_many), tolerance=0.05)
""",
        "the tolerance put into 1 - 0.9 ** 2 (1 - 0.05 ** 2)": """
chance_at_005 = 1 - 0.05 ** 2
measured_at_005 = sequence_tasks.adding_accuracy(y_many, np.ones_like(y_many), tolerance=0.05)
""",
        "measured with the default tolerance (0.1)": """
chance_at_005 = 1 - 0.95 ** 2
measured_at_005 = sequence_tasks.adding_accuracy(y_many, np.ones_like(y_many))
""",
        "only one side of the triangle (0.05 - 0.05 ** 2 / 2)": """
chance_at_005 = 0.05 - 0.05 ** 2 / 2
measured_at_005 = sequence_tasks.adding_accuracy(y_many, np.ones_like(y_many), tolerance=0.05)
""",
    },
}

# The two (or more) most likely mistakes of each exercise, and a phrase their hint must
# contain: the hint names the mistake, without expected values or weights.
LIKELY = {
    1: {
        "tanh forgotten": "tanh is missing",
        "U transposed (the column-vector formula with Keras's row-vector weights)": "transposed",
    },
    2: {
        "units taken from the wrong axis (kernel.shape[0], the number of features)": "one column per unit",
        "each state stored before the step (h_0 .. h_(T-1))": "one step late",
        "the state not carried (every step starts from h_0 = 0)": "not carried",
    },
    3: {
        "U not transposed (the column-vector formula with Keras's row-vector weights)": "not transposed",
        "the factors multiplied in the wrong order (first step on the left)": "wrong order",
        "one factor too many": "one factor too many",
    },
    4: {
        "each entry clipped to [-clipnorm, clipnorm] (clipvalue, not clipnorm)": "clipvalue",
        "always rescaled to clipnorm, small gradients too": "unchanged",
    },
    5: {
        "z from losing 90% evenly over 100 steps (1 - 0.9 / 100)": "compound",
        "bias = log(z) instead of the logit": "log(z) undoes exp",
        "the ratio upside down": "upside down",
    },
    6: {
        "width times the peak density (0.1), the triangle ignored": "treats the density as flat",
        "measured with the default tolerance (0.1)": "default tolerance",
    },
}
