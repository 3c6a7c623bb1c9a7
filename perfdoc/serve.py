"""`perfdoc serve`: build, serve build/ on 127.0.0.1, rebuild on every save and reload the open page.

The live-reload script is added to HTML as it is served, never written into build/: the files on disk stay
byte-identical to those of `perfdoc build`. Errors of the last build show on every page, not only in the
terminal.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .config import CONFIG_FILE, Config
from .diagnostics import PerfdocError, Severity

HOST = "127.0.0.1"  # never another interface: drafts of budget documents stay on this machine
EVENTS = "/__perfdoc/events"
STATUS = "/__perfdoc/status"

LIVE_SCRIPT = """<div id="perfdoc-live" hidden style="position:fixed;left:0;right:0;bottom:0;max-height:40vh;
overflow:auto;background:#fdecea;border-top:3px solid #c62828;padding:8px 16px;font:14px sans-serif;z-index:99999">
</div>
<script>
(function () {
  "use strict";
  var shown = null;
  function show(status) {
    var box = document.getElementById("perfdoc-live");
    var lines = status.problems || [];
    box.hidden = lines.length === 0;
    box.textContent = "";
    if (!lines.length) return;
    var title = document.createElement("strong");
    title.textContent = "perfdoc：上次生成有 " + lines.length + " 个错误（修正并保存后自动刷新）";
    box.appendChild(title);
    var list = document.createElement("ul");
    lines.forEach(function (line) {
      var li = document.createElement("li");
      li.textContent = line;
      list.appendChild(li);
    });
    box.appendChild(list);
  }
  function poll() {
    fetch("/__perfdoc/status").then(function (r) { return r.json(); }).then(function (s) {
      if (shown !== null && s.version !== shown) { location.reload(); return; }
      shown = s.version; show(s);
    }).catch(function () {});
  }
  poll();
  var source = new EventSource("/__perfdoc/events");
  source.onmessage = poll;
})();
</script>
"""


class Site:
    """The build state the server shows: a version that changes with every rebuild, and its errors."""

    def __init__(self, rebuild: Callable[[], list[str]]):
        self._rebuild = rebuild
        self.version = 0
        self.problems: list[str] = []
        self.changed = threading.Condition()

    def rebuild(self) -> float:
        start = time.perf_counter()
        try:
            problems = self._rebuild()
        except PerfdocError as exc:
            problems = [str(exc)]
        except Exception as exc:  # the watcher must outlive any failure, or the preview goes stale for good
            problems = [f"perfdoc 内部错误：{type(exc).__name__}: {exc}（请报告给 perfdoc 维护者）"]
        with self.changed:
            self.problems = problems
            self.version += 1
            self.changed.notify_all()
        return time.perf_counter() - start

    def status(self) -> dict[str, Any]:
        return {"version": self.version, "problems": self.problems}


def make_handler(root: Path, site: Site, port: Callable[[], int]) -> type[http.server.SimpleHTTPRequestHandler]:
    root = root.resolve()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the terminal shows builds, not every request

        def do_GET(self) -> None:
            self._handle(head=False)

        def do_HEAD(self) -> None:
            self._handle(head=True)

        def _handle(self, head: bool) -> None:
            if not self._host_allowed():
                # A page of another site that rebinds its name to 127.0.0.1 sends its own Host: refused.
                self._send(403, "text/plain; charset=utf-8", "只接受 127.0.0.1 或 localhost 的访问".encode(), head)
                return
            try:
                self._route(urlsplit(self.path).path, head)
            except OSError:  # a name too long for the file system, a folder that vanished mid-rebuild
                self._send(404, "text/plain; charset=utf-8", "此页面不存在".encode(), head)

        def _host_allowed(self) -> bool:
            host = (self.headers.get("Host") or "").strip().lower()
            allowed = {HOST, "localhost"}
            return host in allowed or host in {f"{h}:{port()}" for h in allowed}

        def _route(self, path: str, head: bool) -> None:
            if path == STATUS:
                body = json.dumps(site.status(), ensure_ascii=False).encode()
                self._send(200, "application/json", body, head)
            elif path == EVENTS and not head:
                self._events()
            elif not self._inside(path):
                self._send(404, "text/plain; charset=utf-8", "只提供 build/ 中的文件".encode(), head)
            elif path.endswith("/") and not (root / unquote(path).lstrip("/") / "index.html").is_file():
                self._send(404, "text/html; charset=utf-8", self._with_script(b"<p>build/ is empty</p>"), head)
            else:
                target = root / unquote(path).lstrip("/")
                if target.is_dir():
                    target = target / "index.html"
                if target.suffix == ".html" and target.is_file():
                    self._send(200, "text/html; charset=utf-8", self._with_script(target.read_bytes()), head)
                elif target.is_file():
                    if head:
                        super().do_HEAD()
                    else:
                        super().do_GET()
                else:
                    missing = "<h1>404</h1><p>此页面不存在：该表可能有错误而未生成，见下方错误列表。</p>"
                    self._send(404, "text/html; charset=utf-8", self._with_script(missing.encode()), head)

        def _inside(self, path: str) -> bool:
            """Only perfdoc's outputs under build/, after decoding %2e%2e and following symbolic links; never
            a hidden file (the build cache, staged temporary files)."""
            rel = unquote(path).lstrip("/")
            if any(part.startswith(".") for part in rel.split("/") if part):
                return False
            try:
                target = (root / rel).resolve()
            except (OSError, ValueError):
                return False
            return target == root or root in target.parents

        def _with_script(self, html: bytes) -> bytes:
            script = LIVE_SCRIPT.encode()
            at = html.rfind(b"</body>")
            return html[:at] + script + html[at:] if at >= 0 else html + script

        def _send(self, code: int, content_type: str, body: bytes, head: bool = False) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = site.version
            try:
                while True:
                    with site.changed:
                        site.changed.wait(timeout=15)
                        version = site.version
                    if version != seen:
                        seen = version
                        self.wfile.write(f"data: {version}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

    return Handler


def serve(
    config: Config,
    paths: list[Path],
    out: Path,
    port: int,
    formats: tuple[str, ...],
    echo: Callable[[str], None],
    config_path: Path | None = None,
) -> None:
    from watchfiles import watch

    from .build import build
    from .config import load_config

    current = {"config": config}

    def rebuild() -> list[str]:
        # perfdoc.toml is read again at every rebuild: an edit takes effect, an invalid one is shown (and the
        # last good configuration stays in use) instead of being accepted silently.
        try:
            current["config"] = load_config(start=config.root, explicit=config_path)
        except PerfdocError as exc:
            return [f"配置文件有误，仍使用上次的配置：{exc}"]
        result = build(paths, current["config"], formats, out, draft=True)
        problems = [d.format() for digest in result.digests for d in digest.diagnostics if d.severity == Severity.ERROR]
        problems += result.notes
        return problems

    site = Site(rebuild)
    took = site.rebuild()
    echo(f"已生成（{took:.2f} 秒）{'；' + str(len(site.problems)) + ' 个错误' if site.problems else ''}")
    bound_port = {"port": port}
    server = http.server.ThreadingHTTPServer((HOST, port), make_handler(out, site, lambda: bound_port["port"]))
    server.daemon_threads = True
    bound = int(server.server_address[1])
    bound_port["port"] = bound
    echo(f"perfdoc serve：http://{HOST}:{bound}/  （Ctrl+C 停止）")

    stop = threading.Event()
    watched = [p for p in {*(p.resolve() for p in paths), (config.root / config.templates_dir).resolve()} if p.exists()]
    config_file = config.root / CONFIG_FILE
    if config_file.is_file():
        watched.append(config_file.resolve())
    out_resolved = out.resolve()

    def watcher() -> None:
        while not stop.is_set():
            try:
                for changes in watch(
                    *watched, stop_event=stop, debounce=200, step=50, rust_timeout=500, yield_on_timeout=False
                ):
                    relevant = [p for _, p in changes if out_resolved not in Path(p).resolve().parents]
                    if not relevant or stop.is_set():
                        continue
                    took = site.rebuild()
                    names = "、".join(sorted({os.path.basename(p) for p in relevant}))
                    echo(
                        f"{names} 已改动：重新生成（{took:.2f} 秒）"
                        f"{'；' + str(len(site.problems)) + ' 个错误' if site.problems else ''}"
                    )
            except Exception as exc:  # a watched folder removed, a notify limit: say so and watch again
                echo(f"监视文件时出错：{exc}；一秒后重新开始监视")
                stop.wait(1)

    thread = threading.Thread(target=watcher, name="perfdoc-watch", daemon=True)
    thread.start()

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop.set()
        with site.changed:
            site.changed.notify_all()
        server.server_close()
        thread.join(timeout=2)
        echo("perfdoc serve 已停止")
