"""Output directories that cannot be written fail early, in one line naming the path."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from embodichain_rl.utils import fs
from embodichain_rl.utils.fs import (
    StorageError,
    describe_os_error,
    ensure_writable_dir,
    find_os_error,
)
from tests.utils.small_disk import remount_read_only, small_tmpfs


def _one_line_naming(error: StorageError, path: Path, reason: str) -> None:
    message = str(error)
    assert "\n" not in message
    assert str(path) in message
    assert reason in message


def test_creates_missing_parents_and_leaves_nothing_behind(tmp_path: Path) -> None:
    run_dir = tmp_path / "outputs" / "run_1"
    ensure_writable_dir(run_dir)
    assert run_dir.is_dir()
    assert list(run_dir.iterdir()) == []
    ensure_writable_dir(run_dir)  # an existing, writable directory is fine


def test_a_file_in_the_way_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "outputs"
    blocker.write_text("not a directory")
    with pytest.raises(StorageError) as error:
        ensure_writable_dir(blocker)
    _one_line_naming(error.value, blocker, "not a directory")
    with pytest.raises(StorageError) as error:
        ensure_writable_dir(blocker / "run")
    _one_line_naming(error.value, blocker / "run", "cannot create output directory")
    assert blocker.read_text() == "not a directory"


def test_read_only_mount_is_reported_before_any_work(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk", size_kib=256) as disk:
        (disk / "existing").mkdir()
        remount_read_only(disk)
        with pytest.raises(StorageError) as error:
            ensure_writable_dir(disk / "existing")
        _one_line_naming(error.value, disk / "existing", "read-only file system")
        assert error.value.errno == errno.EROFS
        with pytest.raises(StorageError) as error:
            ensure_writable_dir(disk / "new" / "run")
        _one_line_naming(error.value, disk / "new" / "run", "read-only file system")
        assert "cannot create output directory" in str(error.value)


def test_full_disk_is_reported_before_any_work(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk", size_kib=64) as disk:
        run_dir = disk / "run"
        run_dir.mkdir()
        with pytest.raises(OSError, match="No space left"), (disk / "filler").open("wb") as f:
            f.write(b"x" * 1024 * 1024)
        with pytest.raises(StorageError) as error:
            ensure_writable_dir(run_dir)
        _one_line_naming(error.value, run_dir, "no space left on device")
        assert sorted(p.name for p in run_dir.iterdir()) == []


def test_permission_denied_without_root(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as root: permissions do not stop this process from writing")
        with pytest.raises(StorageError) as error:
            ensure_writable_dir(locked)
        _one_line_naming(error.value, locked, "permission denied")
    finally:
        locked.chmod(0o700)


def test_write_fault_is_translated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection (runs everywhere): the probe file cannot be created (EROFS)."""

    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(fs.tempfile, "mkstemp", read_only)
    with pytest.raises(StorageError) as error:
        ensure_writable_dir(tmp_path)
    _one_line_naming(error.value, tmp_path, "read-only file system")
    assert isinstance(error.value, OSError)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        (errno.ENOSPC, "no space left on device"),
        (errno.EROFS, "read-only file system"),
        (errno.EACCES, "permission denied"),
        (errno.EDQUOT, "disk quota exceeded"),
        (errno.ENOTCONN, os.strerror(errno.ENOTCONN).lower()),
    ],
)
def test_describe_os_error(number: int, reason: str) -> None:
    error = OSError(number, os.strerror(number))
    assert describe_os_error(error, Path("/runs/a/last.pt")) == f"/runs/a/last.pt: {reason}"


def test_find_os_error_follows_the_chain() -> None:
    disk_full = OSError(errno.ENOSPC, "No space left on device")
    try:
        try:
            raise disk_full
        except OSError:
            raise RuntimeError("[enforce fail at inline_container.cc] unexpected pos")  # noqa: B904
    except RuntimeError as wrapped:
        assert find_os_error(wrapped) is disk_full
    assert find_os_error(ValueError("unrelated")) is None
