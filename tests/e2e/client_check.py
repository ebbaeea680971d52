#!/usr/bin/env python3
"""tests/e2e/client_check.py — the real MLflow client against a server the
operator deployed. Prints TAP lines (renumbered by the suite).

--phase write: without a token the server answers 401, with bob's token
(no RBAC) 403; with alice's token (RBAC on mlflow.kubeflow.org in the
workspace's namespace) the client creates an experiment in the workspace,
logs a run with parameters, metrics and an artifact, registers a model
version, and reads all of it back; the UI under the static prefix serves
its page and every script and stylesheet that page names. What was written
is recorded in --state.
--phase read: everything recorded is still there, unchanged (after pod and
operator restarts).

The Service's name resolves to the pod address given with --resolve, as
cluster DNS would resolve it; TLS is verified against --ca.
"""

import argparse
import json
import os
import re
import socket
import ssl
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

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


def check(name, fn):
    try:
        r = fn()
        return tap(r is not False, name, "" if r is not False else "check returned false")
    except Exception as e:  # noqa: BLE001 - every failure is a test result
        import traceback
        return tap(False, name, "%s: %s" % (type(e).__name__, e), traceback.format_exc())


def resolve(mapping):
    """name=ip pairs answer getaddrinfo, as cluster DNS would."""
    table = dict(m.split("=", 1) for m in mapping)
    real = socket.getaddrinfo

    def fake(host, *a, **kw):
        return real(table.get(host, host), *a, **kw)
    socket.getaddrinfo = fake


def http(url, token=None, ca=None, workspace=None):
    req = urllib.request.Request(url)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if workspace:
        req.add_header("X-MLFLOW-WORKSPACE", workspace)
    ctx = ssl.create_default_context(cafile=ca)
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e).encode(), {}


def auth_checks(a):
    api = a.url + "/api/2.0/mlflow/experiments/search?max_results=10"
    code, body, _ = http(api, None, a.ca, a.workspace)
    tap(code == 401, "%s: a request without a token is refused with 401" % a.name, "got %d: %s" % (code, body[:200]))
    code, body, _ = http(api, os.environ["BOB_TOKEN"], a.ca, a.workspace)
    tap(code == 403, "%s: bob's token (no RBAC) is refused with 403" % a.name, "got %d: %s" % (code, body[:200]))
    code, body, _ = http(api, os.environ["ALICE_TOKEN"], a.ca, a.workspace)
    tap(code == 200, "%s: alice's token (RBAC in %s) is let in" % (a.name, a.workspace),
        "got %d: %s" % (code, body[:300]))
    code, body, _ = http(api, os.environ["ALICE_TOKEN"], a.ca, "team-b")
    tap(code == 403, "%s: alice is refused in team-b, where she has no RBAC" % a.name,
        "got %d: %s" % (code, body[:300]))


def ui_checks(a):
    code, body, _ = http(a.url + "/", None, a.ca)
    page = body.decode(errors="replace")
    ok = code == 200 and "<html" in page.lower()
    tap(ok, "%s: the UI page is served under the static prefix" % a.name, "got %d: %s" % (code, page[:300]))
    if not ok:
        return
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    bad = []
    for ref in assets:
        u = urllib.parse.urljoin(a.url + "/", ref)
        code, body, _ = http(u, None, a.ca)
        if code != 200 or not body:
            bad.append("%s -> %d" % (u, code))
    tap(assets and not bad, "%s: the page's %d scripts and stylesheets load" % (a.name, len(assets)),
        *(bad or ["the page names no script or stylesheet"]))


def write(a, mlflow, client):
    state = {}
    exp_name = "e2e-experiment"

    def create():
        state["experiment_id"] = mlflow.create_experiment(exp_name)
        return bool(state["experiment_id"])
    if not check("%s: alice creates an experiment in workspace %s" % (a.name, a.workspace), create):
        return state

    def log_run():
        mlflow.set_experiment(experiment_id=state["experiment_id"])
        with mlflow.start_run(run_name="e2e-run") as run:
            mlflow.log_params({"alpha": "0.5", "layers": "3"})
            for step, v in enumerate([0.9, 0.5, 0.25]):
                mlflow.log_metric("loss", v, step=step)
            with tempfile.TemporaryDirectory() as d:
                p = os.path.join(d, "notes.txt")
                with open(p, "w") as f:
                    f.write("artifact written through %s\n" % a.name)
                mlflow.log_artifact(p, artifact_path="docs")
            state["run_id"] = run.info.run_id
            state["artifact_uri"] = run.info.artifact_uri
        return True
    check("%s: a run logs parameters, metrics and an artifact" % a.name, log_run)

    def register():
        client.create_registered_model("e2e-model")
        mv = client.create_model_version("e2e-model", "runs:/%s/docs" % state["run_id"], run_id=state["run_id"])
        state["model_version"] = mv.version
        return mv.version == "1"
    check("%s: a model version is registered" % a.name, register)
    with open(a.state, "w") as f:
        json.dump(state, f)
    read(a, mlflow, client, state)
    return state


def read(a, mlflow, client, state=None):
    if state is None:
        with open(a.state) as f:
            state = json.load(f)

    def experiment():
        e = client.get_experiment_by_name("e2e-experiment")
        return e is not None and e.experiment_id == state["experiment_id"]
    check("%s: the experiment reads back" % a.name, experiment)

    def run():
        r = client.get_run(state["run_id"])
        hist = [m.value for m in client.get_metric_history(state["run_id"], "loss")]
        assert r.data.params == {"alpha": "0.5", "layers": "3"}, r.data.params
        assert hist == [0.9, 0.5, 0.25], hist
        return r.info.run_name == "e2e-run"
    check("%s: the run's parameters and metric history read back" % a.name, run)

    def artifact():
        with tempfile.TemporaryDirectory() as d:
            p = mlflow.artifacts.download_artifacts(run_id=state["run_id"], artifact_path="docs/notes.txt", dst_path=d)
            with open(p) as f:
                return f.read() == "artifact written through %s\n" % a.name
    check("%s: the artifact downloads through the server, byte for byte" % a.name, artifact)

    def model():
        mv = client.get_model_version("e2e-model", state["model_version"])
        return mv.run_id == state["run_id"]
    check("%s: the model version reads back" % a.name, model)

    def search():
        runs = client.search_runs([state["experiment_id"]], "params.alpha = '0.5'")
        return [r.info.run_id for r in runs] == [state["run_id"]]
    check("%s: a run search finds the run" % a.name, search)
    return state


def artifact_store_check(a, state):
    if a.artifact_store == "s3":
        import boto3

        def s3():
            s3 = boto3.client("s3", endpoint_url=a.s3, region_name="us-east-1",
                              aws_access_key_id="e2e", aws_secret_access_key="e2e-secret")
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=a.s3_bucket).get("Contents", [])]
            want = "/%s/artifacts/docs/notes.txt" % state["run_id"]
            assert any(k.endswith(want) for k in keys), keys
            return True
        check("%s: the artifact is an object in the S3 bucket" % a.name, s3)
    else:
        def proxied():
            return state["artifact_uri"].startswith("mlflow-artifacts:")
        check("%s: artifacts go through the server (mlflow-artifacts: URI)" % a.name, proxied)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--resolve", action="append", default=[])
    ap.add_argument("--ca", required=True)
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--phase", choices=["write", "read"], required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--artifact-store", default="mlflow-artifacts")
    ap.add_argument("--s3")
    ap.add_argument("--s3-bucket")
    a = ap.parse_args()
    a.name = urllib.parse.urlsplit(a.url).hostname.split(".")[0]
    resolve(a.resolve)
    os.environ["MLFLOW_TRACKING_URI"] = a.url
    os.environ["MLFLOW_TRACKING_SERVER_CERT_PATH"] = a.ca
    os.environ["MLFLOW_TRACKING_TOKEN"] = os.environ["ALICE_TOKEN"]
    os.environ["MLFLOW_WORKSPACE"] = a.workspace
    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "2"
    import mlflow
    from mlflow import MlflowClient
    client = MlflowClient()
    if a.phase == "write":
        auth_checks(a)
        ui_checks(a)
        state = write(a, mlflow, client)
        if "run_id" in state:
            artifact_store_check(a, state)
    else:
        read(a, mlflow, client)
    return 0


if __name__ == "__main__":
    sys.exit(main())
