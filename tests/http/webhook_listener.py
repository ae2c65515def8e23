#!/usr/bin/env python3
"""A webhook receiver for the HTTP scenarios: records every request and
answers with scripted statuses.

usage: webhook_listener.py PORTFILE LOGFILE [STATUS,STATUS,...]

Listens on 127.0.0.1 on a free port and writes the port to PORTFILE.  Each
POST is appended to LOGFILE as one JSON line {"path", "headers", "body",
"status"}, then answered with the next scripted status (200 once the script
is used up).
"""
import http.server
import json
import os
import sys
import threading

port_file, log_file = sys.argv[1], sys.argv[2]
script = [int(s) for s in sys.argv[3].split(",")] if len(sys.argv) > 3 and sys.argv[3] else []
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8", "replace")
        with lock:
            status = script.pop(0) if script else 200
            with open(log_file, "a", encoding="utf-8") as f:
                f.write(json.dumps({"path": self.path, "headers": dict(self.headers.items()),
                                    "body": body, "status": status}) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(port_file + ".tmp", port_file)
server.serve_forever()
