"""The local cloud's own endpoints, beside moto's: GET /_vm2ami/simulator (what the ImportImage
simulator did: every task's stage history, the most tasks ever active at once) and
GET /_vm2ami/health, GET /_vm2ami/denials (every request a role was denied: principal, action,
resource), POST /_vm2ami/prepare-functions?account=A&region=R&names=N1,N2 (the function host's SnapStart
emulation: each function's first execution environment initialised and primed before any invocation)."""

import json
from urllib.parse import parse_qs

from . import iam_enforcement, lambda_bridge


PREFIX = "/_vm2ami/"


def wrap(moto_app, simulator):
    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            return moto_app(environ, start_response)
        if path == PREFIX + "health":
            return _json(start_response, {"ok": True})
        if path == PREFIX + "denials":
            return _json(start_response, {"denials": iam_enforcement.denials()})
        if path == PREFIX + "simulator":
            return _json(start_response, simulator.record())
        if path == PREFIX + "prepare-functions":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            names = [n for n in (query.get("names") or [""])[0].split(",") if n]
            return _json(start_response, {"functions": lambda_bridge.prepare(
                (query.get("account") or ["123456789012"])[0], (query.get("region") or ["us-east-1"])[0], names)})
        return _json(start_response, {"error": f"no such endpoint: {path}"}, "404 Not Found")

    return app


def _json(start_response, body, status="200 OK"):
    data = json.dumps(body).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
