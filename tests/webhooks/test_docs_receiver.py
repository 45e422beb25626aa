"""The stdlib receiver printed in docs/webhooks.md accepts real deliveries and rejects forgeries."""

from __future__ import annotations

import re
import threading
from http.server import HTTPServer
from pathlib import Path

import httpx

from factcheck.webhook_signing import sign

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def load_example() -> dict:
    [code] = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    namespace: dict = {"__name__": "docs_example"}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


def test_the_documented_receiver_verifies_and_dedupes_real_deliveries(make_endpoint, emit_committed, make_worker):
    example = load_example()
    server = HTTPServer(("127.0.0.1", 0), example["Receiver"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        endpoint = make_endpoint(url=url)
        example["SECRET"] = endpoint.secret.encode()
        emit_committed()
        emit_committed()
        assert make_worker().run_once().delivered == 2
        assert len(example["seen"]) == 2

        body = b'{"id":"forged","type":"verdict.published","data":{}}'
        forged = httpx.post(url, content=body, headers={"X-Factcheck-Signature": sign("wrong", body)})
        stale = httpx.post(url, content=body, headers={"X-Factcheck-Signature": sign(endpoint.secret, body, 1)})
        assert (forged.status_code, stale.status_code) == (400, 400)
        assert "forged" not in example["seen"]
    finally:
        server.shutdown()
        server.server_close()
