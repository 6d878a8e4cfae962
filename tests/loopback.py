"""A real HTTP server on a loopback address, for tests and benchmarks.

Routes map a path to a `Route` (or a function of the request returning one).
It speaks HTTP/1.1 with keep-alive, answers conditional GETs with 304, can add
latency, drip a body byte by byte, compress, and records every request so a
test can assert what the client sent (If-None-Match, User-Agent, reuse of
connections).

Nagle's algorithm is disabled on the handler: http.server writes headers and
body separately, and with Nagle every response stalls ~45 ms on loopback.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before answering
    drip: float | None = None  # seconds between single body bytes
    compress: str | None = None  # "gzip": compress the body; "raw": body already encoded
    content_encoding: str | None = None  # header to send with compress="raw"
    chunked: bool = False  # Transfer-Encoding: chunked, so no Content-Length is sent


@dataclass(frozen=True)
class Request:
    path: str
    headers: Mapping[str, str]
    client: tuple[str, int]


Handler = Route | Callable[[Request], Route]


class LoopbackServer:
    def __init__(self, host: str = "127.0.0.1", *, latency: float = 0.0) -> None:
        self.host = host
        self.latency = latency
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server._handle(self)

            def do_HEAD(self) -> None:
                server._handle(self, head=True)

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                # A client that hangs up (a timeout, a size cap) is expected here.
                import sys

                if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
                    super().handle_error(request, client_address)

        self._httpd = _Server((host, 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def add(self, path: str, handler: Handler | None = None, **route: Any) -> str:
        """Serve `path`; returns its full URL."""
        self.routes[path] = handler if handler is not None else Route(**route)
        return self.url(path)

    def hits(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> LoopbackServer:
        # A short poll interval: stop() waits up to one interval for the loop.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        # shutdown() waits for serve_forever to end: for ever if it never ran.
        # server_close() waits for no handler: they are daemon threads.
        if self._thread is not None:
            self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, h: BaseHTTPRequestHandler, *, head: bool = False) -> None:
        request = Request(
            path=h.path,
            headers={k.lower(): v for k, v in h.headers.items()},
            client=(h.client_address[0], h.client_address[1]),
        )
        with self._lock:
            self.requests.append(request)
        handler = self.routes.get(h.path.split("?")[0]) or self.routes.get(h.path)
        route = handler(request) if callable(handler) else handler
        if self.latency:
            time.sleep(self.latency)
        if route is None:
            route = Route(b"not found", status=404, content_type="text/plain")
        if route.delay:
            time.sleep(route.delay)
        try:
            self._respond(h, request, route, head)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            h.close_connection = True

    @staticmethod
    def _respond(h: BaseHTTPRequestHandler, request: Request, route: Route, head: bool) -> None:
        not_modified = (
            route.etag is not None and request.headers.get("if-none-match") == route.etag
        ) or (
            route.last_modified is not None
            and request.headers.get("if-modified-since") == route.last_modified
        )
        status = 304 if not_modified and route.status == 200 else route.status
        body = b"" if status == 304 else route.body
        encoding = None
        if route.compress == "gzip" and body:
            body = gzip.compress(body)
            encoding = "gzip"
        elif route.compress == "raw":
            encoding = route.content_encoding
        h.send_response(status)
        if route.content_type and status != 304:
            h.send_header("Content-Type", route.content_type)
        if encoding:
            h.send_header("Content-Encoding", encoding)
        if route.etag:
            h.send_header("ETag", route.etag)
        if route.last_modified:
            h.send_header("Last-Modified", route.last_modified)
        for name, value in route.headers.items():
            h.send_header(name, value)
        if route.chunked and status != 304:
            h.send_header("Transfer-Encoding", "chunked")
        else:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if route.chunked and status != 304 and not head:
            step = 1 if route.drip is not None else 65536
            for i in range(0, len(body), step):
                piece = body[i : i + step]
                h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                h.wfile.flush()
                if route.drip is not None:
                    time.sleep(route.drip)
            h.wfile.write(b"0\r\n\r\n")
            return
        if head or not body:
            return
        if route.drip is None:
            h.wfile.write(body)
            return
        for i in range(len(body)):
            h.wfile.write(body[i : i + 1])
            h.wfile.flush()
            time.sleep(route.drip)


def rss(items: list[dict[str, str]], *, title: str = "Test feed", link: str = "") -> bytes:
    """A small RSS 2.0 document; item keys: title, link, guid, description, pubDate."""
    from xml.sax.saxutils import escape

    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>{escape(link)}</link>",
        "<description>test</description>",
    ]
    for item in items:
        parts.append("<item>")
        for key in ("title", "link", "guid", "description", "pubDate", "author"):
            if key in item:
                parts.append(f"<{key}>{escape(item[key])}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


def article_page(title: str, paragraphs: list[str]) -> bytes:
    """An article page with navigation and a footer around the body."""
    from html import escape

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head>"
        f"<title>{escape(title)}</title>"
        f'<meta property="og:title" content="{escape(title)}">'
        '<meta name="author" content="Ada Example">'
        "</head><body>"
        '<nav><a href="/">Home</a> <a href="/about">About</a> <a href="/tags">Tags</a></nav>'
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Copyright Example Media. All rights reserved.</footer>"
        "</body></html>"
    ).encode()
