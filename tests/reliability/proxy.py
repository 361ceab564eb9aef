"""A TCP proxy on 127.0.0.1 between the app and PostgreSQL that can pass, cut, refuse and
black-hole traffic: a frozen or lost server, without stopping the shared test server.

- pass: bytes flow both ways.
- black_hole: connections stay open and accepted, every byte is swallowed (a frozen server, a
  network that drops packets while the local kernel still acknowledges).
- cut: every open connection is reset now (a server restart, a cable pulled); new ones pass.
- refuse: new connections are closed at once (a server that is down).
"""

from __future__ import annotations

import select
import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.mode = "pass"
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._closed = False
        # Closing a listening socket does not wake a thread blocked in accept() on Linux: the
        # accept loop wakes up every so often to see whether it should stop.
        self._listener.settimeout(0.1)
        self._threads = [threading.Thread(target=self._accept, name="proxy-accept", daemon=True)]
        self._threads[0].start()

    # --- control -------------------------------------------------------------------------------

    def black_hole(self) -> None:
        self.mode = "black_hole"

    def restore(self) -> None:
        self.mode = "pass"

    def refuse(self) -> None:
        self.mode = "refuse"
        self.cut()

    def cut(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                _close(sock, reset=True)

    def close(self) -> None:
        """Stop accepting, reset every connection, and wait for the proxy's threads to end."""
        self._closed = True
        self.cut()
        for thread in self._threads:
            thread.join()
        _close(self._listener)
        self.cut()  # a connection accepted while closing

    # --- plumbing ------------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.setblocking(True)  # accepted sockets inherit the listener's timeout
            if self.mode == "refuse":
                _close(client, reset=True)
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client, reset=True)
                continue
            with self._lock:
                self._pairs.append((client, server))
            pump = threading.Thread(
                target=self._pump, args=(client, server), name="proxy-pump", daemon=True
            )
            self._threads.append(pump)
            pump.start()

    def _pump(self, client: socket.socket, server: socket.socket) -> None:
        peers = {client: server, server: client}
        try:
            while True:
                readable, _, _ = select.select(list(peers), [], [], 0.2)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if self.mode == "pass":
                        peers[sock].sendall(data)
                    # black_hole: read and drop, so the sender never sees back-pressure
        except (OSError, ValueError):
            return
        finally:
            _close(client)
            _close(server)


def _close(sock: socket.socket, reset: bool = False) -> None:
    try:
        if reset:  # RST instead of FIN: the peer sees "connection reset", as after a crash
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
        sock.close()
    except OSError:
        pass
