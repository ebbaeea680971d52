#!/usr/bin/env python3
"""tests/e2e/client_check.py — the real MLflow client against a server the
operator deployed. Prints TAP lines (renumbered by the suite).

--phase write: the UI under the static prefix serves its page and every
script and stylesheet that page names; with alice's token (RBAC on
mlflow.kubeflow.org in the workspace's namespace) the client creates an
experiment in the workspace, logs a run with parameters, metrics and an
artifact, registers a model version, and reads all of it back; then
without a token, or with a forged one, the server answers 401, and 403 to
bob's token (valid, no RBAC) and to alice in another namespace. What was
written is recorded in --state.
--phase read: everything recorded is still there, unchanged (after pod and
operator restarts).
--phase gc-prepare: two runs with an artifact each in a new experiment; one
is deleted (its lifecycle stage "deleted"), the other kept.
--phase gc-kept: after a garbage collection whose olderThan the deleted run
is younger than: both runs are still there.
--phase gc-done: after a garbage collection that takes it: the deleted run
is gone from the backend store, its artifact from the store; the kept run
and its artifact are untouched.
--phase archive-prepare: two traces in a new experiment, one started two
days ago, one now; their spans are in the tracking store.
--phase archive-done: after a pass of trace archival (retention 1d): the
old trace's spans moved to the archive (an object in the S3 bucket), and
the server still returns the trace with its spans and inputs; the new one
is untouched.

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


def http(url, token=None, ca=None, workspace=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="GET" if data is None else "POST")
    if data is not None:
        req.add_header("Content-Type", "application/json")
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


def auth_checks(a, state):
    """Who gets in, once alice's experiment exists."""
    api = a.url + "/api/2.0/mlflow/experiments"
    get = api + "/get?experiment_id=" + state["experiment_id"]
    alice, bob = os.environ["ALICE_TOKEN"], os.environ["BOB_TOKEN"]

    def expect(name, want, code, body):
        tap(code == want, "%s: %s" % (a.name, name), "got %d, want %d: %s" % (code, want, body[:300]))
    expect("a request without a token is refused with 401", 401, *http(get, None, a.ca, a.workspace)[:2])
    expect("a request with a forged token is refused with 401", 401,
           *http(get, alice[:-8] + "AAAAAAAA", a.ca, a.workspace)[:2])
    expect("bob's token (no RBAC) cannot read alice's experiment: 403", 403, *http(get, bob, a.ca, a.workspace)[:2])
    expect("bob's token cannot create an experiment: 403", 403,
           *http(api + "/create", bob, a.ca, a.workspace, {"name": "bob-was-here"})[:2])
    expect("alice reads her experiment", 200, *http(get, alice, a.ca, a.workspace)[:2])
    expect("alice cannot create an experiment in team-b, where she has no RBAC: 403", 403,
           *http(api + "/create", alice, a.ca, "team-b", {"name": "alice-in-b"})[:2])
    code, body, _ = http(api + "/search?max_results=100", bob, a.ca, a.workspace)
    names = [e["name"] for e in json.loads(body or b"{}").get("experiments", [])] if code == 200 else None
    tap(code in (200, 403) and not names, "%s: bob's experiment search shows him nothing" % a.name,
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
    if a.artifacts_url:
        def artifacts_server():
            want = a.artifacts_url.rstrip("/") + "/"
            assert state["artifact_uri"].startswith(want), state["artifact_uri"]
            return True
        check("%s: the run's artifact location is the artifacts server's (%s)" % (a.name, a.artifacts_url),
              artifacts_server)
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


def gc_prepare(a, mlflow, client):
    state = {}

    def runs():
        exp = mlflow.create_experiment("e2e-gc")
        for name in ("doomed", "kept"):
            with mlflow.start_run(experiment_id=exp, run_name=name) as run:
                with tempfile.TemporaryDirectory() as d:
                    p = os.path.join(d, "%s.txt" % name)
                    with open(p, "w") as f:
                        f.write("the %s run's artifact\n" % name)
                    mlflow.log_artifact(p)
                state[name] = run.info.run_id
        client.delete_run(state["doomed"])
        return client.get_run(state["doomed"]).info.lifecycle_stage == "deleted"
    check("%s: gc: two runs with an artifact each, one deleted" % a.name, runs)
    with open(a.state, "w") as f:
        json.dump(state, f)


def gc_artifacts(client, run_id):
    return [f.path for f in client.list_artifacts(run_id)]


def s3_keys(a, run_id):
    import boto3
    s3 = boto3.client("s3", endpoint_url=a.s3, region_name="us-east-1",
                      aws_access_key_id="e2e", aws_secret_access_key="e2e-secret")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=a.s3_bucket).get("Contents", [])]
    return [k for k in keys if "/%s/artifacts/" % run_id in k]


def gc_check(a, mlflow, client, done):
    from mlflow.exceptions import MlflowException
    with open(a.state) as f:
        state = json.load(f)

    def kept():
        return (client.get_run(state["kept"]).info.lifecycle_stage == "active" and
                gc_artifacts(client, state["kept"]) == ["kept.txt"] and
                (not a.s3 or len(s3_keys(a, state["kept"])) == 1))
    if not done:
        def young():
            return (client.get_run(state["doomed"]).info.lifecycle_stage == "deleted" and
                    (not a.s3 or len(s3_keys(a, state["doomed"])) == 1))
        check("%s: gc with olderThan: the run deleted moments ago stays, with its artifact" % a.name,
              young)
        check("%s: gc with olderThan: the kept run and its artifact stay" % a.name, kept)
        return

    def gone():
        try:
            client.get_run(state["doomed"])
        except MlflowException as e:
            return e.error_code == "RESOURCE_DOES_NOT_EXIST"
        return False
    check("%s: gc: the deleted run is gone from the backend store" % a.name, gone)
    if a.s3:
        def no_objects():
            left = s3_keys(a, state["doomed"])
            assert not left, left
            return True
        check("%s: gc: the deleted run's artifact is gone from the S3 bucket" % a.name, no_objects)
    check("%s: gc: the kept run and its artifact are untouched" % a.name, kept)


ARCHIVE_INPUTS = {"question": "what did the model say two days ago?"}


def archive_prepare(a, mlflow, client):
    import time
    state = {}

    def traces():
        exp = mlflow.create_experiment("e2e-archive-%d" % time.time())
        old = time.time_ns() - 2 * 86400 * 10**9
        span = mlflow.start_span_no_context("old-root", experiment_id=exp, start_time_ns=old,
                                            inputs=ARCHIVE_INPUTS)
        span.end(outputs={"answer": "archived"}, end_time_ns=old + 10**9)
        state["old"] = span.trace_id
        span = mlflow.start_span_no_context("new-root", experiment_id=exp, inputs={"q": "now"})
        span.end(outputs={"answer": "kept"})
        state["new"] = span.trace_id
        mlflow.flush_trace_async_logging()
        for key in ("old", "new"):
            t = client.get_trace(state[key])
            loc = t.info.tags.get("mlflow.trace.spansLocation")
            assert loc == "TRACKING_STORE" and len(t.data.spans) == 1, (key, loc, t.data.spans)
        return True
    check("%s: trace archival: a trace of two days ago and one of now, spans in the tracking store" % a.name,
          traces)
    with open(a.state, "w") as f:
        json.dump(state, f)


def archive_check(a, mlflow, client):
    with open(a.state) as f:
        state = json.load(f)

    def archived():
        t = client.get_trace(state["old"])
        loc = t.info.tags.get("mlflow.trace.spansLocation")
        assert loc == "ARCHIVE_REPO", loc
        assert [s.name for s in t.data.spans] == ["old-root"], t.data.spans
        assert t.data.spans[0].inputs == ARCHIVE_INPUTS, t.data.spans[0].inputs
        return True
    check("%s: trace archival: the old trace's spans are archived, and the server still serves them" % a.name,
          archived)

    def kept():
        t = client.get_trace(state["new"])
        loc = t.info.tags.get("mlflow.trace.spansLocation")
        assert loc == "TRACKING_STORE" and [s.name for s in t.data.spans] == ["new-root"], loc
        return True
    check("%s: trace archival: the trace of now stays in the tracking store" % a.name, kept)

    def objects():
        import boto3
        s3 = boto3.client("s3", endpoint_url=a.s3, region_name="us-east-1",
                          aws_access_key_id="e2e", aws_secret_access_key="e2e-secret")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=a.s3_bucket).get("Contents", [])]
        mine = [k for k in keys if k.startswith("trace-archive/") and state["old"] in k]
        assert any(k.endswith("/traces.pb") for k in mine), mine
        assert not [k for k in keys if k.startswith("trace-archive/") and state["new"] in k], \
            "the new trace was archived"
        return True
    check("%s: trace archival: the archive is an object under the location in the S3 bucket" % a.name,
          objects)


def route_target(route, path):
    """The backend path an HTTPRoute sends PATH to, by the Gateway API's
    rules: the longest matching PathPrefix (matched on whole segments)
    wins, and a ReplacePrefixMatch rewrite replaces the matched prefix."""
    best = None
    for rule in route["spec"]["rules"]:
        for m in rule.get("matches") or []:
            pre = m["path"]["value"].rstrip("/")
            if path == pre or path.startswith(pre + "/") or pre == "":
                if best is None or len(pre) > len(best[0]):
                    best = (pre, rule)
    if best is None:
        return None
    pre, rule = best
    for f in rule.get("filters") or []:
        rw = (f.get("urlRewrite") or {}).get("path") or {}
        if rw.get("type") == "ReplacePrefixMatch":
            rest = path[len(pre):]
            new = rw["replacePrefixMatch"].rstrip("/")
            return (new + rest) if (new + rest).startswith("/") else "/" + new + rest
    return path


def route_checks(a, route_file):
    """Each kind of request the UI and the client make through the gateway,
    sent where the instance's HTTPRoute sends it, must reach the server."""
    import yaml
    with open(route_file) as f:
        route = next(d for d in yaml.safe_load_all(f) if d and d.get("kind") == "HTTPRoute")
    u = urllib.parse.urlsplit(a.url)
    prefix, origin = u.path.rstrip("/"), "%s://%s" % (u.scheme, u.netloc)
    alice = os.environ["ALICE_TOKEN"]
    for path in ("/", "/health", "/api/2.0/mlflow/experiments/search?max_results=1",
                 "/ajax-api/2.0/mlflow/experiments/search?max_results=1",
                 "/api/2.0/mlflow-artifacts/artifacts?path="):
        target = route_target(route, prefix + path)
        code, body, _ = http(origin + target, alice, a.ca, a.workspace) if target else (0, b"no rule", {})
        tap(code == 200, "%s: through the HTTPRoute, %s%s reaches the server (as %s)" % (a.name, prefix, path, target),
            "got %d: %s" % (code, body[:200]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--resolve", action="append", default=[])
    ap.add_argument("--ca", required=True)
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--phase", choices=["write", "read", "gc-prepare", "gc-kept", "gc-done",
                                        "archive-prepare", "archive-done"],
                    required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--artifact-store", default="mlflow-artifacts")
    ap.add_argument("--s3")
    ap.add_argument("--s3-bucket")
    ap.add_argument("--artifacts-url", help="a dedicated artifacts server's artifact API")
    ap.add_argument("--route", help="the instance's rendered HTTPRoute (YAML)")
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
        ui_checks(a)
        state = write(a, mlflow, client)
        if "experiment_id" in state:
            auth_checks(a, state)
        if "run_id" in state:
            artifact_store_check(a, state)
        if a.route:
            route_checks(a, a.route)
    elif a.phase == "read":
        read(a, mlflow, client)
    elif a.phase == "archive-prepare":
        archive_prepare(a, mlflow, client)
    elif a.phase == "archive-done":
        archive_check(a, mlflow, client)
    elif a.phase == "gc-prepare":
        gc_prepare(a, mlflow, client)
    else:
        gc_check(a, mlflow, client, a.phase == "gc-done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
