"""A stand-in for Brevo's API on the loopback, answering as Brevo documents.

    with BrevoStub() as brevo:
        brevo.script(SERVER_ERROR, SERVER_ERROR, accepted(42))  # 5xx twice, then 201
        settings.SMS_API_URL = brevo.url
        ...
        brevo.requests[0].json["recipient"]

Each request takes the next scripted answer; once none is left, it is accepted with a
new messageId. Every request is recorded (method, path, headers, JSON body). A slow
answer waits before answering, but no longer than the stub lives.

Brevo's answers: 201 {"messageId": …} when accepted; an error is {"code": …,
"message": …}: 400 bad request, 401 key, 402 not enough credit, 403 permission
denied, 429 rate limit (x-sib-ratelimit-reset: seconds); 5xx its own failures.
"""

import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict | str | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict  # names in lower case
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


def accepted(message_id=1511882900176220) -> Answer:
    return Answer(201, {"messageId": message_id})


INVALID_NUMBER = Answer(400, {"code": "invalid_parameter", "message": "Invalid phone number"})
INVALID_SENDER = Answer(400, {"code": "invalid_parameter", "message": "sender is invalid"})
BAD_REQUEST = Answer(400, {"code": "bad_request", "message": "content is not valid"})
KEY_REFUSED = Answer(401, {"code": "unauthorized", "message": "Key not found"})
NO_CREDIT = Answer(402, {"code": "not_enough_credits", "message": "Not enough credits"})
PERMISSION_DENIED = Answer(403, {"code": "permission_denied", "message": "Permission denied"})
RATE_LIMITED = Answer(
    429,
    {"code": "too_many_requests", "message": "Too many requests"},
    headers={"x-sib-ratelimit-reset": "12"},
)
SERVER_ERROR = Answer(500, {"code": "internal_error", "message": "Internal server error"})
UNAVAILABLE = Answer(503, "<html><body>Service Unavailable</body></html>")


def slow(seconds: float, answer: Answer | None = None) -> Answer:
    answer = answer or accepted()
    return Answer(answer.status, answer.body, answer.headers, delay=seconds)


class BrevoStub:
    def __init__(self):
        self.requests: list[Request] = []
        self.answered: list[tuple[Request, int]] = []  # each request with its answer's status
        self._answers: deque[Answer] = deque()
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, *answers: Answer) -> None:
        with self._lock:
            self._answers.extend(answers)

    def start(self) -> "BrevoStub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes up the slow answers
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "BrevoStub":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _next_answer(self) -> Answer:
        with self._lock:
            if self._answers:
                return self._answers.popleft()
        return accepted(next(self._ids))

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    self.command,
                    self.path,
                    {name.lower(): value for name, value in self.headers.items()},
                    self.rfile.read(length),
                )
                stub.requests.append(request)
                answer = stub._next_answer()
                with stub._lock:
                    stub.answered.append((request, answer.status))
                if answer.delay and stub._stopping.wait(answer.delay):
                    return  # the stub stops: no answer
                if isinstance(answer.body, dict):
                    payload, kind = json.dumps(answer.body).encode(), "application/json"
                else:
                    payload, kind = (answer.body or "").encode(), "text/html"
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (its read timeout)

            def log_message(self, format, *args):
                pass

        return Handler
