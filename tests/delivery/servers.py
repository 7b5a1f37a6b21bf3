"""Real servers on loopback for delivery tests: an FTP server (pyftpdlib) and an S3 endpoint
(moto's standalone server), each in its own process, on a port that stays the same across
restarts (a pending delivery names its target's port)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[2]
FTP_USER, FTP_PASSWORD = "news", "secret"
#: the crawl's Scrapy settings for the (fake) credentials moto accepts
S3_SETTINGS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION_NAME": "us-east-1"}

FTP_SCRIPT = """
import sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, ThrottledDTPHandler
from pyftpdlib.servers import FTPServer

home, port, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
authorizer = DummyAuthorizer()
authorizer.add_user("news", "secret", home, perm="elradfmwMT")
handler = FTPHandler
handler.authorizer = authorizer
handler.passive_ports = range(60000, 60200)
if limit:
    dtp = ThrottledDTPHandler
    dtp.read_limit = limit  # bytes per second the server reads from an upload
    handler.dtp_handler = dtp
server = FTPServer(("127.0.0.1", port), handler)
print(server.address[1], flush=True)
server.serve_forever()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One server process; ``stop`` kills it, ``start`` brings it back on the same port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen[str] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        raise NotImplementedError

    def start(self) -> Server:
        self.stop()
        deadline = time.monotonic() + 30
        while True:
            self.proc = subprocess.Popen(self.command(), cwd=ROOT, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, text=True, start_new_session=True)
            while time.monotonic() < deadline and self.proc.poll() is None:
                if self.ready():
                    return self
                time.sleep(0.1)
            if time.monotonic() >= deadline:
                self.stop()
                raise RuntimeError(f"{type(self).__name__} did not start on port {self.port}")
            time.sleep(0.3)  # the port was still held by the old process: try again

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=10)
        self.proc = None


class FtpServer(Server):
    def __init__(self, home: Path, port: int | None = None, limit: int = 0) -> None:
        super().__init__(port or free_port())
        self.home, self.limit = home, limit
        home.mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        return [sys.executable, "-c", FTP_SCRIPT, str(self.home), str(self.port), str(self.limit)]

    def ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                return s.recv(3) == b"220"
        except OSError:
            return False

    def uri(self, path: str) -> str:
        return f"ftp://{FTP_USER}:{FTP_PASSWORD}@127.0.0.1:{self.port}/{path}"


class S3Server(Server):
    def __init__(self, port: int | None = None) -> None:
        super().__init__(port or free_port())

    def command(self) -> list[str]:
        return [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(self.port)]

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1):
                return True
        except OSError:
            return False

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> Any:
        return boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        ).client("s3", endpoint_url=self.endpoint)
