"""One description of the machine a lesson ran on: timings and reports quote it."""

from __future__ import annotations

import os
import platform


def cpu_name() -> str:
    """The processor's model name, e.g. 'AMD EPYC 7B13' (Linux and Colab read /proc/cpuinfo)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def gpu_names() -> list[str]:
    """Names of the GPUs TensorFlow can use (empty on a CPU-only machine)."""
    import tensorflow as tf

    return [
        tf.config.experimental.get_device_details(gpu).get("device_name", "unknown GPU")
        for gpu in tf.config.list_physical_devices("GPU")
    ]


def describe_machine() -> str:
    """Where this runs, e.g. 'CPU: AMD EPYC 7B13 (2 cores), no GPU, TensorFlow 2.21.0'."""
    import tensorflow as tf

    gpus = gpu_names()
    gpu_text = ", ".join(gpus) if gpus else "no GPU"
    return f"CPU: {cpu_name()} ({os.cpu_count()} cores), {gpu_text}, TensorFlow {tf.__version__}"
