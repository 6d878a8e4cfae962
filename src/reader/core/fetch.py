"""HTTP for feeds and article pages: bytes and headers in, nothing parsed here.

Politeness and safety live in one place:
- one shared httpx.AsyncClient, so connections to a host are reused;
- a global concurrency limit and a per-host limit (asyncio semaphores);
- connect/read timeouts plus a total deadline (a server that drips one byte a
  second never trips a read timeout);
- a size cap enforced while streaming, on the *decoded* body: gzip, deflate and
  brotli are decompressed here with bounded output, so a compression bomb stops
  at the cap instead of filling memory; the bytes received are capped too, and
  what follows a compressed body's end is not read;
- redirects followed by hand: only http and https, a hop limit, loop detection;
- conditional GET (If-None-Match / If-Modified-Since) and Retry-After.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
import sys
import time
import zlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

# httpx imports its optional command-line module (which pulls in rich and
# click, ~60 ms) whenever they are installed. The core needs neither: a None
# entry makes that import fail fast, and httpx then skips it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None blocks an import

import httpx  # noqa: E402

from reader.core import urls  # noqa: E402
from reader.core.addresses import address_kind  # noqa: E402
from reader.core.config import HttpSettings  # noqa: E402
from reader.core.demo import DEMO_ORIGIN, DemoTransport  # noqa: E402
from reader.core.http11 import Http11Transport  # noqa: E402
from reader.core.textnorm import strip_controls  # noqa: E402

FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Members of one gzip body: a few where a server joins pieces it compressed
# apart. Each costs ~2 µs of the parent's CPU, and empty ones (20 bytes each)
# up to the size cap were a second of it.
MAX_GZIP_MEMBERS = 1_000


class FetchError(Exception):
    """A fetch that produced no usable body. `reason` is shown to the user."""

    def __init__(
        self,
        reason: str,
        *,
        kind: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        # Reasons quote servers (a header, a Location, an exception's text) and
        # are stored and printed: cleaned here, once for every kind.
        reason = strip_controls(reason)
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # after redirects
    status: int
    content: bytes  # empty when not_modified
    headers: Mapping[str, str]  # lower-case names
    etag: str | None
    last_modified: str | None
    permanent_url: str | None  # set when every hop was a permanent redirect
    # The kind of local network (addresses.address_kind) the feed's server is
    # on, or None for a public one; a page it links to keeps its feed's.
    network: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def check_url(url: str) -> str:
    """The URL if its scheme is http(s) and it has a valid host, else FetchError."""
    try:
        return urls.check_url(url)
    except urls.UrlError as exc:
        raise FetchError(str(exc), kind="scheme") from None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    # ASCII digits only: str.isdigit() is true for "²" and "①" too, which float()
    # refuses (a ValueError that lost every URL of a `reader add`), and for
    # "٣٠٠", which it reads as 300.
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def sendable_validator(value: str | None) -> str | None:
    """An ETag or Last-Modified as it may be sent back, or None if it may not.

    Only visible ASCII and spaces: httpx encodes request headers as ASCII and
    raises for anything else, before any request (a server's `ETag: "café"`
    made every later refresh of its feed fail). RFC 9110 does allow bytes
    0x80-0xFF in an entity-tag, but httpx decoded the response's headers by a
    guess (UTF-8, else Latin-1), so those bytes cannot be given back for sure:
    such a feed is fetched in full each time, as one without validators.
    """
    if value and value.isascii() and value.isprintable():
        return value.strip() or None
    return None


class _Decoder(Protocol):
    # True once the body's encoded end has come and bytes after it were seen:
    # those are ignored and the body is read no further.
    ended: bool

    def feed(self, data: bytes, limit: int) -> bytes: ...

    def complete(self) -> bool: ...


class _Identity:
    ended = False

    def feed(self, data: bytes, limit: int) -> bytes:
        return data

    def complete(self) -> bool:
        return True


class _Zlib:
    """gzip or zlib/deflate with bounded output per call.

    A gzip body may be a series of members (RFC 1952 2.2: gzip(1) writes one a
    file, and a server may join pieces it compressed apart): each is decoded in
    turn (only the first was, the rest of the feed dropped without a word).
    Other bytes after the end (past a deflate stream, or after a member
    without starting another) are ignored, as Chromium does, and reading stops:
    fed to the finished inflater, they were kept in its unused_data, copied
    again at every chunk (an endless tail: 300 MB and a core until the deadline).
    """

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        # 47 = 32 + 15: zlib or gzip header auto-detected.
        self._inflate = zlib.decompressobj(47 if self._gzip else 15)
        self._started = self._gzip
        self._head = b""
        self._members = 1
        self.ended = False

    def feed(self, data: bytes, limit: int) -> bytes:
        if not self._started:
            # zlib can only reject a missing header once it has two bytes; a body
            # may arrive a byte at a time.
            self._head += data
            if len(self._head) < 2:
                return b""
            data, self._head = self._head, b""
            self._started = True
            try:
                return self._drain(data, limit)
            except zlib.error:
                # Some servers send raw deflate without the zlib header.
                self._inflate = zlib.decompressobj(-15)
        return self._drain(data, limit)

    def complete(self) -> bool:
        return bool(self._inflate.eof)

    def _drain(self, data: bytes, limit: int) -> bytes:
        out = b""
        while data and len(out) <= limit:
            if self._inflate.eof and not self._next_member(data):
                break
            # max_length is at least 1 here (0 would mean "no limit").
            out += self._inflate.decompress(data, limit + 1 - len(out))
            # Input held back by max_length, or past the end of a member.
            data = self._inflate.unconsumed_tail or self._inflate.unused_data
        return out

    def _next_member(self, data: bytes) -> bool:
        """Whether `data`, after the end of a member, starts another (it then
        goes to a new inflater); if not, the body has ended."""
        if self._gzip and data[0] == 0x1F:  # ID1 of a gzip member's header
            self._members += 1
            if self._members > MAX_GZIP_MEMBERS:
                raise FetchError(
                    f"compressed body in more than {MAX_GZIP_MEMBERS:,} gzip members; given up",
                    kind="encoding",
                )
            # gzip only: a further member is never a zlib stream.
            self._inflate = zlib.decompressobj(31)
            return True
        self.ended = True
        return False


class _Brotli:
    # Bytes after a brotli stream's end make the decoder fail: the read ends
    # with an error there.
    ended = False

    def __init__(self) -> None:
        import brotli

        self._brotli: Any = brotli.Decompressor()

    def feed(self, data: bytes, limit: int) -> bytes:
        import brotli

        try:
            out = self._brotli.process(data, output_buffer_limit=limit + 1)
            while len(out) <= limit and not self._brotli.can_accept_more_data():
                out += self._brotli.process(b"", output_buffer_limit=limit + 1 - len(out))
        except brotli.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}", kind="encoding") from exc
        return bytes(out)

    def complete(self) -> bool:
        return bool(self._brotli.is_finished())


def _decoder_for(content_encoding: str) -> _Decoder:
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return _Identity()
    if len(codings) > 1:
        raise FetchError(f"unsupported Content-Encoding: {content_encoding}", kind="encoding")
    coding = codings[0]
    if coding in ("gzip", "x-gzip", "deflate"):
        return _Zlib(coding)
    if coding == "br":
        return _Brotli()
    raise FetchError(f"unsupported Content-Encoding: {content_encoding}", kind="encoding")


class Fetcher:
    """Concurrent, polite HTTP GETs. Use as `async with Fetcher(...) as f`."""

    def __init__(self, settings: HttpSettings, *, concurrency: int = 64, per_host: int = 8) -> None:
        self.settings = settings
        self._global = asyncio.Semaphore(max(1, concurrency))
        self._per_host_limit = max(1, per_host)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._resolved: dict[str, list[str]] = {}
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(
                connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout, pool=None
            ),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate, br"},
            trust_env=False,
            transport=Http11Transport(self._per_host_limit),
            # The bundled demo is served from package data, never the network.
            mounts={DEMO_ORIGIN: DemoTransport()},
            event_hooks={"response": [_hide_location]},
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self._per_host_limit)
        return sem

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
        linked_from: FetchResult | None = None,
    ) -> FetchResult:
        """GET `url`, following redirects; raises FetchError with a readable reason.

        Without `linked_from`, `url` is one the user chose (a feed): it is
        fetched wherever it is, and the kind of network its server is on
        becomes the result's `network`. A URL a server chose (an item's link,
        any redirect) may only reach a local address on that same kind of
        network (see [http] private_addresses): pass the feed's result as
        `linked_from` for an item's link.
        """
        try:
            return await self._get(url, etag, last_modified, accept, linked_from)
        except TimeoutError as exc:
            raise FetchError(
                f"timed out after {self.settings.total_timeout:g} s", kind="timeout"
            ) from exc

    async def _get(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        accept: str,
        linked_from: FetchResult | None,
    ) -> FetchResult:
        assert self._client is not None, "use Fetcher as an async context manager"
        headers = {"Accept": accept}
        # Checked again here, not only when stored: a value an older version
        # stored unchecked would fail every request of its feed, for good.
        etag, last_modified = sendable_validator(etag), sendable_validator(last_modified)
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        # In its stored form (urls.check_url): a subscription an older version
        # stored as `HTTP://EXAMPLE.ORG/f` is not "moved" by being written so.
        first = current = check_url(url)
        seen = {current}
        permanent = True
        network = linked_from.network if linked_from is not None else None
        # The total deadline starts once the first request holds its slots:
        # time queued behind other requests to the host is not the server's
        # (200 feeds on one host answering in 3 s each: 48 failed "timed out
        # after 60 s", 40 of them never asked). Every wait in the queue is still
        # bounded: each request ahead holds its slot at most this long.
        deadline: float | None = None
        for hop in range(self.settings.max_redirects + 1):
            guarded = hop > 0 or linked_from is not None
            if guarded:
                async with asyncio.timeout_at(deadline):
                    await self.refuse_local_target(current, network, redirected=hop > 0)
            # The host's slot first: a request queued behind its host's limit
            # must not hold one of the global slots, or other hosts' requests
            # wait for nothing (bench/refresh_bench.py's 300 feeds on 30 hosts
            # took ~4.6 rounds of the servers' latency instead of 3).
            async with self._host_limit(current), self._global:
                if deadline is None:
                    deadline = asyncio.get_running_loop().time() + self.settings.total_timeout
                async with asyncio.timeout_at(deadline):
                    status, response_headers, content, peer = await self._request(current, headers)
            if guarded:
                # The address actually connected to: a name that resolved to a
                # public address a moment ago may answer with a local one now.
                self._refuse_local_peer(current, peer, network, redirected=hop > 0)
            else:
                network = address_kind(peer) if peer else None
            if status in REDIRECT_STATUSES and "location" in response_headers:
                try:
                    target = check_url(urljoin(current, response_headers["location"]))
                except ValueError as exc:  # urljoin of "http://[::1"
                    raise FetchError(
                        f"redirected to a forbidden URL: invalid URL: {exc}", kind="redirect"
                    ) from exc
                except FetchError as exc:
                    raise FetchError(
                        f"redirected to a forbidden URL: {exc.reason}", kind="redirect"
                    ) from exc
                if target in seen:
                    raise FetchError(f"redirect loop at {target}", kind="redirect")
                seen.add(target)
                permanent = permanent and status in (301, 308)
                current = target
                continue
            return self._result(
                first, current, status, response_headers, content, permanent, network
            )
        raise FetchError(
            f"too many redirects (more than {self.settings.max_redirects})", kind="redirect"
        )

    def _local_allowed(self, kind: str | None, network: str | None) -> bool:
        mode = self.settings.private_addresses
        return kind is None or mode == "always" or (mode == "feed-network" and kind == network)

    async def refuse_local_target(self, url: str, network: str | None, *, redirected: bool) -> None:
        """FetchError if `url`'s host resolves to a local address this fetch may not reach."""
        if self.settings.private_addresses == "always":
            return
        host = urlsplit(url).hostname or ""
        if urlsplit(DEMO_ORIGIN).hostname == host:
            return  # the bundled demo never leaves the process
        for address in await self._addresses(host):
            kind = address_kind(address)
            if not self._local_allowed(kind, network):
                raise _local_refused(host, address, kind, redirected)

    async def _addresses(self, host: str) -> list[str]:
        """The IP addresses `host` resolves to, looked up once per Fetcher: a
        feed's pages are mostly on one host, and the address each connection
        really reached is checked again after the request anyway."""
        try:
            return [str(ipaddress.ip_address(host))]  # a literal: nothing to look up
        except ValueError:
            pass
        if host not in self._resolved:
            try:
                # Before the first request's deadline starts: a resolver that
                # never answers would hold the page for ever.
                async with asyncio.timeout(self.settings.connect_timeout):
                    infos = await asyncio.get_running_loop().getaddrinfo(
                        host, None, type=socket.SOCK_STREAM
                    )
            except TimeoutError as exc:
                raise FetchError(
                    f"cannot find the host {host} (DNS lookup timed out)", kind="network"
                ) from exc
            except (OSError, UnicodeError) as exc:
                raise FetchError(
                    f"cannot find the host {host} (DNS lookup failed)", kind="network"
                ) from exc
            self._resolved[host] = sorted({str(info[4][0]) for info in infos})
        return self._resolved[host]

    def _refuse_local_peer(
        self, url: str, peer: str | None, network: str | None, *, redirected: bool
    ) -> None:
        kind = address_kind(peer) if peer else None
        if not self._local_allowed(kind, network):
            assert peer is not None
            raise _local_refused(urlsplit(url).hostname or "", peer, kind, redirected)

    def _result(
        self,
        original: str,
        final: str,
        status: int,
        headers: Mapping[str, str],
        content: bytes,
        permanent: bool,
        network: str | None,
    ) -> FetchResult:
        if status == 304:
            pass
        elif status >= 400 or status < 200:
            retry_after = None
            if status in (429, 503):
                retry_after = parse_retry_after(headers.get("retry-after"))
            raise FetchError(
                f"HTTP {status} {_reason_phrase(status)}".strip(),
                kind="http",
                status=status,
                retry_after=retry_after,
            )
        elif status in REDIRECT_STATUSES:
            raise FetchError(f"HTTP {status} redirect without a Location", kind="redirect")
        return FetchResult(
            url=final,
            status=status,
            content=content,
            headers=headers,
            etag=sendable_validator(headers.get("etag")),
            last_modified=sendable_validator(headers.get("last-modified")),
            permanent_url=final if permanent and final != original else None,
            network=network,
        )

    async def _request(
        self, url: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes, str | None]:
        """Status, headers, body and the IP address of the server that answered."""
        assert self._client is not None
        cap = self.settings.max_response_bytes
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                # Header values are stored (ETag, a Location become the feed's
                # URL) and quoted in messages (Content-Type): no controls.
                response_headers = {
                    k.lower(): strip_controls(v) for k, v in response.headers.items()
                }
                if _HIDDEN_LOCATION in response_headers:
                    response_headers["location"] = response_headers.pop(_HIDDEN_LOCATION)
                status = response.status_code
                peer = _peer_address(response)
                if status == 304:
                    # Never a body (RFC 9112 6.3): the transport has ended the
                    # message and handed its connection back already.
                    return status, response_headers, b"", peer
                if status in REDIRECT_STATUSES or status >= 400:
                    # The body of these is never used. Read a small one anyway so
                    # the connection goes back to the pool; a large one is dropped
                    # with its connection.
                    await _discard_body(response, response_headers)
                    return status, response_headers, b"", peer
                declared = response_headers.get("content-length", "")
                if declared.isdigit() and int(declared) > cap:
                    raise _too_large(cap)
                decoder = _decoder_for(response_headers.get("content-encoding", ""))
                body = await _read_capped(response.aiter_raw(), decoder, cap)
                return status, response_headers, body, peer
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out ({type(exc).__name__})", kind="timeout") from exc
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(f"unsupported protocol: {exc}", kind="scheme") from exc
        except httpx.InvalidURL as exc:  # not an httpx.HTTPError
            raise FetchError(f"invalid URL: {exc}", kind="scheme") from exc
        except (httpx.HTTPError, OSError) as exc:
            raise FetchError(_network_reason(exc, url), kind="network") from exc
        except zlib.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}", kind="encoding") from exc


# httpx parses a redirect's Location even with follow_redirects=False, and raises
# InvalidURL (not an HTTPError) for one such as "javascript:alert(1)", so the
# header is renamed before httpx sees it: redirects are followed by hand here.
_HIDDEN_LOCATION = "x-reader-location"
_DISCARD_LIMIT = 64 * 1024


async def _hide_location(response: httpx.Response) -> None:
    location = response.headers.get("location")
    if location is not None:
        del response.headers["location"]
        response.headers[_HIDDEN_LOCATION] = location


def _peer_address(response: httpx.Response) -> str | None:
    """The IP address the response came from (None for the in-process demo)."""
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    address = stream.get_extra_info("server_addr")
    return str(address[0]) if address else None


def _local_refused(host: str, address: str, kind: str | None, redirected: bool) -> FetchError:
    where = host if host == address else f"{host} ({address})"
    reason = (
        f"{where} is a {kind} address, refused for a link or a redirect from a feed"
        " (see [http] private_addresses)"
    )
    if redirected:
        reason = f"redirected to a forbidden URL: {reason}"
    return FetchError(reason, kind="address")


async def _discard_body(response: httpx.Response, headers: Mapping[str, str]) -> None:
    """Read and drop a small body (at most 64 KiB, 1 s); never raises for it."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _DISCARD_LIMIT:
        return
    read = 0
    try:
        async with asyncio.timeout(1.0):
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read > _DISCARD_LIMIT:
                    return
    except (TimeoutError, httpx.HTTPError):
        return


async def _read_capped(chunks: AsyncIterator[bytes], decoder: _Decoder, cap: int) -> bytes:
    parts: list[bytes] = []
    size = received = 0
    async for chunk in chunks:
        # The bytes received are capped too, not only what they decode to:
        # gzip members that decode to nothing, one after another, would be
        # read until the deadline. Compression makes no body larger but by a
        # few bytes in ten thousand (incompressible data in stored blocks).
        received += len(chunk)
        if received > cap:
            raise _too_large(cap)
        data = decoder.feed(chunk, cap - size)
        size += len(data)
        if size > cap:
            raise _too_large(cap)
        parts.append(data)
        if decoder.ended:
            break
    if size and not decoder.complete():
        raise FetchError("truncated compressed body", kind="encoding")
    return b"".join(parts)


def _too_large(cap: int) -> FetchError:
    return FetchError(f"response larger than the {cap:,} byte limit", kind="too_large")


def _network_reason(exc: BaseException, url: str) -> str:
    """A sentence a user can act on, rather than the socket library's words."""
    message = str(exc) or type(exc).__name__
    where = urlsplit(url).netloc
    lowered = message.lower()
    if isinstance(exc, httpx.ConnectError):
        if "name or service not known" in lowered or "nodename nor servname" in lowered:
            return f"cannot find the host {urlsplit(url).hostname} (DNS lookup failed)"
        if "all connection attempts failed" in lowered or "refused" in lowered:
            return f"cannot connect to {where} (connection refused or unreachable)"
        if "certificate" in lowered or "ssl" in lowered:
            return f"TLS error with {where}: {message}"
        return f"cannot connect to {where}: {message}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"{where} broke the HTTP exchange: {message}"
    return f"network error with {where}: {message}"


def _reason_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
