"""Plausible wrong answers to lesson 02's exercises (run by tests/test_exercise_checks.py)."""

WRONG_ANSWERS = {
    1: {
        "z and r swapped (the gate columns read as r, z, h)": """
remember_kernel = np.array([[0.0, 0.0, 1.0], [0.0, -20.0, 0.0]])
remember_recurrent_kernel = np.array([[0.0, 0.0, 0.0]])
remember_bias = np.array([0.0, 10.0, 0.0])
""",
        "the take-the-new reading: z near 1 to write": """
remember_kernel = np.array([[0.0, 0.0, 1.0], [20.0, 0.0, 0.0]])
remember_recurrent_kernel = np.array([[0.0, 0.0, 0.0]])
remember_bias = np.array([-10.0, 0.0, 0.0])
""",
        "the candidate still sees the old state (U_h = 1, reset gate open)": """
remember_kernel = np.array([[0.0, 0.0, 1.0], [-20.0, 0.0, 0.0]])
remember_recurrent_kernel = np.array([[0.0, 0.0, 1.0]])
remember_bias = np.array([10.0, 10.0, 0.0])
""",
        "a marker weight too weak to open the update gate": """
remember_kernel = np.array([[0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]])
remember_recurrent_kernel = np.array([[0.0, 0.0, 0.0]])
remember_bias = np.array([10.0, 0.0, 0.0])
""",
        "the large bias on the candidate instead of the update gate": """
remember_kernel = np.array([[0.0, 0.0, 1.0], [-20.0, 0.0, 0.0]])
remember_recurrent_kernel = np.array([[0.0, 0.0, 0.0]])
remember_bias = np.array([0.0, 0.0, 10.0])
""",
        "the value fed to the update gate instead of the candidate": """
remember_kernel = np.array([[1.0, 0.0, 0.0], [-20.0, 0.0, 0.0]])
remember_recurrent_kernel = np.array([[0.0, 0.0, 0.0]])
remember_bias = np.array([10.0, 0.0, 0.0])
""",
    },
    2: {
        "z and r swapped": """
W_z, W_r, W_h = np.split(kernel, 3, axis=1)
U_z, U_r, U_h = np.split(recurrent_kernel, 3, axis=1)
b_z, b_r, b_h = np.split(bias, 3)
z = sigmoid(x_t @ W_r + h_prev @ U_r + b_r)
r = sigmoid(x_t @ W_z + h_prev @ U_z + b_z)
candidate = np.tanh(x_t @ W_h + (r * h_prev) @ U_h + b_h)
return z * h_prev + (1 - z) * candidate
""",
        "the take-the-new update (z takes the candidate)": """
W_z, W_r, W_h = np.split(kernel, 3, axis=1)
U_z, U_r, U_h = np.split(recurrent_kernel, 3, axis=1)
b_z, b_r, b_h = np.split(bias, 3)
z = sigmoid(x_t @ W_z + h_prev @ U_z + b_z)
r = sigmoid(x_t @ W_r + h_prev @ U_r + b_r)
candidate = np.tanh(x_t @ W_h + (r * h_prev) @ U_h + b_h)
return (1 - z) * h_prev + z * candidate
""",
        "reset applied after the product (the reset_after=True form)": """
W_z, W_r, W_h = np.split(kernel, 3, axis=1)
U_z, U_r, U_h = np.split(recurrent_kernel, 3, axis=1)
b_z, b_r, b_h = np.split(bias, 3)
z = sigmoid(x_t @ W_z + h_prev @ U_z + b_z)
r = sigmoid(x_t @ W_r + h_prev @ U_r + b_r)
candidate = np.tanh(x_t @ W_h + r * (h_prev @ U_h) + b_h)
return z * h_prev + (1 - z) * candidate
""",
        "PyTorch's gate order r, z, h read from a Keras kernel": """
W_r, W_z, W_h = np.split(kernel, 3, axis=1)
U_r, U_z, U_h = np.split(recurrent_kernel, 3, axis=1)
b_r, b_z, b_h = np.split(bias, 3)
z = sigmoid(x_t @ W_z + h_prev @ U_z + b_z)
r = sigmoid(x_t @ W_r + h_prev @ U_r + b_r)
candidate = np.tanh(x_t @ W_h + (r * h_prev) @ U_h + b_h)
return z * h_prev + (1 - z) * candidate
""",
        "the bias left out": """
W_z, W_r, W_h = np.split(kernel, 3, axis=1)
U_z, U_r, U_h = np.split(recurrent_kernel, 3, axis=1)
z = sigmoid(x_t @ W_z + h_prev @ U_z)
r = sigmoid(x_t @ W_r + h_prev @ U_r)
candidate = np.tanh(x_t @ W_h + (r * h_prev) @ U_h)
return z * h_prev + (1 - z) * candidate
""",
        "the reset gate forgotten in the candidate": """
W_z, W_r, W_h = np.split(kernel, 3, axis=1)
U_z, U_r, U_h = np.split(recurrent_kernel, 3, axis=1)
b_z, b_r, b_h = np.split(bias, 3)
z = sigmoid(x_t @ W_z + h_prev @ U_z + b_z)
candidate = np.tanh(x_t @ W_h + h_prev @ U_h + b_h)
return z * h_prev + (1 - z) * candidate
""",
        "tanh instead of sigmoid for the gates": """
W_z, W_r, W_h = np.split(kernel, 3, axis=1)
U_z, U_r, U_h = np.split(recurrent_kernel, 3, axis=1)
b_z, b_r, b_h = np.split(bias, 3)
z = np.tanh(x_t @ W_z + h_prev @ U_z + b_z)
r = np.tanh(x_t @ W_r + h_prev @ U_r + b_r)
candidate = np.tanh(x_t @ W_h + (r * h_prev) @ U_h + b_h)
return z * h_prev + (1 - z) * candidate
""",
    },
    3: {
        "the state not carried: every step starts from the initial state": """
units = recurrent_kernel.shape[0]
h0 = np.zeros((x.shape[0], units)) if initial_state is None else initial_state
states = [step(x[:, t], h0, kernel, recurrent_kernel, bias) for t in range(x.shape[1])]
return np.stack(states, axis=1) if return_sequences else states[-1]
""",
        "the states before each update collected (h_0 ... h_T-1)": """
units = recurrent_kernel.shape[0]
h = np.zeros((x.shape[0], units)) if initial_state is None else initial_state
states = []
for t in range(x.shape[1]):
    states.append(h)
    h = step(x[:, t], h, kernel, recurrent_kernel, bias)
return np.stack(states, axis=1) if return_sequences else h
""",
        "the states stacked with time first": """
units = recurrent_kernel.shape[0]
h = np.zeros((x.shape[0], units)) if initial_state is None else initial_state
states = []
for t in range(x.shape[1]):
    h = step(x[:, t], h, kernel, recurrent_kernel, bias)
    states.append(h)
return np.array(states) if return_sequences else h
""",
        "return_sequences ignored: always every state": """
units = recurrent_kernel.shape[0]
h = np.zeros((x.shape[0], units)) if initial_state is None else initial_state
states = []
for t in range(x.shape[1]):
    h = step(x[:, t], h, kernel, recurrent_kernel, bias)
    states.append(h)
return np.stack(states, axis=1)
""",
        "initial_state ignored: always zeros": """
units = recurrent_kernel.shape[0]
h = np.zeros((x.shape[0], units))
states = []
for t in range(x.shape[1]):
    h = step(x[:, t], h, kernel, recurrent_kernel, bias)
    states.append(h)
return np.stack(states, axis=1) if return_sequences else h
""",
        "the first state returned instead of the last": """
units = recurrent_kernel.shape[0]
h = np.zeros((x.shape[0], units)) if initial_state is None else initial_state
states = []
for t in range(x.shape[1]):
    h = step(x[:, t], h, kernel, recurrent_kernel, bias)
    states.append(h)
return np.stack(states, axis=1) if return_sequences else states[0]
""",
    },
    4: {
        "one bias row: the recurrent bias left out": """
x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=1)
h_z, h_r, h_h = np.split(h_prev @ recurrent_kernel, 3, axis=1)
z = sigmoid(x_z + h_z)
r = sigmoid(x_r + h_r)
candidate = np.tanh(x_h + r * h_h)
return z * h_prev + (1 - z) * candidate
""",
        "one bias row: both rows summed and added to the input product": """
x_z, x_r, x_h = np.split(x_t @ kernel + bias.sum(axis=0), 3, axis=1)
h_z, h_r, h_h = np.split(h_prev @ recurrent_kernel, 3, axis=1)
z = sigmoid(x_z + h_z)
r = sigmoid(x_r + h_r)
candidate = np.tanh(x_h + r * h_h)
return z * h_prev + (1 - z) * candidate
""",
        "reset applied before the product (the reset_after=False candidate)": """
units = recurrent_kernel.shape[0]
x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=1)
h_z, h_r, _ = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=1)
z = sigmoid(x_z + h_z)
r = sigmoid(x_r + h_r)
candidate = np.tanh(x_h + (r * h_prev) @ recurrent_kernel[:, 2 * units:] + bias[1, 2 * units:])
return z * h_prev + (1 - z) * candidate
""",
        "z and r swapped": """
x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=1)
h_z, h_r, h_h = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=1)
z = sigmoid(x_r + h_r)
r = sigmoid(x_z + h_z)
candidate = np.tanh(x_h + r * h_h)
return z * h_prev + (1 - z) * candidate
""",
        "the take-the-new update": """
x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=1)
h_z, h_r, h_h = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=1)
z = sigmoid(x_z + h_z)
r = sigmoid(x_r + h_r)
candidate = np.tanh(x_h + r * h_h)
return (1 - z) * h_prev + z * candidate
""",
        "PyTorch's gate order r, z, h read from a Keras kernel": """
x_r, x_z, x_h = np.split(x_t @ kernel + bias[0], 3, axis=1)
h_r, h_z, h_h = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=1)
z = sigmoid(x_z + h_z)
r = sigmoid(x_r + h_r)
candidate = np.tanh(x_h + r * h_h)
return z * h_prev + (1 - z) * candidate
""",
        "the candidate's recurrent bias added outside the reset": """
x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=1)
h_z, h_r, h_h = np.split(h_prev @ recurrent_kernel, 3, axis=1)
b_rz, b_rr, b_rh = np.split(bias[1], 3)
z = sigmoid(x_z + h_z + b_rz)
r = sigmoid(x_r + h_r + b_rr)
candidate = np.tanh(x_h + b_rh + r * h_h)
return z * h_prev + (1 - z) * candidate
""",
    },
    5: {
        "the default step (gru_step) with the model's two-row bias": """
return gru_layer(x_windows, *gru_weights) @ head_kernel + head_bias
""",
        "the head bias forgotten": """
return gru_layer(x_windows, *gru_weights, step=gru_step_reset_after) @ head_kernel
""",
        "the states averaged over time instead of the last one": """
states = gru_layer(x_windows, *gru_weights, return_sequences=True, step=gru_step_reset_after)
return states.mean(axis=1) @ head_kernel + head_bias
""",
        "the first state instead of the last": """
states = gru_layer(x_windows, *gru_weights, return_sequences=True, step=gru_step_reset_after)
return states[:, 0] @ head_kernel + head_bias
""",
        "the reset_after=False step, with only the input bias row": """
return gru_layer(x_windows, gru_weights[0], gru_weights[1], gru_weights[2][0]) @ head_kernel + head_bias
""",
        "the windows read backwards in time": """
return gru_layer(x_windows[:, ::-1], *gru_weights, step=gru_step_reset_after) @ head_kernel + head_bias
""",
        "the forecasts converted to kW (the check wants the model's standardised output)": """
return data.to_original_units(gru_layer(x_windows, *gru_weights, step=gru_step_reset_after) @ head_kernel + head_bias)
""",
    },
    6: {
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
    7: {
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

# The most likely mistakes of each exercise, and a phrase their hint must contain: the hint
# names the mistake, without expected values or weights.
LIKELY = {
    1: {
        "z and r swapped (the gate columns read as r, z, h)": "order",
        "the take-the-new reading: z near 1 to write": "take-the-new",
        "the candidate still sees the old state (U_h = 1, reset gate open)": "still sees the old state",
    },
    2: {
        "z and r swapped": "swapped",
        "the take-the-new update (z takes the candidate)": "take-the-new",
        "reset applied after the product (the reset_after=True form)": "after the product",
    },
    3: {
        "the state not carried: every step starts from the initial state": "not carried",
        "the states before each update collected (h_0 ... h_T-1)": "one step late",
        "initial_state ignored: always zeros": "initial_state is ignored",
    },
    4: {
        "one bias row: the recurrent bias left out": "recurrent bias row",
        "reset applied before the product (the reset_after=False candidate)": "before the product",
        "the take-the-new update": "take-the-new",
    },
    5: {
        "the default step (gru_step) with the model's two-row bias": "two rows",
        "the head bias forgotten": "head's bias",
        "the reset_after=False step, with only the input bias row": "gru_step_reset_after",
    },
    6: {
        "one GRU per Bidirectional layer": "two GRUs",
        "the next layer reads width features, not 2 * width": "2 * width features",
    },
    7: {
        "the update gate's bias left unchanged": "bias is unchanged",
        "every weight negated": "every weight is negated",
        "the arrays changed in place (no copies)": "work on copies",
    },
}
