"""Sweeps: per-job status recording, the sweep report (CSV + plot) and plugin hints.

Nothing here imports torch or matplotlib at import time, so the report CLI starts fast.
"""

from __future__ import annotations
