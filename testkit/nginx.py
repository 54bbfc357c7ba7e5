"""Real nginx (Debian's package) in front of replicas on loopback, configured by the project's own
`deploy/nginx.conf`: a copy of it beside the two include files it expects, under a temp prefix,
run in the foreground (`nginx -p DIR -c conf -g 'daemon off;'`) and stopped with its process."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from assistant.settings import PROJECT_ROOT
from testkit.loopback import LOOPBACK, free_port, stop_process

NGINX_CONF = PROJECT_ROOT / "deploy" / "nginx.conf"
START_TIMEOUT_S = 10.0
# Replicas that fail are skipped briefly, as in deploy/assistant-upstream.conf.
UPSTREAM_OPTIONS = "max_fails=1 fail_timeout=10s"


def nginx_binary() -> str | None:
    """Debian puts nginx in /usr/sbin, which is not on every user's PATH."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def write_config(prefix: Path, upstreams: list[int], port: int) -> Path:
    """`deploy/nginx.conf` copied unchanged into `prefix/conf/`, with includes for loopback."""
    conf = prefix / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    (prefix / "logs").mkdir(exist_ok=True)
    target = conf / "nginx.conf"
    shutil.copyfile(NGINX_CONF, target)
    servers = "".join(f"server {LOOPBACK}:{p} {UPSTREAM_OPTIONS};\n" for p in upstreams)
    (conf / "assistant-upstream.conf").write_text(servers, encoding="utf-8")
    (conf / "assistant-listen.conf").write_text(f"listen {LOOPBACK}:{port};\n", encoding="utf-8")
    return target


def runtime_directives(prefix: Path) -> str:
    """What the deployment leaves to the image's defaults: foreground, pid and error log here."""
    return f"daemon off; pid {prefix / 'nginx.pid'}; error_log {prefix / 'logs' / 'error.log'} warn;"


def check_config(upstreams: list[int]) -> str:
    """`nginx -t` on the project's config with loopback includes; returns nginx's own report.
    Raises RuntimeError (with that report) when nginx refuses it."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    prefix = Path(tempfile.mkdtemp(prefix="assistant-nginx-"))
    try:
        conf = write_config(prefix, upstreams, free_port())
        command = [binary, "-t", "-p", str(prefix), "-e", str(prefix / "logs" / "error.log"), "-c", str(conf)]
        done = subprocess.run(
            [*command, "-g", runtime_directives(prefix)], capture_output=True, text=True, timeout=30
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip())
        return done.stderr.strip()
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


class Nginx:
    """nginx on 127.0.0.1:`port` proxying to replicas on 127.0.0.1:`upstreams`."""

    def __init__(self, upstreams: list[int], port: int | None = None, access_log: Path | None = None) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        self.binary = binary
        self.port = port or free_port()
        self.prefix = Path(tempfile.mkdtemp(prefix="assistant-nginx-"))
        self.conf = write_config(self.prefix, upstreams, self.port)
        self.process: subprocess.Popen | None = None
        self.access_log = access_log  # where the config's `access_log /dev/stdout` lands

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/"

    def start(self) -> Nginx:
        error_log = self.prefix / "logs" / "error.log"
        command = [self.binary, "-p", str(self.prefix), "-e", str(error_log), "-c", str(self.conf)]
        log = self.access_log.open("ab") if self.access_log else None
        try:
            self.process = subprocess.Popen(
                [*command, "-g", runtime_directives(self.prefix)],
                stdout=log or subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        finally:
            if log:
                log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (self.prefix / "nginx.pid").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                errors = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                self.stop()
                raise RuntimeError(f"nginx did not start: {errors}{self.error_log()}")
            time.sleep(0.02)
        return self

    def error_log(self) -> str:
        path = self.prefix / "logs" / "error.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process, grace_s=5)
        shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
