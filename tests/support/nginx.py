"""Debian's nginx on loopback in front of MockMate processes, configured with the shipped
`deploy/nginx-mockmate.conf` (ports swapped), everything under a temp dir: no root paths."""

import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.services import free_port, stop, wait_listening

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx-mockmate.conf"


def site_config(listen: int, upstreams: list[int]) -> str:
    """The shipped site with its `listen` and `server` ports replaced."""
    text = SITE.read_text()
    text = re.sub(r"listen 80;", f"listen 127.0.0.1:{listen};", text)
    servers = re.findall(r"^ *server 127\.0\.0\.1:\d+ [^;]*;\n", text, re.M)
    assert len(servers) == 2, "the shipped upstream names two processes"
    lines = "".join(
        re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", servers[0]) for port in upstreams)
    return text.replace("".join(servers), lines)


@contextmanager
def nginx(upstreams: list[int], workdir: Path) -> Iterator[tuple[str, Path]]:
    """nginx listening on a free loopback port; yields (its URL, its access log), the log
    naming the upstream (`$upstream_addr`) of every request."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise RuntimeError("nginx is not installed: run the README's test command")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (workdir / "site.conf").write_text(site_config(port, upstreams))
    access = workdir / "access.log"
    temp = "\n".join(f"    {kind}_temp_path {workdir}/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (workdir / "nginx.conf").write_text(f"""
worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
{temp}
    log_format upstream '$remote_addr "$request" $status $upstream_addr';
    access_log {access} upstream;
    include {workdir}/site.conf;
}}
""")
    proc = subprocess.Popen([binary, "-p", str(workdir), "-c", str(workdir / "nginx.conf"),
                             "-e", str(workdir / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_listening(port, proc)
        yield f"http://127.0.0.1:{port}", access
    finally:
        stop(proc)
