"""Deliveries to internal addresses (loopback, private networks, cloud metadata) are refused unless
the operator allows them: by default in production, never in development and tests."""

from __future__ import annotations

import ipaddress
import socket

import httpx
import pytest

from factcheck.services.webhook_delivery import (
    PublicAddressesOnly,
    PublicOnlyBackend,
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


class Resolver:
    """Answers each lookup with the next list of addresses; records the names asked."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = [[ipaddress.ip_address(a) for a in answer] for answer in answers]
        self.asked: list[str] = []

    def __call__(self, host: str, port: int):
        self.asked.append(host)
        if not self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.answers.pop(0)


def guarded(resolver, internal=None) -> httpx.Client:
    backend = PublicOnlyBackend(resolve=resolver, **({"internal": internal} if internal else {}))
    return httpx.Client(transport=PublicAddressesOnly(backend))


def test_the_connection_goes_to_the_address_that_was_checked_without_a_second_lookup(receiver):
    # DNS rebinding: a name that answers "public" for the check and "internal" for the connection.
    # Here 127.0.0.1 (where the receiver listens) plays the public address, 127.0.0.2 the internal
    # one; the real resolver is never asked (receiver.test does not exist).
    resolver = Resolver(["127.0.0.1"], ["127.0.0.2"])
    port = httpx.URL(receiver.url).port
    with guarded(resolver, internal=lambda a: str(a) == "127.0.0.2") as client:
        response = client.post(f"http://receiver.test:{port}/hooks", content=b"{}")

    assert response.status_code == 400  # reached the receiver, which wants a signature
    assert len(receiver.requests) == 1
    assert resolver.asked == ["receiver.test"]


def test_a_name_with_any_internal_address_is_refused_before_connecting(receiver):
    resolver = Resolver(["93.184.216.34", "127.0.0.1"])
    port = httpx.URL(receiver.url).port
    with guarded(resolver) as client, pytest.raises(
            httpx.ConnectError, match=r"refused: receiver.test is 127\.0\.0\.1, an internal address"):
        client.post(f"http://receiver.test:{port}/hooks", content=b"{}")
    assert receiver.requests == []


def test_a_name_that_does_not_resolve_is_a_connection_error_naming_it():
    with guarded(Resolver()) as client, pytest.raises(httpx.ConnectError,
                                                      match="receiver.test does not resolve"):
        client.post("http://receiver.test/hooks", content=b"{}")


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
