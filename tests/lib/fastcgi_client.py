"""A minimal FastCGI client for what cgi-fcgi cannot do: IPv6 addresses, and connections kept
open between requests (FCGI_KEEP_CONN, as nginx's `fastcgi_keep_conn on` sends)."""

import socket
import struct

BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6
RESPONDER, KEEP_CONN = 1, 1


def record(kind, content=b"", request_id=1):
    """Return one FastCGI record of kind with content."""
    return struct.pack("!BBHHBx", 1, kind, request_id, len(content), 0) + content


def pair(name, value):
    """Return a name-value pair as FastCGI encodes it (both shorter than 128 bytes)."""
    name, value = name.encode(), value.encode()
    return bytes([len(name), len(value)]) + name + value


def request_bytes(params, body=b"", keep=False):
    """Return the records of one responder request with params and body."""
    begin = struct.pack("!HB5x", RESPONDER, KEEP_CONN if keep else 0)
    encoded = b"".join(pair(name, value) for name, value in params.items())
    stdin = record(STDIN, body) if body else b""
    return record(BEGIN_REQUEST, begin) + record(PARAMS, encoded) + record(PARAMS) + stdin + record(STDIN)


def read_response(connection):
    """Read records until END_REQUEST; return the stdout bytes, or None when the server closed
    the connection first."""
    data, out = b"", b""
    while True:
        while len(data) >= 8:
            _, kind, _, length, padding = struct.unpack("!BBHHB", data[:7])
            if len(data) < 8 + length + padding:
                break
            if kind == STDOUT:
                out += data[8:8 + length]
            data = data[8 + length + padding:]
            if kind == END_REQUEST:
                return out
        chunk = connection.recv(65536)
        if not chunk:
            return None
        data += chunk


class KeptConnection:
    """One FastCGI connection to a unix or TCP address that stays open between requests."""

    def __init__(self, address, timeout=10):
        family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET6
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.settimeout(timeout)
        self.socket.connect(address)

    def request(self, params, body=b""):
        """Send one request keeping the connection; return its stdout, or None when the server
        had closed the connection."""
        try:
            self.socket.sendall(request_bytes(params, body, keep=True))
        except (BrokenPipeError, ConnectionResetError):
            return None
        try:
            return read_response(self.socket)
        except ConnectionResetError:
            return None

    def close(self):
        self.socket.close()


def fastcgi_once(address, params, timeout=10):
    """Send one request on a connection of its own (not kept); return its stdout."""
    connection = KeptConnection(address, timeout)
    try:
        connection.socket.sendall(request_bytes(params))
        return read_response(connection.socket) or b""
    finally:
        connection.close()
