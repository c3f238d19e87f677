"""Files costmodel writes (issue 19): the target's mode kept (0600 for bills and caches), no
device or FIFO ever replaced, every failure naming the file, the "kept in" fallback that
cannot crash in turn, and a cache folder that is a symbolic link refused.

No test touches a real device: the device nodes here are made in the test's own folder.
"""

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from costmodel.actuals.fetching import save_fetched
from costmodel.cli import expected_failure
from costmodel.errors import CostModelError, InputError
from costmodel.files import atomic_write_text, check_writable, private_dir


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_replaced_file_keeps_its_mode(tmp_path):
    private = tmp_path / "report.html"
    private.write_text("old")
    private.chmod(0o600)
    atomic_write_text(private, "new")
    assert private.read_text() == "new" and mode(private) == 0o600
    shared = tmp_path / "prices.csv"
    shared.write_text("old")
    shared.chmod(0o640)
    atomic_write_text(shared, "new")
    assert mode(shared) == 0o640


def test_fetched_bills_are_0600_when_new_and_never_looser_than_0600(tmp_path):
    new = save_fetched({"requests": []}, tmp_path / "ce.json")
    assert mode(new) == 0o600
    loose = tmp_path / "old.json"
    loose.write_text("{}")
    loose.chmod(0o644)
    save_fetched({"requests": []}, loose)
    assert mode(loose) == 0o600


def test_a_symbolic_link_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new" and mode(real) == 0o600


def special_files(tmp_path):
    """A FIFO, and a character device (like /dev/null) when this process may make one."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    made = [fifo]
    try:
        device = tmp_path / "null"
        os.mknod(device, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        made.append(device)
    except PermissionError:
        pass
    return made


def test_a_device_or_fifo_is_never_replaced_by_a_regular_file(tmp_path):
    for special in special_files(tmp_path):
        with pytest.raises(CostModelError, match=f"cannot write {special}: it is a") as info:
            atomic_write_text(special, "bill")
        assert "replaces only regular files" in str(info.value)
        assert not stat.S_ISREG(os.lstat(special).st_mode)  # still the device / FIFO
        with pytest.raises(InputError, match="replaces only regular files"):
            check_writable(special, "--out")


def test_fetch_actuals_out_on_a_fifo_is_refused_before_any_paid_call(tmp_path, monkeypatch):
    import importlib

    from tests.test_trust import refused

    module = importlib.import_module("costmodel.actuals.fetching")
    monkeypatch.setattr(module, "fetch", lambda *a, **k: pytest.fail("fetch called"))
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    err = refused("fetch-actuals", "--start", "2026-10-01", "--end", "2026-11-01", "--out", fifo)
    assert f"--out {fifo} is a FIFO" in err


@pytest.mark.parametrize(
    ("code", "reason"), [(errno.EFBIG, "File too large"), (errno.ENOSPC, "No space left on device")]
)
def test_every_write_error_names_the_file(tmp_path, monkeypatch, code, reason):
    def fails(*args, **kwargs):
        raise OSError(code, reason)  # as the kernel reports it: no file name

    monkeypatch.setattr(os, "fsync", fails)
    target = tmp_path / "cost-report-2026-10.html"
    with pytest.raises(OSError, match=reason) as info:
        atomic_write_text(target, "x")
    assert expected_failure(info.value) == f"cannot write {target}: {reason}"
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_the_kept_in_fallback_says_both_failures_when_the_disk_is_full(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "ce.json"
    with pytest.raises(CostModelError) as info:
        save_fetched({"requests": []}, out, cache_dir=tmp_path / "cache")
    message = str(info.value)
    assert f"could not write {out} (No space left on device)" in message
    assert "nor keep the fetched data in the cache folder" in message and "nothing was saved" in message


def test_the_fallback_still_keeps_the_data_when_only_out_fails(tmp_path):
    payload = {"requests": [], "api_calls": 3}
    with pytest.raises(CostModelError, match="the fetched data is kept in") as info:
        save_fetched(payload, tmp_path / "gone" / "ce.json", cache_dir=tmp_path / "cache")
    kept = str(info.value).rsplit(" ", 1)[-1]
    assert json.loads(Path(kept).read_text()) == payload and mode(kept) == 0o600


def test_a_cache_folder_that_is_a_symbolic_link_is_refused_and_its_target_untouched(tmp_path):
    target = tmp_path / "shared"
    target.mkdir()
    target.chmod(0o755)
    link = tmp_path / "cache"
    link.symlink_to(target)
    with pytest.raises(InputError, match=f"cache folder {link} is a symbolic link"):
        private_dir(link)
    assert mode(target) == 0o755


def test_a_cache_folder_is_made_private(tmp_path):
    folder = private_dir(tmp_path / "a" / "ce")
    assert folder.is_dir() and mode(folder) == 0o700
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(InputError, match="is not a folder"):
        private_dir(afile)


def test_the_cache_root_is_private_too(tmp_path, monkeypatch):
    """The root was created 0755 by mkdir(parents=True): the subfolder's 0700 alone leaves
    the cache's layout listable. Both are 0700 now, through one helper (Cost Explorer and
    CloudWatch alike)."""
    from costmodel.files import private_cache_dir

    monkeypatch.setenv("COSTMODEL_CACHE_DIR", str(tmp_path / "root"))
    for name in ("ce", "cloudwatch"):
        folder = private_cache_dir(name)
        assert folder == tmp_path / "root" / name and mode(folder) == 0o700
    assert mode(tmp_path / "root") == 0o700


@pytest.mark.parametrize("through", ["COSTMODEL_CACHE_DIR", "HOME"])
def test_a_cache_root_that_is_a_symbolic_link_is_refused(tmp_path, monkeypatch, through):
    from costmodel.files import private_cache_dir

    target = tmp_path / "shared"
    target.mkdir()
    target.chmod(0o755)
    if through == "HOME":
        monkeypatch.delenv("COSTMODEL_CACHE_DIR", raising=False)
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        (tmp_path / "home" / ".cache").mkdir(parents=True)
        root = tmp_path / "home" / ".cache" / "costmodel"
    else:
        root = tmp_path / "root"
        monkeypatch.setenv("COSTMODEL_CACHE_DIR", str(root))
    root.symlink_to(target)
    with pytest.raises(InputError, match=f"cache root folder {root} is a symbolic link"):
        private_cache_dir("ce")
    assert mode(target) == 0o755 and not (target / "ce").exists()
