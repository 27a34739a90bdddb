"""Debian's `redis-sentinel` watching a `redis-server` master and one replica, all on free
loopback ports with their files in a temp dir."""

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.services import free_port, real_clock_env, stop, wait_listening

SERVICE = "mm"


@dataclass(frozen=True)
class SentinelDeployment:
    sentinel: int
    master: int
    replica: int

    @property
    def url(self) -> str:
        return f"redis+sentinel://127.0.0.1:{self.sentinel}/{SERVICE}"


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed: run the README's test command")
    return found


@contextmanager
def sentinel_deployment(workdir: Path) -> Iterator[SentinelDeployment]:
    workdir.mkdir(parents=True, exist_ok=True)
    master, replica, sentinel = free_port(), free_port(), free_port()
    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)]
    # Sentinel rewrites its own config file, so it lives in the temp dir.
    config = workdir / "sentinel.conf"
    config.write_text(
        f"port {sentinel}\nbind 127.0.0.1\ndir {workdir}\n"
        f"sentinel monitor {SERVICE} 127.0.0.1 {master} 1\n"
        f"sentinel down-after-milliseconds {SERVICE} 2000\n"
        f"sentinel failover-timeout {SERVICE} 10000\n")
    commands = [
        ([_binary("redis-server"), "--port", str(master), *common,
          "--dbfilename", "master.rdb"], master),
        ([_binary("redis-server"), "--port", str(replica), *common,
          "--dbfilename", "replica.rdb", "--replicaof", "127.0.0.1", str(master)], replica),
        ([_binary("redis-sentinel"), str(config)], sentinel),
    ]
    with ExitStack() as stack:
        for argv, port in commands:
            proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, env=real_clock_env())
            stack.callback(stop, proc)
            wait_listening(port, proc)
        yield SentinelDeployment(sentinel, master, replica)
