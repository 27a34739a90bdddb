"""Secrets generated once per installation (`server.embedded`): several processes starting at
once on one data dir all read the same, whole secret (a reader never sees the file before its
writer has filled it)."""

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from mockmate.server.embedded import dev_jwt_secret, installation_secret, webhook_test_secret


def read_secret(data_dir: str) -> str:
    return webhook_test_secret(Path(data_dir))


def test_processes_starting_together_read_the_same_whole_secret(tmp_path: Path) -> None:
    dirs = [str(tmp_path / f"install-{n}") for n in range(40)]
    with ProcessPoolExecutor(max_workers=4) as pool:
        for data_dir in dirs:
            seen = set(pool.map(read_secret, [data_dir] * 4))
            assert len(seen) == 1, seen
            (secret,) = seen
            assert secret.startswith("whsec_") and len(secret) > 40, secret


def test_a_secret_is_kept_across_restarts_and_owner_only(tmp_path: Path) -> None:
    first = dev_jwt_secret(tmp_path)
    assert dev_jwt_secret(tmp_path) == first and len(first) >= 64
    assert (tmp_path / "jwt_secret").stat().st_mode & 0o777 == 0o600
    assert webhook_test_secret(tmp_path) != first  # each secret has its own file
    assert installation_secret(tmp_path, "jwt_secret") == first
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # drafts gone
