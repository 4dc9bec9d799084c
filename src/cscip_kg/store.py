"""Where a remote triple store is and how to talk to it over plain HTTP.

The settings (store, store_update, store_gsp, credentials, store_timeout) become
one ``StoreConfig``; ``remote.py`` queries through it and ``publish.py`` writes
through it. Every way a request can fail without an answer (refused connection,
DNS, timeout, 5xx, bad credentials) becomes ``StoreUnavailable``, which the
server turns into a 503 with that message and the CLI into one line on stderr.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cscip_kg.settings import EMBEDDED


class StoreUnavailable(Exception):
    """The store did not give a usable answer; the message says which store and why."""


class StoreError(Exception):
    """The store answered, but refused a request (4xx); the message holds its reason."""


@dataclass(frozen=True)
class StoreConfig:
    query_url: str
    update_url: str = ""
    gsp_url: str = ""
    user: str = ""
    password: str = ""
    token: str = ""
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> StoreConfig | None:
        """None for the embedded store, else the remote store the settings name."""
        if settings["store"] == EMBEDDED:
            return None
        for name in ("store", "store_update", "store_gsp"):
            url = settings[name]
            if url and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"{name} must be '{EMBEDDED}' or an http(s) URL, not {url!r}" if name == "store"
                                 else f"{name} must be an http(s) URL, not {url!r}")
        if settings["store_timeout"] <= 0:
            raise ValueError(f"store_timeout must be a positive number of seconds, not {settings['store_timeout']}")
        return cls(settings["store"], settings["store_update"], settings["store_gsp"], settings["store_user"],
                   settings["store_password"], settings["store_token"], float(settings["store_timeout"]))

    def auth_headers(self) -> dict[str, str]:
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.user:
            pair = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
            return {"Authorization": f"Basic {pair}"}
        return {}


def unavailable(url: str, error: BaseException, timeout: float) -> StoreUnavailable:
    """One clear sentence for every way a request to the store can fail without an answer."""
    reason: object = error.reason if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError) \
        else error
    if isinstance(reason, TimeoutError):
        why = f"it did not answer within {timeout:g} s"
    elif isinstance(reason, ConnectionRefusedError):
        why = "the connection was refused (is it running?)"
    elif isinstance(reason, urllib.error.HTTPError):
        why = f"it answered {reason.code} {reason.reason}"
    elif isinstance(reason, OSError):
        why = reason.strerror or str(reason) or type(reason).__name__
    else:
        why = str(reason) or type(reason).__name__
    return StoreUnavailable(f"the triple store at {url} is unavailable: {why}")


def http_error(url: str, error: urllib.error.HTTPError, timeout: float) -> Exception:
    """A 4xx the store meant (StoreError) or an unusable answer (StoreUnavailable)."""
    try:
        body = error.read().decode("utf-8", "replace").strip()
    except OSError:
        body = ""
    if error.code in (401, 403):
        return StoreUnavailable(f"the triple store at {url} refused our credentials ({error.code}); "
                                "check store_user/store_password or store_token")
    if 400 <= error.code < 500:
        return StoreError(f"the triple store at {url} answered {error.code}: {body[:500] or error.reason}")
    return unavailable(url, error, timeout)


def send(config: StoreConfig, url: str, method: str, body: bytes, content_type: str) -> None:
    """One write request (GSP PUT/DELETE, SPARQL Update POST); raises StoreUnavailable or StoreError."""
    headers = {"Content-Type": content_type, **config.auth_headers()}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        with error:
            raise http_error(url, error, config.timeout) from None
    except (urllib.error.URLError, OSError) as error:
        raise unavailable(url, error, config.timeout) from None


def graph_url(gsp_url: str, graph: str) -> str:
    """The Graph Store Protocol address of one named graph (indirect identification, ?graph=)."""
    separator = "&" if urllib.parse.urlsplit(gsp_url).query else "?"
    return f"{gsp_url}{separator}{urllib.parse.urlencode({'graph': graph})}"
