"""utils.describe_machine: the one machine description that timings and reports quote."""

import os

import tensorflow as tf

from utils.core import machine


def test_cpu_only_machine_says_no_gpu(monkeypatch):
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [])
    text = machine.describe_machine()
    assert text.startswith(f"CPU: {machine.cpu_name()} ({os.cpu_count()} cores), no GPU,")
    assert text.endswith(f"TensorFlow {tf.__version__}")


def test_gpu_names_appear_in_the_description(monkeypatch):
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["GPU:0"])
    monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda device: {"device_name": "Tesla T4"})
    assert ", Tesla T4, " in machine.describe_machine()


def test_cpu_name_is_read_from_the_system():
    name = machine.cpu_name()
    assert isinstance(name, str) and name and name != "unknown CPU"
