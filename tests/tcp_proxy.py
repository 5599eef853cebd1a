"""A small threaded TCP proxy a test can cut and restore, to simulate a database outage.

    with TcpProxy("127.0.0.1", 5432) as proxy:   # listens on 127.0.0.1:<proxy.port>
        ...                                      # the app connects to proxy.port
        proxy.stop()     # refuses new connections and breaks the open ones
        proxy.start()    # listens again on the same port

It only ever listens on the loopback interface and forwards to the one target it was
given. Every thread is a daemon and every wait is bounded, so a failing test cannot
hang on it; leaving the `with` block stops it.
"""

import contextlib
import select
import socket
import threading
import time

BUFFER_SIZE = 65536
POLL_SECONDS = 0.1
JOIN_SECONDS = 2.0


class TcpProxy:
    def __init__(
        self,
        target_host: str,
        target_port: int,
        *,
        listen_host: str = "127.0.0.1",
        port: int = 0,
        max_connections: int = 64,
        connect_timeout: float = 5.0,
    ):
        self.target = (target_host, int(target_port))
        self.listen_host = listen_host
        self.port = port  # 0 until the first start() picks a free port, then kept
        self.max_connections = max_connections
        self.connect_timeout = connect_timeout
        self.accepted = 0  # client connections accepted since creation (for diagnostics)
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._pump_threads: set[threading.Thread] = set()

    # Lifecycle -------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._listener is not None

    def start(self) -> "TcpProxy":
        if self.running:
            return self
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        deadline = time.monotonic() + 5
        while True:
            try:
                listener.bind((self.listen_host, self.port))
                break
            except OSError:
                # The same port again, just after stop(): retry briefly.
                if not self.port or time.monotonic() > deadline:
                    listener.close()
                    raise
                time.sleep(POLL_SECONDS)
        listener.listen(16)
        listener.settimeout(POLL_SECONDS)
        self.port = listener.getsockname()[1]
        self._stopping.clear()
        self._listener = listener
        self._accept_thread = threading.Thread(
            target=self._accept_loop, args=(listener,), name=f"tcp-proxy-{self.port}", daemon=True
        )
        self._accept_thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and cut every open connection, on both sides."""
        self._stopping.set()
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        if self._accept_thread is not None:
            self._accept_thread.join(JOIN_SECONDS)
            self._accept_thread = None
        with self._lock:
            pairs = list(self._pairs)
            threads = list(self._pump_threads)
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(JOIN_SECONDS)
        with self._lock:  # whatever a stuck thread left behind
            for pair in self._pairs:
                for sock in pair:
                    sock.close()
            self._pairs.clear()

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._pairs)

    def __enter__(self) -> "TcpProxy":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # Threads ---------------------------------------------------------------------

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by stop()
                return
            if self._stopping.is_set() or self.open_connections >= self.max_connections:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=self.connect_timeout)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            pair = (client, upstream)
            thread = threading.Thread(target=self._pump, args=(pair,), daemon=True)
            with self._lock:
                self.accepted += 1
                self._pairs.add(pair)
                self._pump_threads.add(thread)
            thread.start()

    def _pump(self, pair: tuple[socket.socket, socket.socket]) -> None:
        client, upstream = pair
        peer = {client: upstream, upstream: client}
        try:
            while not self._stopping.is_set():
                readable, _, _ = select.select([client, upstream], [], [], POLL_SECONDS)
                for sock in readable:
                    data = sock.recv(BUFFER_SIZE)
                    if not data:
                        return
                    peer[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            with self._lock:
                self._pairs.discard(pair)
                self._pump_threads.discard(threading.current_thread())
