"""Plausible wrong answers to lesson 11's exercises (run at each exercise by the test command)."""

WRONG_ANSWERS = {
    1: {
        "no window (rectangular frames)": """
samples = audio.astype(np.float64) / 32768
n_frames = 1 + (len(samples) - FRAME_LENGTH) // FRAME_STEP
frames = samples[FRAME_STEP * np.arange(n_frames)[:, None] + np.arange(FRAME_LENGTH)]
power = np.abs(np.fft.rfft(frames, n=FFT_LENGTH)) ** 2
return np.log(power @ MEL + LOG_OFFSET)
""",
        "frames do not overlap (step = FRAME_LENGTH)": """
samples = audio.astype(np.float64) / 32768
n_frames = 1 + (len(samples) - FRAME_LENGTH) // FRAME_LENGTH
frames = samples[FRAME_LENGTH * np.arange(n_frames)[:, None] + np.arange(FRAME_LENGTH)]
window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME_LENGTH) / FRAME_LENGTH)
power = np.abs(np.fft.rfft(frames * window, n=FFT_LENGTH)) ** 2
return np.log(power @ MEL + LOG_OFFSET)
""",
        "int16 samples not scaled to [-1, 1)": """
samples = audio.astype(np.float64)
n_frames = 1 + (len(samples) - FRAME_LENGTH) // FRAME_STEP
frames = samples[FRAME_STEP * np.arange(n_frames)[:, None] + np.arange(FRAME_LENGTH)]
window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME_LENGTH) / FRAME_LENGTH)
power = np.abs(np.fft.rfft(frames * window, n=FFT_LENGTH)) ** 2
return np.log(power @ MEL + LOG_OFFSET)
""",
        "magnitude |FFT| instead of power |FFT|^2": """
samples = audio.astype(np.float64) / 32768
n_frames = 1 + (len(samples) - FRAME_LENGTH) // FRAME_STEP
frames = samples[FRAME_STEP * np.arange(n_frames)[:, None] + np.arange(FRAME_LENGTH)]
window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME_LENGTH) / FRAME_LENGTH)
power = np.abs(np.fft.rfft(frames * window, n=FFT_LENGTH))
return np.log(power @ MEL + LOG_OFFSET)
""",
        "log10 instead of the natural log": """
samples = audio.astype(np.float64) / 32768
n_frames = 1 + (len(samples) - FRAME_LENGTH) // FRAME_STEP
frames = samples[FRAME_STEP * np.arange(n_frames)[:, None] + np.arange(FRAME_LENGTH)]
window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME_LENGTH) / FRAME_LENGTH)
power = np.abs(np.fft.rfft(frames * window, n=FFT_LENGTH)) ** 2
return np.log10(power @ MEL + LOG_OFFSET)
""",
        "the symmetric Hann window (np.hanning), not the periodic one": """
samples = audio.astype(np.float64) / 32768
n_frames = 1 + (len(samples) - FRAME_LENGTH) // FRAME_STEP
frames = samples[FRAME_STEP * np.arange(n_frames)[:, None] + np.arange(FRAME_LENGTH)]
power = np.abs(np.fft.rfft(frames * np.hanning(FRAME_LENGTH), n=FFT_LENGTH)) ** 2
return np.log(power @ MEL + LOG_OFFSET)
""",
        "the last partial frame zero-padded and kept": """
samples = audio.astype(np.float64) / 32768
n_frames = -(-(len(samples) - FRAME_LENGTH) // FRAME_STEP) + 1
samples = np.concatenate([samples, np.zeros(FRAME_LENGTH)])
frames = samples[FRAME_STEP * np.arange(n_frames)[:, None] + np.arange(FRAME_LENGTH)]
window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME_LENGTH) / FRAME_LENGTH)
power = np.abs(np.fft.rfft(frames * window, n=FFT_LENGTH)) ** 2
return np.log(power @ MEL + LOG_OFFSET)
""",
        "called the course's speech.log_mel instead of writing it": """
return speech.log_mel(audio)
""",
    },
    2: {
        "no diagonal step (only one sequence advances at a time)": """
n, m = len(a), len(b)
D = np.full((n + 1, m + 1), np.inf)
D[0, 0] = 0.0
for i in range(1, n + 1):
    for j in range(1, m + 1):
        D[i, j] = np.linalg.norm(a[i - 1] - b[j - 1]) + min(D[i - 1, j], D[i, j - 1])
return float(D[n, m])
""",
        "squared Euclidean frame cost": """
n, m = len(a), len(b)
D = np.full((n + 1, m + 1), np.inf)
D[0, 0] = 0.0
for i in range(1, n + 1):
    for j in range(1, m + 1):
        D[i, j] = np.sum((a[i - 1] - b[j - 1]) ** 2) + min(D[i - 1, j - 1], D[i - 1, j], D[i, j - 1])
return float(D[n, m])
""",
        "divided by the lengths (the module's normalised distance)": """
n, m = len(a), len(b)
D = np.full((n + 1, m + 1), np.inf)
D[0, 0] = 0.0
for i in range(1, n + 1):
    for j in range(1, m + 1):
        D[i, j] = np.linalg.norm(a[i - 1] - b[j - 1]) + min(D[i - 1, j - 1], D[i - 1, j], D[i, j - 1])
return float(D[n, m] / (n + m))
""",
        "free start: the first row and column start at 0 (a path may skip frames)": """
n, m = len(a), len(b)
D = np.full((n + 1, m + 1), np.inf)
D[0, :] = 0.0
D[:, 0] = 0.0
for i in range(1, n + 1):
    for j in range(1, m + 1):
        D[i, j] = np.linalg.norm(a[i - 1] - b[j - 1]) + min(D[i - 1, j - 1], D[i - 1, j], D[i, j - 1])
return float(D[n, m])
""",
        "the frames compared one to one, no warping": """
n = min(len(a), len(b))
return float(sum(np.linalg.norm(a[i] - b[i]) for i in range(n)))
""",
        "Manhattan frame cost": """
n, m = len(a), len(b)
D = np.full((n + 1, m + 1), np.inf)
D[0, 0] = 0.0
for i in range(1, n + 1):
    for j in range(1, m + 1):
        D[i, j] = np.abs(a[i - 1] - b[j - 1]).sum() + min(D[i - 1, j - 1], D[i - 1, j], D[i, j - 1])
return float(D[n, m])
""",
        "called the course's speech.dtw_distances instead of writing it": """
return float(speech.dtw_distances([a], [b])[0, 0] * (len(a) + len(b)))
""",
    },
    3: {
        "blanks dropped before repeats collapsed": """
decoded = []
for path, length in zip(np.asarray(logits).argmax(axis=-1), lengths):
    path = [k for k in path[:length] if k != 0]
    kept = [k for t, k in enumerate(path) if t == 0 or k != path[t - 1]]
    decoded.append("".join(str(k - 1) for k in kept))
return decoded
""",
        "repeats not collapsed": """
decoded = []
for path, length in zip(np.asarray(logits).argmax(axis=-1), lengths):
    decoded.append("".join(str(k - 1) for k in path[:length] if k != 0))
return decoded
""",
        "lengths ignored: padding steps decoded too": """
decoded = []
for path in np.asarray(logits).argmax(axis=-1):
    kept = [k for t, k in enumerate(path) if (t == 0 or k != path[t - 1]) and k != 0]
    decoded.append("".join(str(k - 1) for k in kept))
return decoded
""",
        "class k read as digit k (forgot the blank's shift)": """
decoded = []
for path, length in zip(np.asarray(logits).argmax(axis=-1), lengths):
    path = path[:length]
    kept = [k for t, k in enumerate(path) if (t == 0 or k != path[t - 1]) and k != 0]
    decoded.append("".join(str(k) for k in kept))
return decoded
""",
        "the last class (10) taken as the blank": """
decoded = []
for path, length in zip(np.asarray(logits).argmax(axis=-1), lengths):
    path = path[:length]
    kept = [k for t, k in enumerate(path) if (t == 0 or k != path[t - 1]) and k != 10]
    decoded.append("".join(str(k) for k in kept))
return decoded
""",
        "argmax over the steps instead of the classes": """
decoded = []
for path, length in zip(np.asarray(logits).argmax(axis=1), lengths):
    kept = [k for t, k in enumerate(path) if (t == 0 or k != path[t - 1]) and k != 0]
    decoded.append("".join(str(k - 1) for k in kept))
return decoded
""",
    },
}

LIKELY = {
    1: {
        "no window (rectangular frames)": "window",
        "int16 samples not scaled to [-1, 1)": "scaled",
        "magnitude |FFT| instead of power |FFT|^2": "power",
    },
    2: {
        "no diagonal step (only one sequence advances at a time)": "diagonal",
        "squared Euclidean frame cost": "squared",
        "divided by the lengths (the module's normalised distance)": "divided",
    },
    3: {
        "blanks dropped before repeats collapsed": "blank between two equal classes",
        "repeats not collapsed": "repeats were not collapsed",
        "class k read as digit k (forgot the blank's shift)": "class k was read as digit k",
    },
}
