from django.test import RequestFactory

from spp_site.http import client_ip


def request(remote="203.0.113.9", forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_proxies_the_client_is_the_peer_whatever_it_claims(settings):
    settings.NUM_PROXIES = 0
    assert client_ip(request(forwarded="1.1.1.1")) == "203.0.113.9"


def test_behind_one_proxy_the_last_forwarded_address_is_the_client(settings):
    settings.NUM_PROXIES = 1
    assert client_ip(request(remote="10.0.0.1", forwarded="6.6.6.6, 198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies_the_entry_the_outer_proxy_wrote_is_the_client(settings):
    settings.NUM_PROXIES = 2
    assert (
        client_ip(request(remote="10.0.0.2", forwarded="6.6.6.6, 198.51.100.7, 10.0.0.1")) == "198.51.100.7"
    )


def test_a_missing_header_behind_a_proxy_falls_back_to_the_peer(settings):
    settings.NUM_PROXIES = 1
    assert client_ip(request(remote="10.0.0.1")) == "10.0.0.1"


def test_an_entry_that_is_not_an_address_falls_back_to_the_peer(settings):
    settings.NUM_PROXIES = 1
    assert client_ip(request(remote="10.0.0.1", forwarded="1.1.1.1, not-an-address")) == "10.0.0.1"
