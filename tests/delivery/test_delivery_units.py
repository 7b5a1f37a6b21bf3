"""Delivery's parts on real files and a real state: targets, a folder target, pending and lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from newscrawl.delivery import Delivery, parse_targets, redact, scrapy_upload
from newscrawl.feeds import DurableFile
from newscrawl.state.session import StateSession
from scrapy.utils.test import get_crawler


def test_parse_targets() -> None:
    assert parse_targets("s3://b/p, ftp://u:pw@h/x  gs://b") == ["s3://b/p/", "ftp://u:pw@h/x/", "gs://b/"]
    assert parse_targets("relative/share") == [Path("relative/share").resolve().as_uri() + "/"]
    assert parse_targets("") == []
    with pytest.raises(ValueError, match="cannot deliver"):
        parse_targets("http://example.org/upload")
    assert redact("ftp://news:secret@127.0.0.1:21/x") == "ftp://news:***@127.0.0.1:21/x"


def test_folder_target_pending_delivered_and_lost(tmp_path: Path) -> None:
    session = StateSession(tmp_path / "state", "t", run_id="r1").start()
    try:
        delivery = Delivery(parse_targets(str(tmp_path / "share")), scrapy_upload(get_crawler(), 5.0),
                            retries=0, delay=0.0)
        file = DurableFile(tmp_path / "out" / "a.jsonl", jsonl=True)
        delivery.plan(file, session)  # planned before anything is written
        file.write(b'{"id": "x"}\n')
        (reason,) = delivery.deliver(session)  # still a .part: nothing is sent
        assert "not finished" in reason and not (tmp_path / "share").exists()
        file.finalize({})
        assert delivery.deliver(session) == []
        shared = tmp_path / "share" / "a.jsonl"
        assert shared.read_bytes() == file.final_path.read_bytes()
        assert (tmp_path / "share" / "a.jsonl.manifest.json").read_bytes() == (
            tmp_path / "out" / "a.jsonl.manifest.json").read_bytes()
        assert [d["status"] for d in session.store.deliveries()] == ["delivered"]

        gone = DurableFile(tmp_path / "out" / "b.jsonl", jsonl=True)
        delivery.plan(gone, session)
        gone.finalize({})
        gone.final_path.unlink()  # removed by hand before it was delivered
        (reason,) = delivery.deliver(session)
        assert "gone" in reason
        assert [d["status"] for d in session.store.deliveries()] == ["delivered", "lost"]
        assert delivery.deliver(session) == []  # reported once
    finally:
        session.close()
