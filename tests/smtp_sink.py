"""A real SMTP server on loopback for the mail tests: Debian's aiosmtpd, keeping every message
it receives, parsed by Python's own email package (an independent decoder of our MIME and
RFC 2047 headers).

As a module: `with SmtpSink() as sink: ... sink.messages` (or `sink.start()` and `sink.stop()`);
stop and start again on the same port to play a relay that is down for a while. As a program (for the C++
tests): `smtp_sink.py DIR SECONDS` writes DIR/port, then each message as DIR/N.json.
"""
import email
import email.header
import email.policy
import json
import os
import sys
import threading
import time

from aiosmtpd.controller import Controller

from loopback import free_port


def decoded(raw):
    """What a mail program shows of a message: its envelope-free headers decoded, and its parts."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        parts.append({"type": part.get_content_type(), "charset": part.get_content_charset(),
                      "encoding": part.get("Content-Transfer-Encoding", ""), "content": part.get_content()})
    return {
        "headers": {k: str(v) for k, v in message.items()},
        "header_names": [k for k, _ in message.items()],
        "content_type": message.get_content_type(),
        "parts": parts,
        "raw": raw.decode("utf-8", "replace"),
    }


class SmtpSink:
    """Accepts every message for every recipient; `delay` seconds held in DATA before answering."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.messages = []
        self.lock = threading.Lock()
        self.delay = 0
        self.arrived = threading.Event()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)
        m = decoded(envelope.original_content or envelope.content)
        m["mail_from"], m["rcpt_tos"] = envelope.mail_from, list(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(m)
        self.arrived.set()
        return "250 Message accepted for delivery"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def relay_options(self):
        """The options of `crimemap serve` (and of the commands that mail) that send through this sink."""
        return ["--smtp-url", "smtp://127.0.0.1:%d" % self.port, "--mail-from", "crimemap@example.org"]

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *_):
        self.stop()

    def wait_for(self, count, seconds=30, to=None):
        """The messages (to `to`, when given) once there are at least `count`, or what came by the deadline."""
        deadline = time.time() + seconds
        while True:
            with self.lock:
                got = [m for m in self.messages if to is None or to in m["rcpt_tos"]]
            if len(got) >= count or time.time() > deadline:
                return got
            time.sleep(0.1)


if __name__ == "__main__":
    # smtp_sink.py DIR SECONDS: writes DIR/port, then each message as DIR/N.json, until DIR/stop
    # appears or SECONDS have passed.
    folder, seconds = sys.argv[1], float(sys.argv[2])
    sink = SmtpSink()
    original = sink.handle_DATA

    async def handle_DATA(server, session, envelope):
        answer = await original(server, session, envelope)
        path = os.path.join(folder, "%d.json" % len(sink.messages))
        with open(path + ".part", "w") as out:
            json.dump(sink.messages[-1], out)
        os.rename(path + ".part", path)
        return answer

    sink.handle_DATA = handle_DATA
    sink.start()
    with open(os.path.join(folder, "port.part"), "w") as out:
        out.write(str(sink.port))
    os.rename(os.path.join(folder, "port.part"), os.path.join(folder, "port"))
    deadline = time.time() + seconds
    while time.time() < deadline and not os.path.exists(os.path.join(folder, "stop")):
        time.sleep(0.1)
    sink.stop()
