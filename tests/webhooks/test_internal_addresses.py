"""Deliveries to internal addresses (loopback, private networks, cloud metadata) are refused unless
the operator allows them: by default in production, never in development and tests."""

from __future__ import annotations

import httpx
import pytest

from factcheck.services.webhook_delivery import (
    PublicAddressesOnly,
    delivery_client,
    internal_address,
)
from factcheck.settings import Settings
from tests.webhooks.conftest import load_deliveries


@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1",
                                  "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1",
                                  "fe80::1", "fd00::1", "::ffff:10.0.0.1"])
def test_internal_addresses_are_recognised(host):
    assert internal_address(host, 80) is not None


@pytest.mark.parametrize("host", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "nonexistent.invalid"])
def test_public_addresses_and_unresolvable_names_are_not_called_internal(host):
    assert internal_address(host, 443) is None


@pytest.mark.parametrize(
    ("environment", "setting", "allowed"),
    [("development", None, True), ("test", None, True), ("production", None, False),
     ("production", True, True), ("development", False, False)],
)
def test_private_networks_are_allowed_except_in_production_unless_set(environment, setting, allowed):
    secret = {"secret_key": "a-real-production-secret"} if environment == "production" else {}
    settings = Settings(_env_file=None, environment=environment,
                        webhook_allow_private_networks=setting, **secret)
    assert settings.webhook_private_networks_allowed is allowed


def test_the_guarded_client_refuses_before_connecting():
    with delivery_client(allow_private_networks=False) as client:
        assert isinstance(client._transport, PublicAddressesOnly)
        with pytest.raises(httpx.ConnectError, match="169.254.169.254, an internal address"):
            client.post("http://169.254.169.254/latest/meta-data/")


def test_a_worker_that_may_not_reach_internal_addresses_records_a_clear_error_and_retries(
    make_endpoint, emit_committed, make_worker, receiver, committed, settings, monkeypatch
):
    make_endpoint()  # the receiver listens on 127.0.0.1
    [delivery_id] = emit_committed()
    monkeypatch.setattr(settings, "webhook_allow_private_networks", False)

    result = make_worker().run_once()

    assert result.retrying == 1 and receiver.requests == []
    [delivery] = load_deliveries(committed, [delivery_id])
    assert "refused: 127.0.0.1 is 127.0.0.1, an internal address" in delivery.last_error
    assert "FACTCHECK_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true" in delivery.last_error

    monkeypatch.setattr(settings, "webhook_allow_private_networks", True)
    assert make_worker().run_once().delivered == 1
    assert receiver.delivered == [load_deliveries(committed, [delivery_id])[0].event_id]
