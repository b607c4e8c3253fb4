"""Starting the loopback SMTP sink (smtp_sink.py) for a test, stopping it by PID, and
reading back what it received with Python's email package."""
import email
import email.policy
import mailbox
import os
import select
import socket
import subprocess

import cli_support  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Sink:
    def __init__(self, directory, *options):
        self.maildir = os.path.join(directory, "maildir-%d" % free_port())
        mailbox.Maildir(self.maildir, create=True)
        self.port = free_port()
        self.proc = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "smtp_sink.py"), "--port",
                                      str(self.port), "--maildir", self.maildir] + list(options),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        if not ready or self.proc.stdout.readline().strip() != b"ready":
            self.proc.kill()
            raise AssertionError("SMTP sink did not start: %r" % self.proc.stderr.read())
        self.url = "smtp://127.0.0.1:%d" % self.port

    def stop(self):
        cli_support.terminate(self.proc)
        self.proc.stdout.close()
        self.proc.stderr.close()

    def raw_messages(self):
        box = mailbox.Maildir(self.maildir, factory=None, create=False)
        return [box.get_bytes(k) for k in box.keys()]

    def messages(self):
        return [email.message_from_bytes(raw, policy=email.policy.default) for raw in self.raw_messages()]


def recipient(raw):
    """The envelope recipient the sink recorded."""
    first = raw.split(b"\r\n", 1)[0]
    assert first.startswith(b"X-Sink-Rcpt: "), first
    return first[len(b"X-Sink-Rcpt: "):].decode("ascii")
