"""Plausible wrong answers to lesson 02's exercises (run by tests/test_exercise_checks.py)."""

WRONG_ANSWERS = {
    1: {
        "reset applied before the product (the reset_after=False form)": """
units = recurrent_kernel.shape[0]
input_part = x_t @ kernel + bias[0]
recurrent_part = h_prev @ recurrent_kernel + bias[1]
r = sigmoid(input_part[:, units:2 * units] + recurrent_part[:, units:2 * units])
return np.tanh(input_part[:, 2 * units:] + (r * h_prev) @ recurrent_kernel[:, 2 * units:] + bias[1, 2 * units:])
""",
        "z and r swapped (the first block used as the reset gate)": """
units = recurrent_kernel.shape[0]
input_part = x_t @ kernel + bias[0]
recurrent_part = h_prev @ recurrent_kernel + bias[1]
r = sigmoid(input_part[:, :units] + recurrent_part[:, :units])
return np.tanh(input_part[:, 2 * units:] + r * recurrent_part[:, 2 * units:])
""",
        "gates read in the order h, z, r instead of z, r, h": """
units = recurrent_kernel.shape[0]
input_part = x_t @ kernel + bias[0]
recurrent_part = h_prev @ recurrent_kernel + bias[1]
r = sigmoid(input_part[:, 2 * units:] + recurrent_part[:, 2 * units:])
return np.tanh(input_part[:, :units] + r * recurrent_part[:, :units])
""",
        "one bias row: the recurrent bias left out": """
units = recurrent_kernel.shape[0]
input_part = x_t @ kernel + bias[0]
recurrent_part = h_prev @ recurrent_kernel
r = sigmoid(input_part[:, units:2 * units] + recurrent_part[:, units:2 * units])
return np.tanh(input_part[:, 2 * units:] + r * recurrent_part[:, 2 * units:])
""",
        "one bias row: both rows summed and added to the input product": """
units = recurrent_kernel.shape[0]
input_part = x_t @ kernel + bias.sum(axis=0)
recurrent_part = h_prev @ recurrent_kernel
r = sigmoid(input_part[:, units:2 * units] + recurrent_part[:, units:2 * units])
return np.tanh(input_part[:, 2 * units:] + r * recurrent_part[:, 2 * units:])
""",
        "sigmoid instead of tanh for the candidate": """
units = recurrent_kernel.shape[0]
input_part = x_t @ kernel + bias[0]
recurrent_part = h_prev @ recurrent_kernel + bias[1]
r = sigmoid(input_part[:, units:2 * units] + recurrent_part[:, units:2 * units])
return sigmoid(input_part[:, 2 * units:] + r * recurrent_part[:, 2 * units:])
""",
        "the new state h_t returned instead of the candidate": """
units = recurrent_kernel.shape[0]
input_part = x_t @ kernel + bias[0]
recurrent_part = h_prev @ recurrent_kernel + bias[1]
z = sigmoid(input_part[:, :units] + recurrent_part[:, :units])
r = sigmoid(input_part[:, units:2 * units] + recurrent_part[:, units:2 * units])
candidate = np.tanh(input_part[:, 2 * units:] + r * recurrent_part[:, 2 * units:])
return z * h_prev + (1 - z) * candidate
""",
        "the course's numpy_gru instead of your own code": """
return numpy_gru.gru_cell_parts(x_t, h_prev, kernel, recurrent_kernel, bias).candidate
""",
    },
    2: {
        "the state not carried: every step starts from initial_state": """
units = recurrent_kernel.shape[0]
states = []
for t in range(x.shape[1]):
    h = initial_state
    z = sigmoid(x[:, t] @ kernel[:, :units] + bias[0, :units] + h @ recurrent_kernel[:, :units] + bias[1, :units])
    states.append(z * h + (1 - z) * candidate_state(x[:, t], h, kernel, recurrent_kernel, bias))
return np.stack(states, axis=1)
""",
        "the take-the-new update (z takes the candidate)": """
units = recurrent_kernel.shape[0]
h, states = initial_state, []
for t in range(x.shape[1]):
    z = sigmoid(x[:, t] @ kernel[:, :units] + bias[0, :units] + h @ recurrent_kernel[:, :units] + bias[1, :units])
    h = (1 - z) * h + z * candidate_state(x[:, t], h, kernel, recurrent_kernel, bias)
    states.append(h)
return np.stack(states, axis=1)
""",
        "the update gate without its recurrent part": """
units = recurrent_kernel.shape[0]
h, states = initial_state, []
for t in range(x.shape[1]):
    z = sigmoid(x[:, t] @ kernel[:, :units] + bias[0, :units])
    h = z * h + (1 - z) * candidate_state(x[:, t], h, kernel, recurrent_kernel, bias)
    states.append(h)
return np.stack(states, axis=1)
""",
        "the states before each update collected (h_0 ... h_T-1)": """
units = recurrent_kernel.shape[0]
h, states = initial_state, []
for t in range(x.shape[1]):
    states.append(h)
    z = sigmoid(x[:, t] @ kernel[:, :units] + bias[0, :units] + h @ recurrent_kernel[:, :units] + bias[1, :units])
    h = z * h + (1 - z) * candidate_state(x[:, t], h, kernel, recurrent_kernel, bias)
return np.stack(states, axis=1)
""",
        "the states stacked with time first": """
units = recurrent_kernel.shape[0]
h, states = initial_state, []
for t in range(x.shape[1]):
    z = sigmoid(x[:, t] @ kernel[:, :units] + bias[0, :units] + h @ recurrent_kernel[:, :units] + bias[1, :units])
    h = z * h + (1 - z) * candidate_state(x[:, t], h, kernel, recurrent_kernel, bias)
    states.append(h)
return np.array(states)
""",
        "only the last state returned": """
units = recurrent_kernel.shape[0]
h = initial_state
for t in range(x.shape[1]):
    z = sigmoid(x[:, t] @ kernel[:, :units] + bias[0, :units] + h @ recurrent_kernel[:, :units] + bias[1, :units])
    h = z * h + (1 - z) * candidate_state(x[:, t], h, kernel, recurrent_kernel, bias)
return h
""",
        "the course's numpy_gru instead of your own loop": """
return numpy_gru.gru_sequence(x, kernel, recurrent_kernel, bias, initial_state=initial_state)
""",
    },
    3: {
        "one GRU per Bidirectional layer": """
total, features = 0, input_dim
for width in widths:
    total += gru_params(features, width)
    features = 2 * width
return total + features * outputs + outputs
""",
        "the next layer reads width features, not 2 * width": """
total, features = 0, input_dim
for width in widths:
    total += 2 * gru_params(features, width)
    features = width
return total + 2 * features * outputs + outputs
""",
        "the reset_after=False formula (one bias row)": """
total, features = 0, input_dim
for width in widths:
    total += 2 * gru_params(features, width, reset_after=False)
    features = 2 * width
return total + features * outputs + outputs
""",
        "the Dense head reads one direction only": """
total, features = 0, input_dim
for width in widths:
    total += 2 * gru_params(features, width)
    features = 2 * width
return total + widths[-1] * outputs + outputs
""",
        "every layer reads the input features": """
total = 0
for width in widths:
    total += 2 * gru_params(input_dim, width)
return total + 2 * widths[-1] * outputs + outputs
""",
        "the Dense bias forgotten": """
total, features = 0, input_dim
for width in widths:
    total += 2 * gru_params(features, width)
    features = 2 * width
return total + features * outputs
""",
        "the example's count returned for every model": """
return 2 * gru_params(20, 64) + 2 * gru_params(128, 32) + 65
""",
    },
    4: {
        "the update gate's bias left unchanged": """
units = recurrent_kernel.shape[0]
kernel, recurrent_kernel = kernel.copy(), recurrent_kernel.copy()
kernel[:, :units] *= -1
recurrent_kernel[:, :units] *= -1
return kernel, recurrent_kernel, bias
""",
        "only the input bias row negated": """
units = recurrent_kernel.shape[0]
kernel, recurrent_kernel, bias = kernel.copy(), recurrent_kernel.copy(), bias.copy()
kernel[:, :units] *= -1
recurrent_kernel[:, :units] *= -1
bias[0, :units] *= -1
return kernel, recurrent_kernel, bias
""",
        "the reset gate's columns negated": """
units = recurrent_kernel.shape[0]
kernel, recurrent_kernel, bias = kernel.copy(), recurrent_kernel.copy(), bias.copy()
kernel[:, units:2 * units] *= -1
recurrent_kernel[:, units:2 * units] *= -1
bias[:, units:2 * units] *= -1
return kernel, recurrent_kernel, bias
""",
        "every weight negated": """
return -kernel, -recurrent_kernel, -bias
""",
        "1 - w instead of -w": """
units = recurrent_kernel.shape[0]
kernel, recurrent_kernel, bias = kernel.copy(), recurrent_kernel.copy(), bias.copy()
kernel[:, :units] = 1 - kernel[:, :units]
recurrent_kernel[:, :units] = 1 - recurrent_kernel[:, :units]
bias[:, :units] = 1 - bias[:, :units]
return kernel, recurrent_kernel, bias
""",
        "bias rows instead of columns (bias[:units])": """
units = recurrent_kernel.shape[0]
kernel, recurrent_kernel, bias = kernel.copy(), recurrent_kernel.copy(), bias.copy()
kernel[:, :units] *= -1
recurrent_kernel[:, :units] *= -1
bias[:units] *= -1
return kernel, recurrent_kernel, bias
""",
        "the arrays changed in place (no copies)": """
units = recurrent_kernel.shape[0]
kernel[:, :units] *= -1
recurrent_kernel[:, :units] *= -1
bias[:, :units] *= -1
return kernel, recurrent_kernel, bias
""",
    },
}
