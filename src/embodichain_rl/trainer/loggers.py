"""Metric sinks: TensorBoard event files and Weights & Biases runs."""

from __future__ import annotations

import logging
import netrc
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from PIL import Image
from tensorboard.compat.proto.summary_pb2 import Summary
from torch.utils.tensorboard import SummaryWriter

from embodichain_rl.config.validation import ConfigError

log = logging.getLogger(__name__)


class MetricLogger(Protocol):
    """Anything that takes scalar metrics at an x-value (env steps)."""

    def log_scalars(self, scalars: Mapping[str, float], step: int) -> None: ...

    def log_video(self, tag: str, gif: Path, step: int) -> None: ...

    def close(self) -> None: ...


class TensorBoardLogger:
    """Writes scalars as TensorBoard events under ``log_dir``."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self._writer = SummaryWriter(log_dir=str(log_dir))

    def log_scalars(self, scalars: Mapping[str, float], step: int) -> None:
        for tag, value in scalars.items():
            self._writer.add_scalar(tag, value, global_step=step)

    def log_video(self, tag: str, gif: Path, step: int) -> None:
        """Log an animated GIF as an image summary (TensorBoard's Images tab plays it);
        this is what ``add_video`` writes, without needing moviepy to encode it."""
        with Image.open(gif) as image:
            width, height = image.size
        summary = Summary(
            value=[
                Summary.Value(
                    tag=tag,
                    image=Summary.Image(
                        height=height,
                        width=width,
                        colorspace=3,
                        encoded_image_string=gif.read_bytes(),
                    ),
                )
            ]
        )
        self._writer._get_file_writer().add_summary(summary, global_step=step)

    def flush(self) -> None:
        """Write pending events to disk."""
        self._writer.flush()

    def close(self) -> None:
        self._writer.flush()
        self._writer.close()


WANDB_HOST = "https://api.wandb.ai"
"""The W&B server used when ``WANDB_BASE_URL`` is not set."""


class WandbSetupError(ConfigError):
    """wandb cannot start as configured (online without credentials, a rejected key);
    the message is one line saying what to do."""


def _netrc_has_key(host: str) -> bool:
    """Whether the netrc file (``$NETRC`` or ``~/.netrc``) has a password for ``host``."""
    default = "_netrc" if os.name == "nt" else ".netrc"
    path = Path(os.environ.get("NETRC") or Path.home() / default)
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return False
    return bool(entry and entry[2])


def _wandb_finds_credentials() -> bool:
    """Ask wandb itself (its settings files may name another server or hold a key);
    ``False`` when this wandb version has no such query. Never prompts, never connects."""
    try:
        from wandb.sdk import wandb_setup
        from wandb.sdk.lib import wbauth

        settings = wandb_setup.singleton().settings
        auth = wbauth.authenticate_session(
            host=settings.base_url,
            source="embodichain_rl",
            prompt=False,
            update_session=False,
        )
    except Exception:
        return False
    return auth is not None


def wandb_credentials_found() -> bool:
    """Whether an online wandb run would find an API key without prompting:
    ``WANDB_API_KEY`` (or ``WANDB_IDENTITY_TOKEN_FILE``), the netrc entry ``wandb login``
    writes, or what wandb's own settings provide."""
    if os.environ.get("WANDB_API_KEY") or os.environ.get("WANDB_IDENTITY_TOKEN_FILE"):
        return True
    host = urlsplit(os.environ.get("WANDB_BASE_URL") or WANDB_HOST).netloc
    return (bool(host) and _netrc_has_key(host)) or _wandb_finds_credentials()


def check_wandb_ready(mode: str, *, mode_key: str = "runtime.wandb_mode") -> None:
    """Fail before any work when a wandb run in ``mode`` cannot start here: ``online``
    needs credentials (``offline`` and ``disabled`` need none). Raises
    :class:`WandbSetupError` in one line naming ``mode_key`` and both ways out."""
    if mode != "online" or wandb_credentials_found():
        return
    raise WandbSetupError(
        f"{mode_key}=online needs a W&B account and no API key was found (WANDB_API_KEY, "
        "or the ~/.netrc entry `wandb login` writes); run `wandb login`, or set "
        f"{mode_key}=offline to log locally without an account"
    )


class WandbLogger:
    """Logs scalars to a Weights & Biases run (``mode="offline"`` needs no account).

    Construction raises :class:`WandbSetupError` (one line) when the run cannot start:
    ``online`` without credentials, or wandb refusing to start it."""

    def __init__(
        self,
        *,
        project: str,
        run_name: str,
        run_dir: Path,
        config: dict[str, Any],
        mode: str = "online",
        resume_id: str | None = None,
    ) -> None:
        check_wandb_ready(mode)
        import wandb

        self._wandb = wandb
        try:
            self._run = wandb.init(
                project=project,
                name=run_name,
                dir=str(run_dir),
                config=config,
                mode=mode,
                reinit="finish_previous",
                **({"id": resume_id, "resume": "allow"} if resume_id else {}),
            )
        except wandb.errors.Error as error:
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise WandbSetupError(
                f"wandb could not start a run in mode {mode!r}: {first}; check `wandb login` "
                "or set runtime.wandb_mode=offline to log locally without an account"
            ) from error
        self._run.define_metric("global_step")
        self._run.define_metric("*", step_metric="global_step")

    @property
    def run_dir(self) -> Path:
        """Folder where wandb keeps this run's files."""
        return Path(self._run.dir)

    @property
    def run_id(self) -> str:
        """The wandb run id (saved in checkpoints so a resumed run continues it)."""
        return str(self._run.id)

    def log_scalars(self, scalars: Mapping[str, float], step: int) -> None:
        self._run.log({**scalars, "global_step": step})

    def log_video(self, tag: str, gif: Path, step: int) -> None:
        self._run.log({tag: self._wandb.Video(str(gif), format="gif"), "global_step": step})

    def close(self) -> None:
        self._run.finish()


class LoggerGroup:
    """Fans one call out to every configured sink."""

    def __init__(self, loggers: list[MetricLogger]) -> None:
        self.loggers = loggers

    def log_scalars(self, scalars: Mapping[str, float], step: int) -> None:
        if scalars:
            for sink in self.loggers:
                sink.log_scalars(scalars, step)

    def log_video(self, tag: str, gif: Path, step: int) -> None:
        for sink in self.loggers:
            sink.log_video(tag, gif, step)

    def flush(self) -> None:
        """Flush every sink that buffers (TensorBoard)."""
        for sink in self.loggers:
            flush = getattr(sink, "flush", None)
            if flush is not None:
                flush()

    @property
    def wandb_run_id(self) -> str | None:
        """Id of the wandb run among the sinks, if any."""
        for sink in self.loggers:
            if isinstance(sink, WandbLogger):
                return sink.run_id
        return None

    def close(self) -> None:
        for sink in self.loggers:
            sink.close()
