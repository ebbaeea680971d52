#!/usr/bin/env python3
"""tests/e2e/ui_check.py — the MLflow UI in headless Chromium (Debian's).

Opens the UI under the server's static prefix with alice's token and
workspace sent as request headers (what the gateway's auth proxy adds in a
cluster), through the DevTools protocol, and prints TAP lines: the page
loads, no request of the page fails (network error or HTTP status >= 400),
and the rendered experiment list names the experiment the client created.
A screenshot is saved with --screenshot.

The Service name maps to the pod address (--resolve, Chromium's host
resolver rules); the server's certificate is the only one accepted besides
the system's (its public key is pinned with --ignore-certificate-errors-
spki-list, so TLS is still checked against that key).
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import websocket  # websocket-client, a dependency of the kubernetes client

N = 0


def tap(ok, name, *diag):
    global N
    N += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", N, name), flush=True)
    if not ok:
        for d in diag:
            for line in str(d).splitlines()[-15:]:
                print("#   " + line, flush=True)
    return ok


def spki_pin(host, ip, port):
    """base64(sha256(SubjectPublicKeyInfo)) of the certificate served."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection((ip, port), timeout=10) as s, ctx.wrap_socket(s, server_hostname=host) as t:
        der = t.getpeercert(binary_form=True)
    spki = subprocess.run(["openssl", "x509", "-inform", "DER", "-pubkey", "-noout"], input=der,
                          capture_output=True, check=True).stdout
    spki_der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=spki,
                              capture_output=True, check=True).stdout
    return base64.b64encode(hashlib.sha256(spki_der).digest()).decode()


class Cdp:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.seq = 0
        self.events = []

    def call(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.seq:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            self.events.append(msg)

    def pump(self, seconds):
        end = time.monotonic() + seconds
        self.ws.settimeout(0.2)
        while time.monotonic() < end:
            try:
                self.events.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                pass
        self.ws.settimeout(60)


def load(cdp, a):
    """Navigates to the experiments page; the page text, the requests by id
    and the failed ones (from about:blank, so a second load loads it all)."""
    cdp.call("Page.navigate", url="about:blank")
    cdp.pump(1)
    cdp.events = []
    cdp.call("Page.navigate", url=a.url + "/#/experiments?workspace=" + a.workspace)
    text, deadline = "", time.monotonic() + 60
    while time.monotonic() < deadline:
        cdp.pump(1)
        r = cdp.call("Runtime.evaluate", expression="document.body ? document.body.innerText : ''")
        text = r.get("result", {}).get("value", "")
        if a.expect_text in text:
            break
    cdp.pump(2)
    if a.screenshot:
        shot = cdp.call("Page.captureScreenshot", format="png")
        with open(a.screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    requests, failed = {}, []
    for ev in cdp.events:
        p = ev.get("params", {})
        if ev.get("method") == "Network.requestWillBeSent":
            requests[p["requestId"]] = p["request"]["url"]
        elif ev.get("method") == "Network.responseReceived" and p["response"]["status"] >= 400:
            # The UI asks for the signed-in user of MLflow's own basic-auth
            # app; under kubernetes-auth there is none, the 404 is the
            # answer the UI expects and it renders without one.
            if p["response"]["status"] == 404 and p["response"]["url"].endswith(
                    "/ajax-api/2.0/mlflow/users/current"):
                continue
            failed.append("%s -> %d" % (p["response"]["url"], p["response"]["status"]))
        elif ev.get("method") == "Network.loadingFailed" and not p.get("canceled"):
            failed.append("%s -> %s" % (requests.get(p["requestId"], "?"), p.get("errorText")))
    return text, requests, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--resolve", required=True, help="host=ip")
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--expect-text", required=True)
    ap.add_argument("--screenshot")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    a = ap.parse_args()
    host, ip = a.resolve.split("=", 1)
    u = urllib.parse.urlsplit(a.url)
    name = host.split(".")[0]
    pin = spki_pin(host, ip, u.port or 443)
    profile = tempfile.mkdtemp(prefix="mlflow-ui-")
    proc = subprocess.Popen([
        a.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--remote-debugging-port=0",
        "--host-resolver-rules=MAP %s %s" % (host, ip), "--ignore-certificate-errors-spki-list=" + pin,
        "--window-size=1400,1000", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().count("\n") >= 1:
                break
            time.sleep(0.1)
        port = int(open(port_file).read().split("\n")[0])
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port))
        page = next(t for t in targets if t["type"] == "page")
        cdp = Cdp(page["webSocketDebuggerUrl"])
        cdp.call("Network.enable")
        cdp.call("Network.setCacheDisabled", cacheDisabled=True)  # a second load asks again
        cdp.call("Page.enable")
        cdp.call("Network.setExtraHTTPHeaders", headers={
            "Authorization": "Bearer " + os.environ["ALICE_TOKEN"], "X-MLFLOW-WORKSPACE": a.workspace})
        # A pod starting on this host adds a network interface, and Chromium
        # fails what is in flight with ERR_NETWORK_CHANGED: that load is
        # not the server's answer, so the page is loaded once more.
        for _ in range(2):
            text, requests, failed = load(cdp, a)
            if not any(f.endswith("net::ERR_NETWORK_CHANGED") for f in failed):
                break
            print("# the host's network changed during the load; loading the page again", flush=True)
        own = [r for r in requests.values() if r.startswith(a.url)]
        tap(len(own) > 2, "%s: Chromium loads the UI and its assets (%d requests under the prefix)" % (name, len(own)),
            "requests: %s" % list(requests.values())[:10])
        tap(not failed, "%s: no request of the page fails" % name, *failed[:10])
        tap(a.expect_text in text, "%s: the rendered page lists the experiment %s" % (name, a.expect_text),
            "page text: %s" % text[:500])
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
