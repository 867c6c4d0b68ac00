"""A polite HTTP client for public scholarly APIs (INTERFACE: to be implemented).

PoliteClient(source, base_url, *, contact, rate_per_second, timeout=30.0, max_retries=5,
             backoff=1.0, transport=None, sleep=time.sleep, clock=time.monotonic)
    .get(path_or_url, params=None, *, accept="json") -> Response
    .post(path_or_url, params=None, *, json=None, accept="json") -> Response
    .close(); context manager

Response(url: str, status: int, headers: Mapping[str, str], body: bytes); .json() -> object

Raises peerscope.errors.SourceError on a non-retriable status (status set), on exhausted retries
(retriable=True), and when the body is not what ``accept`` promised (e.g. an HTML page where
JSON was expected). A 404 raises SourceError with status=404 so callers can report "not found".
"""
