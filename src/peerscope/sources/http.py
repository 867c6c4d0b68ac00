"""A polite HTTP client for public scholarly APIs.

``PoliteClient`` wraps ``httpx.Client`` with what public APIs ask of their users:

- a User-Agent naming Peerscope and a contact address (``Peerscope/0.1.0 (+mailto:you@org)``);
- a request rate: never more than ``rate_per_second`` request starts per second;
- retries with exponential backoff (and a little jitter) on 429, 408, 500, 502, 503 and 504 and
  on connection failures and timeouts, honouring ``Retry-After`` on 429 and 503;
- a URL guard: requests go to the configured host only (a path relative to ``base_url``, or an
  absolute URL with the same scheme, host and port), so an id taken from a record can never
  steer a request elsewhere; a target that starts with ``scheme:`` or ``//`` is read as an
  absolute URL, so connectors put ids after a path segment (``works/doi:10...``); a relative
  path always lands under the base URL's path; redirects are followed only within that origin;
- a check that the body is what the caller expects (``accept="json"``, ``"xml"`` or ``"bytes"``).

Every failure is a ``peerscope.errors.SourceError`` whose message names the source, the URL (with
API keys masked) and the status: ``status`` is set for an error answer (a 404 has
``status=404``), ``retriable`` is true when trying again later may succeed (retries exhausted,
or the source asked to wait longer than ``max_retry_after`` seconds).

``client_for(settings, source)`` builds the client for one source from the settings.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import orjson

import peerscope
from peerscope.errors import ConfigError, SourceError

Accept = Literal["json", "xml", "bytes"]

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 600.0  # seconds: a source asking for a longer pause gets an error saying when to retry
EXCERPT_CHARS = 200
SECRET_PARAMS = frozenset({"api_key", "apikey", "api-key", "key", "token", "access_token"})

_ABSOLUTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:|[/\\]{2})")  # "scheme:..." or "//host/..."
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _version() -> str:
    version = getattr(peerscope, "__version__", None)
    if version:
        return str(version)
    try:
        from importlib.metadata import version as dist_version

        return dist_version("peerscope")
    except Exception:  # noqa: BLE001 - an uninstalled checkout still identifies itself
        return "0"


def user_agent(contact: str) -> str:
    return f"Peerscope/{_version()} (+mailto:{contact})"


_UNSET: Any = object()


@dataclass(slots=True)
class Response:
    """A source's answer: the final URL, the status, the headers and the body bytes."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    _parsed: Any = field(default=_UNSET, repr=False, compare=False)

    def json(self) -> Any:
        """The body parsed as JSON; SourceError when it is not JSON."""
        if self._parsed is _UNSET:
            try:
                self._parsed = orjson.loads(self.body)
            except orjson.JSONDecodeError as exc:
                raise SourceError(f"{redact(self.url)} answered with a body that is not valid JSON ({exc}): {excerpt(self.body)!r}") from None
        return self._parsed

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def excerpt(body: bytes, limit: int = EXCERPT_CHARS) -> str:
    """The start of a body, readable in one line of an error message."""
    text = body[: limit * 4].decode("utf-8", errors="replace")
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def redact(url: str) -> str:
    """The URL with the values of API-key parameters masked."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k.lower() in SECRET_PARAMS for k, _ in pairs):
        return url
    masked = [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in pairs]
    return urlunsplit(parts._replace(query=urlencode(masked, safe="*:/,@")))


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    scheme = url.scheme.lower()
    return scheme, (url.host or "").lower(), url.port or _DEFAULT_PORTS.get(scheme)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP-date); None when
    absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class PoliteClient:
    """An HTTP client for one source; see the module docstring."""

    def __init__(
        self,
        source: str,
        base_url: str,
        *,
        contact: str,
        rate_per_second: float,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        max_retry_after: float = MAX_RETRY_AFTER,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if not contact or not contact.strip():
            raise ConfigError(f"{source}: a contact address is required for the User-Agent sent to public APIs (PEERSCOPE_CONTACT_EMAIL)")
        if not rate_per_second or rate_per_second <= 0:
            raise ConfigError(f"{source}: rate_per_second must be positive, got {rate_per_second!r}")
        if max_retries < 0:
            raise ConfigError(f"{source}: max_retries must be 0 or more, got {max_retries!r}")
        try:
            base = httpx.URL(base_url)
        except httpx.InvalidURL as exc:
            raise ConfigError(f"{source}: base URL {base_url!r} is not a URL ({exc})") from None
        if base.scheme not in ("http", "https") or not base.host:
            raise ConfigError(f"{source}: base URL {base_url!r} must be an http(s) URL with a host")
        self.source = source
        self.base_url = str(base)
        self._base = base
        self._origin = _origin(base)
        self.contact = contact.strip()
        self.interval = 1.0 / rate_per_second
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self._clock = clock
        self._next_start: float | None = None
        self._random = random.Random()
        all_headers = {"User-Agent": user_agent(self.contact)}
        all_headers.update(headers or {})
        self._client = httpx.Client(
            headers=all_headers,
            timeout=httpx.Timeout(timeout),
            transport=transport,
            follow_redirects=False,
        )

    # -- public -------------------------------------------------------------------------------

    def get(self, path_or_url: str, params: Mapping[str, Any] | None = None, *, accept: Accept = "json") -> Response:
        return self._request("GET", path_or_url, params, None, accept)

    def post(
        self, path_or_url: str, params: Mapping[str, Any] | None = None, *, json: Any = None, accept: Accept = "json"
    ) -> Response:
        return self._request("POST", path_or_url, params, json, accept)

    def url_for(self, path_or_url: str) -> str:
        """The absolute URL a path stands for; SourceError when it leaves the source's origin."""
        return str(self._resolve(path_or_url))

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------

    def _resolve(self, path_or_url: str) -> httpx.URL:
        if not isinstance(path_or_url, str):
            raise SourceError(f"{self.source}: request target must be a string, got {type(path_or_url).__name__}")
        if _CONTROL.search(path_or_url):
            raise SourceError(f"{self.source}: refused request target with control characters: {path_or_url!r}")
        if _ABSOLUTE.match(path_or_url):
            try:
                network_path = path_or_url[:1] in ("/", "\\")
                url = httpx.URL(f"{self._base.scheme}:{path_or_url}" if network_path else path_or_url)
            except httpx.InvalidURL as exc:
                raise SourceError(f"{self.source}: refused malformed URL {redact(path_or_url)!r} ({exc})") from None
            if url.scheme not in ("http", "https"):
                raise SourceError(f"{self.source}: refused URL {redact(path_or_url)!r}: only http and https are fetched")
        else:
            base_path = self._base.raw_path.decode("ascii").split("?", 1)[0].rstrip("/")
            target = f"{self._base.scheme}://{self._base.netloc.decode('ascii')}{base_path}/{path_or_url.lstrip('/')}"
            try:
                url = httpx.URL(target)
            except httpx.InvalidURL as exc:
                raise SourceError(f"{self.source}: refused malformed path {path_or_url!r} ({exc})") from None
        self._check_origin(url, path_or_url)
        return url

    def _check_origin(self, url: httpx.URL, asked: str) -> None:
        if _origin(url) != self._origin:
            raise SourceError(
                f"{self.source}: refused URL {redact(str(asked))!r}: requests go only to {self._base.scheme}://{self._base.netloc.decode('ascii')}"
            )

    def _wait_turn(self) -> None:
        now = self._clock()
        if self._next_start is not None and now < self._next_start:
            self._sleep(self._next_start - now)
            now = self._clock()
        self._next_start = max(now, self._next_start or now) + self.interval

    def _backoff_delay(self, attempt: int) -> float:
        base = self.backoff * (2**attempt)
        jittered = base * (1.0 + 0.1 * self._random.random())
        return min(self.max_backoff, jittered)

    def _request(self, method: str, path_or_url: str, params: Mapping[str, Any] | None, body: Any, accept: Accept) -> Response:
        url = self._resolve(path_or_url)
        if params:
            url = url.copy_merge_params({k: v for k, v in params.items() if v is not None})
        shown = redact(str(url))
        last: str = "no answer"
        last_status: int | None = None
        for attempt in range(self.max_retries + 1):
            final = attempt == self.max_retries
            self._wait_turn()
            try:
                response = self._send(method, url, body)
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                last = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                last_status = None
                if not final:
                    self._sleep(self._backoff_delay(attempt))
                continue
            except httpx.HTTPError as exc:
                raise SourceError(f"{self.source}: {method} {shown} failed: {type(exc).__name__}: {exc}") from None
            status = response.status
            if status < 300:
                self._check_body(response, accept, method)
                return response
            if status in RETRY_STATUSES:
                last, last_status = f"status {status}", status
                wait = retry_after_seconds(response.headers.get("retry-after")) if status in RETRY_AFTER_STATUSES else None
                if wait is not None and wait > self.max_retry_after:
                    retry_at = datetime.now(UTC) + timedelta(seconds=wait)
                    raise SourceError(
                        f"{self.source}: {method} {shown} answered {status} and asks to wait {wait:.0f} s; "
                        f"retry after {retry_at:%Y-%m-%d %H:%M:%S} UTC",
                        status=status,
                        retriable=True,
                    )
                if not final:
                    self._sleep(wait if wait is not None else self._backoff_delay(attempt))
                continue
            raise SourceError(
                f"{self.source}: {method} {redact(response.url)} answered {status} {_reason(status)}: {excerpt(response.body)!r}",
                status=status,
            )
        tries = self.max_retries + 1
        raise SourceError(
            f"{self.source}: {method} {shown} still failing after {tries} attempt{'s' if tries != 1 else ''} (last: {last}); try again later",
            status=last_status,
            retriable=True,
        )

    def _send(self, method: str, url: httpx.URL, body: Any) -> Response:
        """One request, following redirects that stay within the source's origin."""
        for _ in range(MAX_REDIRECTS + 1):
            kwargs: dict[str, Any] = {}
            if body is not None and method == "POST":
                kwargs["content"] = orjson.dumps(body)
                kwargs["headers"] = {"Content-Type": "application/json"}
            raw = self._client.request(method, url, **kwargs)
            content = raw.read()
            if raw.status_code in REDIRECT_STATUSES and raw.headers.get("location"):
                try:
                    target = url.join(raw.headers["location"])
                except httpx.InvalidURL:
                    raise SourceError(f"{self.source}: {redact(str(url))} redirected to a malformed URL") from None
                if _origin(target) != self._origin:
                    raise SourceError(
                        f"{self.source}: {redact(str(url))} redirected to {redact(str(target))}, outside "
                        f"{self._base.scheme}://{self._base.netloc.decode('ascii')}; not followed",
                        status=raw.status_code,
                    )
                if raw.status_code == 303:
                    method, body = "GET", None
                url = target
                continue
            return Response(str(url), raw.status_code, raw.headers, content)
        raise SourceError(f"{self.source}: {redact(str(url))}: more than {MAX_REDIRECTS} redirects")

    def _check_body(self, response: Response, accept: Accept, method: str) -> None:
        if accept == "bytes":
            return
        where = f"{self.source}: {method} {redact(response.url)}"
        content_type = response.headers.get("content-type", "").lower()
        head = response.body.lstrip(b"\xef\xbb\xbf \t\r\n")[:64]
        if accept == "json":
            if "text/html" in content_type or head.startswith(b"<"):
                raise SourceError(
                    f"{where} answered with an HTML page where JSON was expected (status {response.status}): {excerpt(response.body)!r}",
                    status=response.status,
                )
            try:
                response._parsed = orjson.loads(response.body)
            except orjson.JSONDecodeError as exc:
                raise SourceError(f"{where} answered with a body that is not valid JSON ({exc}): {excerpt(response.body)!r}") from None
            return
        if accept == "xml":
            lowered = head.lower()
            if not head.startswith(b"<") or lowered.startswith((b"<!doctype html", b"<html")):
                what = "an HTML page" if head.startswith(b"<") else "a body that is not XML"
                raise SourceError(
                    f"{where} answered with {what} where XML was expected (status {response.status}): {excerpt(response.body)!r}",
                    status=response.status,
                )
            return
        raise ValueError(f"accept must be 'json', 'xml' or 'bytes', not {accept!r}")


def _reason(status: int) -> str:
    try:
        from http import HTTPStatus

        return HTTPStatus(status).phrase
    except ValueError:
        return ""


# -- building clients from settings -----------------------------------------------------------

# source -> (base URL setting, rate setting, API key setting sent as a header, header name)
SOURCES: dict[str, tuple[str, str, str | None, str | None]] = {
    "openalex": ("openalex_base_url", "openalex_rate_per_second", None, None),
    "arxiv": ("arxiv_api_base_url", "arxiv_rate_per_second", None, None),
    "arxiv_oai": ("arxiv_oai_base_url", "arxiv_rate_per_second", None, None),
    "crossref": ("crossref_base_url", "crossref_rate_per_second", None, None),
    "s2": ("s2_base_url", "s2_rate_per_second", "s2_api_key", "x-api-key"),
    "orcid": ("orcid_base_url", "orcid_rate_per_second", None, None),
    "hf": ("hf_base_url", "hf_rate_per_second", None, None),
}


# ORCID answers XML unless asked for JSON
ACCEPT: dict[str, dict[str, str]] = {"orcid": {"Accept": "application/json"}}


def client_for(settings: Any, source: str, **overrides: Any) -> PoliteClient:
    """The client for ``source`` (``openalex``, ``arxiv``, ``arxiv_oai``, ``crossref``, ``s2``,
    ``orcid``, ``hf``) built from ``settings``: its base URL, rate, the shared timeout and retry
    count, and the contact address. The Semantic Scholar key goes in the ``x-api-key`` header; the
    OpenAlex key is a query parameter the connector adds (``openalex.fetch(..., api_key=...)``).
    ``overrides`` pass through to ``PoliteClient`` (e.g. ``transport`` in tests)."""
    try:
        url_key, rate_key, secret_key, header = SOURCES[source]
    except KeyError:
        raise ConfigError(f"unknown source {source!r} for HTTP; known: {', '.join(sorted(SOURCES))}") from None
    headers: dict[str, str] = {**ACCEPT.get(source, {}), **(overrides.pop("headers", None) or {})}
    if secret_key and header:
        secret = getattr(settings, secret_key, None)
        value = secret.get_secret_value() if hasattr(secret, "get_secret_value") else secret
        if value:
            headers[header] = str(value)
    options: dict[str, Any] = {
        "contact": settings.contact_email,
        "rate_per_second": getattr(settings, rate_key),
        "timeout": settings.http_timeout_seconds,
        "max_retries": settings.http_max_retries,
        "headers": headers,
    }
    options.update(overrides)
    return PoliteClient("arxiv" if source == "arxiv_oai" else source, getattr(settings, url_key), **options)
