#!/usr/bin/env python3
"""tests/e2e/podrunner.py — a small kubelet for the end-to-end tests.

The control plane of tests/envtest/controlplane.sh (CP_PODS=1) has the real
kube-controller-manager: Deployments make ReplicaSets, ReplicaSets make pods,
Services get EndpointSlices, claims bind to volumes. What it lacks is a node
that runs the pods. This program is that node, for one Node object:

- it binds every unscheduled pod to its node (the scheduler's one job here)
  and provisions a directory-backed PersistentVolume for every pending claim
  (a local-path provisioner: the real binder controller binds the two);
- it runs each container as a local process in its own network namespace
  (one veth on a bridge, one IP per pod) and its own mount namespace, whose
  root is an overlay of the host's directories with the pod's volumes
  mounted at their mount paths: emptyDir, persistentVolumeClaim, secret,
  configMap, and the projected service-account token (TokenRequest API),
  ca.crt and namespace, as the kubelet lays them out;
- /etc/hosts names every Service (<name>.<namespace>.svc, .svc.cluster.local)
  after a ready endpoint of it, as cluster DNS and the service proxy would
  lead a connection there (there is no kube-proxy: a ClusterIP does not
  route); it is written when the container starts;
- a mounted secret or configMap follows its object, every few seconds, as
  the kubelet's sync loop updates it (each changed file replaced whole);
- restartPolicy Never and OnFailure end a container for good, and a pod
  whose containers have all ended is Succeeded or Failed (Jobs complete);
- the environment is resolved as the kubelet resolves it (value with $(VAR)
  references, secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef,
  envFrom with prefix, optional), with KUBERNETES_SERVICE_HOST/PORT naming
  the API server;
- the user, group, no_new_privs, dropped capabilities and a read-only root
  follow the security contexts; runAsNonRoot refuses uid 0;
- readiness and liveness probes (httpGet over HTTP or HTTPS, tcpSocket, exec)
  run as declared; a failed liveness probe or an exited process restarts the
  container; pod status (phase, IPs, conditions, container statuses with
  restart counts) is written back; a deleted pod is stopped within its grace
  period and then removed.

Images are not pulled: an image maps to a local runtime (a directory whose
bin/ leads PATH, and the uid the image runs as) given with --runtime. It is a
test tool, not a product: one node, polling, no cgroups.

  podrunner.py net-up|net-down --bridge NAME --cidr 10.244.0.1/24
  podrunner.py run --server URL --token-file F --ca F --node NAME --state DIR
               --bridge NAME --cidr 10.244.0.1/24 --runtime IMAGE=DIR:UID ...
"""

import argparse
import base64
import fnmatch
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone

HOST_DIRS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "opt",
             "root", "var", "home", "srv")
MAX_GRACE = 15


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def log(msg, **kv):
    rec = {"ts": now(), "msg": msg}
    rec.update(kv)
    print(json.dumps(rec), file=sys.stderr, flush=True)


def sh(*argv, check=True):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(argv), r.stderr.strip()))
    return r


# --- the API server ---------------------------------------------------------

class ApiError(Exception):
    def __init__(self, code, body):
        super().__init__("HTTP %d: %s" % (code, body[:300]))
        self.code = code


class Api:
    def __init__(self, server, token, ca):
        self.server = server.rstrip("/")
        self.token = token
        self.ctx = ssl.create_default_context(cafile=ca)

    def call(self, method, path, body=None, ctype="application/json"):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.server + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.token)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", ctype)
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=30) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            raise ApiError(e.code, e.read().decode(errors="replace")) from None

    def get(self, path):
        return self.call("GET", path)

    def merge_patch(self, path, body):
        return self.call("PATCH", path, body, "application/merge-patch+json")


# --- networking -------------------------------------------------------------

def net_up(bridge, cidr):
    iface = ipaddress.ip_interface(cidr)
    net_down(bridge)  # what an interrupted run left
    sh("ip", "link", "add", bridge, "type", "bridge")
    sh("ip", "addr", "add", str(iface), "dev", bridge)
    sh("ip", "link", "set", bridge, "up")


def net_down(bridge):
    sh("ip", "link", "del", bridge, check=False)
    for ns in os.listdir("/run/netns") if os.path.isdir("/run/netns") else []:
        if ns.startswith(bridge + "-"):
            sh("ip", "netns", "del", ns, check=False)


class Network:
    """One network namespace and one address per pod, on the bridge."""

    def __init__(self, bridge, cidr):
        self.bridge = bridge
        self.iface = ipaddress.ip_interface(cidr)
        self.free = [str(h) for h in self.iface.network.hosts() if h != self.iface.ip]
        self.lock = threading.Lock()
        self.seq = 0

    def create(self):
        with self.lock:
            ip = self.free.pop(0)
            self.seq += 1
            n = self.seq
        ns = "%s-%d" % (self.bridge, n)
        host_if, pod_if = "%sh%d" % (self.bridge[:6], n), "%sp%d" % (self.bridge[:6], n)
        plen = self.iface.network.prefixlen
        sh("ip", "netns", "del", ns, check=False)
        sh("ip", "netns", "add", ns)
        sh("ip", "link", "add", host_if, "type", "veth", "peer", "name", pod_if, "netns", ns)
        sh("ip", "link", "set", host_if, "master", self.bridge, "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "link", "set", pod_if, "name", "eth0")
        sh("ip", "-n", ns, "addr", "add", "%s/%d" % (ip, plen), "dev", "eth0")
        sh("ip", "-n", ns, "link", "set", "eth0", "up")
        sh("ip", "-n", ns, "route", "add", "default", "via", str(self.iface.ip))
        return ns, ip

    def destroy(self, ns, ip):
        sh("ip", "netns", "del", ns, check=False)
        with self.lock:
            self.free.append(ip)


# --- environment ------------------------------------------------------------

_VAR_REF = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def expand(s, env):
    """$(VAR) as the kubelet expands it: defined names only, $$ escapes."""
    def sub(m):
        if m.group(0) == "$$":
            return "$"
        return env.get(m.group(1), m.group(0))
    return _VAR_REF.sub(sub, s)


class ConfigError(Exception):
    """The pod cannot start as written (CreateContainerConfigError)."""


def field_value(pod, path, ip):
    meta = pod["metadata"]
    m = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
    if m:
        return (meta.get(m.group(1)) or {}).get(m.group(2), "")
    simple = {
        "metadata.name": meta["name"], "metadata.namespace": meta["namespace"],
        "metadata.uid": meta["uid"], "spec.nodeName": pod["spec"].get("nodeName", ""),
        "spec.serviceAccountName": pod["spec"].get("serviceAccountName", "default"),
        "status.podIP": ip, "status.hostIP": ip, "status.podIPs": ip,
    }
    if path not in simple:
        raise ConfigError("unsupported fieldRef %s" % path)
    return simple[path]


def resource_value(container, ref):
    res = container.get("resources") or {}
    kind, _, name = ref["resource"].partition(".")
    v = (res.get(kind) or {}).get(name)
    if v is None:
        return "0" if kind == "requests" else str(os.cpu_count() if name == "cpu" else 0)
    return str(v)


class Store:
    """Secrets and ConfigMaps of a namespace, read once per container start."""

    def __init__(self, api, ns):
        self.api, self.ns, self.cache = api, ns, {}

    def data(self, kind, name, optional=False):
        key = (kind, name)
        if key not in self.cache:
            try:
                obj = self.api.get("/api/v1/namespaces/%s/%s/%s" % (self.ns, kind, name))
            except ApiError as e:
                if e.code != 404:
                    raise
                if optional:
                    self.cache[key] = None
                    return None
                raise ConfigError("%s %s/%s not found" % (kind[:-1], self.ns, name)) from None
            d = {k: base64.b64decode(v) for k, v in (obj.get("data") or {}).items()} \
                if kind == "secrets" else \
                {k: v.encode() for k, v in (obj.get("data") or {}).items()}
            if kind == "configmaps":
                d.update({k: base64.b64decode(v) for k, v in (obj.get("binaryData") or {}).items()})
            self.cache[key] = d
        return self.cache[key]

    def key(self, kind, ref):
        d = self.data(kind, ref["name"], ref.get("optional", False))
        if d is None:
            return None
        if ref["key"] not in d:
            if ref.get("optional", False):
                return None
            raise ConfigError("key %s not in %s %s/%s" % (ref["key"], kind[:-1], self.ns, ref["name"]))
        return d[ref["key"]].decode()


def container_env(pod, c, store, ip, server_host, server_port, runtime):
    env = {"PATH": runtime["bin"] + ":/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp",
           "HOSTNAME": pod["metadata"]["name"],
           "KUBERNETES_SERVICE_HOST": server_host, "KUBERNETES_SERVICE_PORT": server_port,
           "KUBERNETES_SERVICE_PORT_HTTPS": server_port}
    for src in c.get("envFrom") or []:
        kind = "secrets" if "secretRef" in src else "configmaps"
        ref = src.get("secretRef") or src.get("configMapRef")
        d = store.data(kind, ref["name"], ref.get("optional", False))
        for k, v in (d or {}).items():
            env[src.get("prefix", "") + k] = v.decode()
    for e in c.get("env") or []:
        vf = e.get("valueFrom")
        if vf is None:
            env[e["name"]] = expand(e.get("value", ""), env)
        elif "secretKeyRef" in vf or "configMapKeyRef" in vf:
            kind = "secrets" if "secretKeyRef" in vf else "configmaps"
            v = store.key(kind, vf.get("secretKeyRef") or vf.get("configMapKeyRef"))
            if v is not None:
                env[e["name"]] = v
        elif "fieldRef" in vf:
            env[e["name"]] = field_value(pod, vf["fieldRef"]["fieldPath"], ip)
        elif "resourceFieldRef" in vf:
            env[e["name"]] = resource_value(c, vf["resourceFieldRef"])
        else:
            raise ConfigError("env %s: unsupported valueFrom %s" % (e["name"], list(vf)))
    return env


# --- volumes ----------------------------------------------------------------

def write_files(dst, files, mode, gid):
    """files: {relative path: bytes}. Written as the kubelet's atomic writer
    leaves them: readable files under the volume's root."""
    os.makedirs(dst, exist_ok=True)
    for rel, data in files.items():
        p = os.path.join(dst, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)
        if gid is not None:
            os.chown(p, 0, gid)


def select_items(d, items):
    if not items:
        return dict(d), {}
    out, modes = {}, {}
    for it in items:
        if it["key"] in d:
            out[it["path"]] = d[it["key"]]
            if "mode" in it:
                modes[it["path"]] = it["mode"]
    return out, modes


class Pod:
    def __init__(self, runner, obj):
        self.r = runner
        self.obj = obj
        self.uid = obj["metadata"]["uid"]
        self.ns = obj["metadata"]["namespace"]
        self.name = obj["metadata"]["name"]
        self.dir = os.path.join(runner.state, "pods", self.uid)
        self.netns = self.ip = None
        self.containers = {}
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.started_at = now()
        self.last_status = None
        self.message = None
        self.failed_at = None
        self.thread = threading.Thread(target=self.main, daemon=True)

    # -- layout --
    def gid(self):
        return (self.obj["spec"].get("securityContext") or {}).get("fsGroup")

    def volume_dirs(self):
        spec = self.obj["spec"]
        store = Store(self.r.api, self.ns)
        out = {}
        fsg = self.gid()
        for v in spec.get("volumes") or []:
            d = os.path.join(self.dir, "volumes", v["name"])
            if "emptyDir" in v:
                os.makedirs(d, exist_ok=True)
                os.chmod(d, 0o777)
            elif "persistentVolumeClaim" in v:
                d = self.r.claim_dir(self.ns, v["persistentVolumeClaim"]["claimName"])
                if fsg is not None:
                    os.chown(d, 0, fsg)
                    os.chmod(d, 0o2775)
            elif "secret" in v or "configMap" in v:
                src = v.get("secret") or v["configMap"]
                kind = "secrets" if "secret" in v else "configmaps"
                name = src.get("secretName") or src.get("name")
                data = store.data(kind, name, src.get("optional", False)) or {}
                files, modes = select_items(data, src.get("items"))
                shutil.rmtree(d, ignore_errors=True)
                write_files(d, files, src.get("defaultMode", 0o644), fsg)
                for rel, m in modes.items():
                    os.chmod(os.path.join(d, rel), m)
            elif "projected" in v:
                shutil.rmtree(d, ignore_errors=True)
                write_files(d, self.projected(v["projected"], store), v["projected"].get("defaultMode", 0o644), fsg)
            else:
                raise ConfigError("volume %s: unsupported type %s" % (v["name"], [k for k in v if k != "name"]))
            out[v["name"]] = d
        return out

    def refresh_volumes(self):
        """Secret and configMap volumes take their object's current data."""
        store = Store(self.r.api, self.ns)
        for v in self.obj["spec"].get("volumes") or []:
            if "secret" not in v and "configMap" not in v:
                continue
            src = v.get("secret") or v["configMap"]
            kind = "secrets" if "secret" in v else "configmaps"
            d = os.path.join(self.dir, "volumes", v["name"])
            try:
                data = store.data(kind, src.get("secretName") or src.get("name"), True)
            except (ApiError, ConfigError, OSError):
                continue
            if data is None:
                continue  # gone: the kubelet keeps what it last wrote
            files, modes = select_items(data, src.get("items"))
            for rel, body in files.items():
                path = os.path.join(d, rel)
                try:
                    with open(path, "rb") as f:
                        if f.read() == body:
                            continue
                except OSError:
                    pass
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path + ".tmp", "wb") as f:
                    f.write(body)
                os.chmod(path + ".tmp", modes.get(rel, src.get("defaultMode", 0o644)))
                fsg = self.gid()
                if fsg is not None:
                    os.chown(path + ".tmp", 0, fsg)
                os.replace(path + ".tmp", path)
                log("volume updated", pod=self.ns + "/" + self.name, volume=v["name"], file=rel)
            for root, _, names in os.walk(d):
                for n in names:
                    rel = os.path.relpath(os.path.join(root, n), d)
                    if rel not in files:
                        os.unlink(os.path.join(root, n))

    def projected(self, proj, store):
        files = {}
        for s in proj.get("sources") or []:
            if "serviceAccountToken" in s:
                t = s["serviceAccountToken"]
                files[t["path"]] = self.token(t).encode()
            elif "configMap" in s or "secret" in s:
                src = s.get("configMap") or s["secret"]
                kind = "configmaps" if "configMap" in s else "secrets"
                data = store.data(kind, src["name"], src.get("optional", False)) or {}
                files.update(select_items(data, src.get("items"))[0])
            elif "downwardAPI" in s:
                for it in s["downwardAPI"].get("items") or []:
                    files[it["path"]] = field_value(self.obj, it["fieldRef"]["fieldPath"], self.ip).encode()
            else:
                raise ConfigError("projected source %s unsupported" % list(s))
        return files

    def token(self, t):
        sa = self.obj["spec"].get("serviceAccountName", "default")
        spec = {"expirationSeconds": t.get("expirationSeconds", 3607),
                "boundObjectRef": {"apiVersion": "v1", "kind": "Pod", "name": self.name, "uid": self.uid}}
        if t.get("audience"):
            spec["audiences"] = [t["audience"]]
        tr = self.r.api.call("POST", "/api/v1/namespaces/%s/serviceaccounts/%s/token" % (self.ns, sa),
                             {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": spec})
        return tr["status"]["token"]

    # -- lifecycle --
    def main(self):
        try:
            self.netns, self.ip = self.r.net.create()
            self.publish()
            for c in self.obj["spec"].get("initContainers") or []:
                ct = Container(self, c, init=True)
                self.containers[c["name"]] = ct
                if not ct.run_to_completion():
                    self.message = "init container %s failed" % c["name"]
                    self.publish()
                    self.stopping.wait()
                    return
            for c in self.obj["spec"]["containers"]:
                ct = Container(self, c)
                self.containers[c["name"]] = ct
                ct.thread.start()
            ticks = 0
            while not self.stopping.wait(0.5):
                self.publish()
                ticks += 1
                if ticks % 6 == 0:
                    self.refresh_volumes()
        except ConfigError as e:
            self.message = str(e)
            log("pod cannot start", pod=self.ns + "/" + self.name, error=str(e))
            self.publish()
            self.failed_at = time.monotonic()
        except Exception as e:  # noqa: BLE001 - a test tool reports and goes on
            self.message = "podrunner: %s" % e
            log("pod failed", pod=self.ns + "/" + self.name, error=repr(e))
            self.publish()
            self.failed_at = time.monotonic()

    def stop(self, grace):
        self.stopping.set()
        for ct in list(self.containers.values()):
            ct.stop(grace)
        if self.thread.is_alive():
            self.thread.join(5)
        if self.netns:
            self.r.net.destroy(self.netns, self.ip)
            self.netns = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def publish(self):
        st = self.status()
        if st == self.last_status:
            return
        try:
            self.r.api.merge_patch("/api/v1/namespaces/%s/pods/%s/status" % (self.ns, self.name),
                                   {"metadata": {"uid": self.uid}, "status": st})
            self.last_status = st
        except ApiError as e:
            if e.code not in (404, 409):
                log("status update failed", pod=self.name, error=str(e))

    def status(self):
        specs = self.obj["spec"]["containers"]
        cs, all_ready, any_running = [], True, False
        for c in specs:
            ct = self.containers.get(c["name"])
            s = ct.state() if ct else {"name": c["name"], "ready": False, "restartCount": 0,
                                       "image": c["image"], "imageID": "", "started": False,
                                       "state": {"waiting": {"reason": "ContainerCreating"}}}
            if self.message and not ct:
                s["state"] = {"waiting": {"reason": "CreateContainerConfigError", "message": self.message}}
            all_ready &= s["ready"]
            any_running |= "running" in s["state"]
            cs.append(s)

        def cond(t, ok, reason=None):
            c = {"type": t, "status": "True" if ok else "False", "lastTransitionTime": None}
            if not ok and reason:
                c["reason"] = reason
            return c
        init_ok = all(ct.done_ok for ct in self.containers.values() if ct.init) \
            if self.containers else not self.obj["spec"].get("initContainers")
        conds = [cond("PodScheduled", True), cond("Initialized", init_ok, "ContainersNotInitialized"),
                 cond("ContainersReady", all_ready, "ContainersNotReady"),
                 cond("Ready", all_ready, "ContainersNotReady")]
        ended = [self.containers.get(c["name"]) for c in specs]
        phase = "Running" if any_running else "Pending"
        if ended and all(ct and ct.done for ct in ended):
            phase = "Succeeded" if all(ct.last_exit["exitCode"] == 0 for ct in ended) else "Failed"
        st = {"phase": phase, "hostIP": self.r.host_ip,
              "hostIPs": [{"ip": self.r.host_ip}], "startTime": self.started_at,
              "conditions": conds, "containerStatuses": cs,
              # Set by the API server when the pod was created; immutable.
              "qosClass": (self.obj.get("status") or {}).get("qosClass", "BestEffort")}
        inits = [self.containers[c["name"]].init_state()
                 for c in self.obj["spec"].get("initContainers") or [] if c["name"] in self.containers]
        if inits:
            st["initContainerStatuses"] = inits
        if self.ip:
            st.update(podIP=self.ip, podIPs=[{"ip": self.ip}])
        # Transition times change only with the status itself.
        old = {c["type"]: c for c in (self.last_status or {}).get("conditions", [])}
        for c in conds:
            o = old.get(c["type"])
            c["lastTransitionTime"] = o["lastTransitionTime"] if o and o["status"] == c["status"] else now()
        if self.last_status and json.dumps(_strip_times(st)) == json.dumps(_strip_times(self.last_status)):
            return self.last_status
        return st


def _strip_times(st):
    s = json.loads(json.dumps(st))
    for c in s.get("conditions", []):
        c.pop("lastTransitionTime", None)
    return s


class Container:
    def __init__(self, pod, spec, init=False):
        self.pod, self.spec, self.init = pod, spec, init
        self.name = spec["name"]
        self.proc = None
        self.restarts = 0
        self.ready = False
        self.started_at = None
        self.last_exit = None
        self.waiting = "ContainerCreating"
        self.done_ok = False
        self.done = False  # ended for good (restartPolicy Never/OnFailure)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.supervise, daemon=True)
        rt = pod.r.runtime_for(spec["image"])
        if rt is None:
            raise ConfigError("image %s: no local runtime (podrunner --runtime)" % spec["image"])
        self.rt = rt
        self.termlog = os.path.join(pod.dir, "termination-%s" % self.name)

    def state(self):
        s = {"name": self.name, "ready": self.ready, "restartCount": self.restarts,
             "image": self.spec["image"], "imageID": "local://" + self.rt["dir"],
             "containerID": "podrunner://%s/%s" % (self.pod.uid, self.name),
             "started": self.proc is not None}
        if self.done:
            s["state"] = {"terminated": self.last_exit}
            return s
        if self.proc is not None and self.proc.poll() is None:
            s["state"] = {"running": {"startedAt": self.started_at}}
        else:
            s["state"] = {"waiting": {"reason": self.waiting}}
        if self.last_exit:
            s["lastState"] = {"terminated": self.last_exit}
        return s

    def security(self):
        psc = self.pod.obj["spec"].get("securityContext") or {}
        csc = self.spec.get("securityContext") or {}
        uid = csc.get("runAsUser", psc.get("runAsUser", self.rt["uid"]))
        gid = csc.get("runAsGroup", psc.get("runAsGroup", 0))
        if csc.get("runAsNonRoot", psc.get("runAsNonRoot")) and uid == 0:
            raise ConfigError("container has runAsNonRoot and image will run as root")
        groups = list(psc.get("supplementalGroups") or [])
        if psc.get("fsGroup") is not None:
            groups.append(psc["fsGroup"])
        argv = ["setpriv", "--reuid", str(uid), "--regid", str(gid)]
        argv += ["--groups", ",".join(map(str, groups))] if groups else ["--clear-groups"]
        if csc.get("allowPrivilegeEscalation") is False:
            argv.append("--no-new-privs")
        drop = (csc.get("capabilities") or {}).get("drop") or []
        if "ALL" in drop and uid != 0:
            argv += ["--inh-caps", "-all", "--bounding-set", "-all"]
        return argv, uid, bool(csc.get("readOnlyRootFilesystem"))

    def mounts(self, vols):
        out = []
        for m in self.spec.get("volumeMounts") or []:
            src = vols.get(m["name"])
            if src is None:
                raise ConfigError("volumeMount %s: no volume of that name" % m["name"])
            if m.get("subPath"):
                src = os.path.join(src, m["subPath"])
                os.makedirs(src, exist_ok=True)
            out.append((src, m["mountPath"], bool(m.get("readOnly"))))
        return out

    def argv(self):
        """The container's command line inside its namespaces."""
        p = self.pod
        store = Store(p.r.api, p.ns)
        env = container_env(p.obj, self.spec, store, p.ip, p.r.server_host, p.r.server_port, self.rt)
        vols = p.volume_dirs()
        priv, uid, ro = self.security()
        root = os.path.join(p.dir, "root", self.name)
        upper = os.path.join(p.dir, "upper", self.name)
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(upper, ignore_errors=True)
        os.makedirs(root)
        os.makedirs(upper)
        table = os.path.join(p.dir, "mounts-%s" % self.name)
        # The kubelet's termination message file, read when it exits.
        open(self.termlog, "w").close()
        hosts = os.path.join(p.dir, "hosts-%s" % self.name)
        with open(hosts, "w") as f:
            f.write(p.r.hosts(p))
        os.chmod(self.termlog, 0o666)  # as the kubelet: any user may write it
        with open(table, "w") as f:
            for src, dst, mro in self.mounts(vols):
                f.write("%s\t%s\t%s\n" % (src, dst, "ro" if mro else "rw"))
            f.write("%s\t%s\trw\n" % (self.termlog, self.spec.get("terminationMessagePath")
                                         or "/dev/termination-log"))
            f.write("%s\t/etc/hosts\tro\n" % hosts)
        cmd = [expand(a, env) for a in (self.spec.get("command") or self.rt["entrypoint"])]
        cmd += [expand(a, env) for a in self.spec.get("args") or []]
        workdir = self.spec.get("workingDir") or "/tmp"
        envv = ["%s=%s" % kv for kv in env.items()]
        return (["nsenter", "--net=/run/netns/" + p.netns, "--",
                 "unshare", "--mount", "--propagation", "private", "--",
                 "/bin/sh", os.path.join(p.r.here, "pod-root.sh"), root, upper, table,
                 "ro" if ro else "rw", self.rt["dir"], "--",
                 "chroot", root] + priv +
                ["--", "/usr/bin/env", "-i", "-C", workdir] + envv + cmd)

    def start(self):
        logf = open(os.path.join(self.pod.r.state, "logs",
                                 "%s_%s_%s.log" % (self.pod.ns, self.pod.name, self.name)), "ab")
        argv = self.argv()
        logf.write(("--- %s start (restart %d)\n" % (now(), self.restarts)).encode())
        logf.flush()
        self.proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        logf.close()
        self.started_at = now()
        log("container started", pod=self.pod.ns + "/" + self.pod.name, container=self.name,
            pid=self.proc.pid, ip=self.pod.ip)

    def run_to_completion(self):
        self.start()
        rc = self.proc.wait()
        self.done_ok = rc == 0
        self.last_exit = {"exitCode": rc, "reason": "Completed" if rc == 0 else "Error",
                          "startedAt": self.started_at, "finishedAt": now()}
        self.add_message()
        return self.done_ok

    def add_message(self):
        """As the kubelet: at most 4096 bytes of the termination message
        file become the terminated state's message."""
        try:
            with open(self.termlog, "rb") as f:
                msg = f.read(4096).decode("utf-8", "replace")
        except OSError:
            msg = ""
        if msg:
            self.last_exit["message"] = msg

    def init_state(self):
        """An init container's status: terminated once it has run."""
        s = {"name": self.name, "ready": self.done_ok, "restartCount": self.restarts,
             "image": self.spec["image"], "imageID": "local://" + self.rt["dir"],
             "containerID": "podrunner://%s/%s" % (self.pod.uid, self.name)}
        if self.last_exit:
            s["state"] = {"terminated": self.last_exit}
        elif self.proc is not None:
            s["state"] = {"running": {"startedAt": self.started_at}}
        else:
            s["state"] = {"waiting": {"reason": "PodInitializing"}}
        return s

    def kill(self, grace):
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self, grace):
        self.stopped.set()
        self.kill(grace)
        if self.thread.is_alive():
            self.thread.join(5)

    def supervise(self):
        backoff = 1
        policy = self.pod.obj["spec"].get("restartPolicy", "Always")
        while not self.stopped.is_set():
            try:
                self.start()
            except ConfigError as e:
                self.waiting = "CreateContainerConfigError"
                self.pod.message = str(e)
                log("container config error", pod=self.pod.name, error=str(e))
                self.stopped.wait(2)
                continue
            reason = self.probe_loop()
            if self.stopped.is_set():
                break
            self.kill(MAX_GRACE)
            rc = self.proc.returncode
            self.ready = False
            self.last_exit = {"exitCode": rc, "reason": reason or ("Completed" if rc == 0 else "Error"),
                              "finishedAt": now(), "startedAt": self.started_at}
            self.add_message()
            log("container exited", pod=self.pod.name, container=self.name, rc=rc, reason=reason)
            if policy == "Never" or (policy == "OnFailure" and rc == 0):
                self.done = True
                break
            self.restarts += 1
            self.waiting = "CrashLoopBackOff"
            self.stopped.wait(backoff)
            backoff = min(backoff * 2, 10)

    def probe_loop(self):
        """Runs the probes until the process ends (None) or liveness fails."""
        t0 = time.monotonic()
        rp, lp = self.spec.get("readinessProbe"), self.spec.get("livenessProbe")
        self.ready = rp is None
        nxt = {"r": t0 + (rp or {}).get("initialDelaySeconds", 0),
               "l": t0 + (lp or {}).get("initialDelaySeconds", 0)}
        fails = {"r": 0, "l": 0}
        while not self.stopped.is_set():
            if self.proc.poll() is not None:
                return None
            t = time.monotonic()
            for k, pr in (("r", rp), ("l", lp)):
                if pr is None or t < nxt[k]:
                    continue
                nxt[k] = t + pr.get("periodSeconds", 10)
                ok = self.probe(pr)
                fails[k] = 0 if ok else fails[k] + 1
                if k == "r":
                    if ok and fails[k] == 0:
                        self.ready = True
                    elif fails[k] >= pr.get("failureThreshold", 3):
                        self.ready = False
                elif fails[k] >= pr.get("failureThreshold", 3):
                    log("liveness probe failed", pod=self.pod.name, container=self.name)
                    return "LivenessProbeFailed"
            self.stopped.wait(0.2)
        return None

    def port(self, p):
        if isinstance(p, int):
            return p
        for cp in self.spec.get("ports") or []:
            if cp.get("name") == p:
                return cp["containerPort"]
        return int(p)

    def probe(self, pr):
        timeout = pr.get("timeoutSeconds", 1)
        try:
            if "httpGet" in pr:
                g = pr["httpGet"]
                port = self.port(g["port"])
                host = g.get("host") or self.pod.ip
                sock = socket.create_connection((host, port), timeout=timeout)
                if g.get("scheme", "HTTP") == "HTTPS":
                    # The kubelet does not verify a probe's certificate.
                    ctx = ssl.create_default_context()
                    ctx.check_hostname = False
                    ctx.verify_mode = ssl.CERT_NONE
                    sock = ctx.wrap_socket(sock)
                with sock:
                    req = "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: kube-probe/1.36\r\n" \
                          "Connection: close\r\n" % (g.get("path", "/"), host, port)
                    for h in g.get("httpHeaders") or []:
                        req += "%s: %s\r\n" % (h["name"], h["value"])
                    sock.sendall((req + "\r\n").encode())
                    line = sock.makefile("rb").readline().decode(errors="replace")
                code = int(line.split()[1])
                return 200 <= code < 400
            if "tcpSocket" in pr:
                port = self.port(pr["tcpSocket"]["port"])
                socket.create_connection((self.pod.ip, port), timeout=timeout).close()
                return True
            if "exec" in pr:
                r = subprocess.run(["nsenter", "--net=/run/netns/" + self.pod.netns, "--"] +
                                   pr["exec"]["command"], timeout=timeout, capture_output=True)
                return r.returncode == 0
        except (OSError, ValueError, IndexError, subprocess.TimeoutExpired):
            return False
        return False


# --- the node ---------------------------------------------------------------

class Runner:
    def __init__(self, a):
        token = open(a.token_file).read().strip()
        self.api = Api(a.server, token, a.ca)
        u = urllib.parse.urlsplit(a.server)
        self.server_host, self.server_port = u.hostname, str(u.port or 443)
        self.node = a.node
        self.state = os.path.abspath(a.state)
        self.here = os.path.dirname(os.path.abspath(__file__))
        self.net = Network(a.bridge, a.cidr)
        self.host_ip = str(ipaddress.ip_interface(a.cidr).ip)
        self.runtimes = []
        for r in a.runtime:
            pat, _, rest = r.partition("=")
            d, _, uid = rest.rpartition(":")
            self.runtimes.append((pat, {"dir": d, "bin": os.path.join(d, "bin"), "uid": int(uid),
                                        "entrypoint": ["/bin/sh"]}))
        self.pods = {}
        self.stop = threading.Event()
        for sub in ("pods", "logs", "claims"):
            os.makedirs(os.path.join(self.state, sub), exist_ok=True)

    def runtime_for(self, image):
        for pat, rt in self.runtimes:
            if fnmatch.fnmatch(image, pat):
                return rt
        return None

    def hosts(self, pod):
        """/etc/hosts of a container: localhost, the pod, and each Service
        under its DNS names after one ready endpoint address."""
        lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost"]
        if pod.ip:
            lines.append("%s\t%s" % (pod.ip, pod.name))
        try:
            slices = self.api.get("/apis/discovery.k8s.io/v1/endpointslices").get("items", [])
        except ApiError as e:
            log("endpointslices unreadable", error=str(e))
            slices = []
        for es in slices:
            m = es["metadata"]
            svc = (m.get("labels") or {}).get("kubernetes.io/service-name")
            ready = [e["addresses"][0] for e in es.get("endpoints") or []
                     if (e.get("conditions") or {}).get("ready") and e.get("addresses")]
            if not svc or not ready:
                continue
            ns = m["namespace"]
            names = ["%s.%s.svc" % (svc, ns), "%s.%s.svc.cluster.local" % (svc, ns), "%s.%s" % (svc, ns)]
            if ns == pod.ns:
                names.append(svc)
            lines.append("%s\t%s" % (ready[0], " ".join(names)))
        return "\n".join(lines) + "\n"

    def claim_dir(self, ns, claim):
        pvc = self.api.get("/api/v1/namespaces/%s/persistentvolumeclaims/%s" % (ns, claim))
        if pvc.get("status", {}).get("phase") != "Bound":
            raise ConfigError("persistentvolumeclaim %s/%s is not bound" % (ns, claim))
        pv = self.api.get("/api/v1/persistentvolumes/" + pvc["spec"]["volumeName"])
        path = (pv["spec"].get("hostPath") or pv["spec"].get("local") or {}).get("path")
        if not path:
            raise ConfigError("volume %s has no local path" % pv["metadata"]["name"])
        os.makedirs(path, exist_ok=True)
        return path

    def register(self):
        node = {"apiVersion": "v1", "kind": "Node",
                "metadata": {"name": self.node, "labels": {"kubernetes.io/hostname": self.node,
                                                           "kubernetes.io/os": "linux"}}}
        try:
            self.api.call("POST", "/api/v1/nodes", node)
        except ApiError as e:
            if e.code != 409:
                raise
        self.heartbeat()

    def heartbeat(self):
        t = now()
        self.api.merge_patch("/api/v1/nodes/%s/status" % self.node, {"status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                            "message": "podrunner is posting ready status",
                            "lastHeartbeatTime": t, "lastTransitionTime": t}],
            "addresses": [{"type": "InternalIP", "address": self.host_ip},
                          {"type": "Hostname", "address": self.node}],
            "capacity": {"cpu": str(os.cpu_count()), "memory": "24Gi", "pods": "110"},
            "allocatable": {"cpu": str(os.cpu_count()), "memory": "24Gi", "pods": "110"},
            "nodeInfo": {"kubeletVersion": "podrunner", "operatingSystem": "linux",
                         "architecture": "amd64", "containerRuntimeVersion": "podrunner://1",
                         "kernelVersion": os.uname().release, "osImage": "local",
                         "kubeProxyVersion": "", "machineID": "", "systemUUID": "", "bootID": ""}}})

    def provision(self):
        """A directory PersistentVolume for each pending claim."""
        for pvc in self.api.get("/api/v1/persistentvolumeclaims").get("items", []):
            m, spec = pvc["metadata"], pvc["spec"]
            if pvc.get("status", {}).get("phase") != "Pending" or spec.get("volumeName") \
                    or m.get("deletionTimestamp"):
                continue
            name = "pv-" + m["uid"]
            path = os.path.join(self.state, "claims", name)
            os.makedirs(path, exist_ok=True)
            # As a local-path provisioner leaves it: any pod user may write.
            os.chmod(path, 0o777)
            pv = {"apiVersion": "v1", "kind": "PersistentVolume",
                  "metadata": {"name": name, "labels": {"podrunner/claim-uid": m["uid"]}},
                  "spec": {"capacity": {"storage": spec["resources"]["requests"]["storage"]},
                           "accessModes": spec.get("accessModes") or ["ReadWriteOnce"],
                           "persistentVolumeReclaimPolicy": "Retain",
                           "storageClassName": spec.get("storageClassName") or "",
                           "volumeMode": spec.get("volumeMode", "Filesystem"),
                           "hostPath": {"path": path, "type": "DirectoryOrCreate"},
                           "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                        "namespace": m["namespace"], "name": m["name"], "uid": m["uid"]}}}
            try:
                self.api.call("POST", "/api/v1/persistentvolumes", pv)
                log("volume provisioned", claim=m["namespace"] + "/" + m["name"], path=path)
            except ApiError as e:
                if e.code != 409:
                    log("provisioning failed", claim=m["name"], error=str(e))

    def sync(self):
        items = self.api.get("/api/v1/pods").get("items", [])
        seen = set()
        for p in items:
            m, spec = p["metadata"], p["spec"]
            uid = m["uid"]
            if not spec.get("nodeName"):
                if not m.get("deletionTimestamp"):
                    self.bind(p)
                continue
            if spec["nodeName"] != self.node:
                continue
            seen.add(uid)
            if m.get("deletionTimestamp"):
                self.delete(p)
                continue
            old = self.pods.get(uid)
            if old and old.failed_at and time.monotonic() - old.failed_at > 3:
                # A pod that could not start is set up again, as the
                # kubelet retries (e.g. a claim that was not bound yet).
                self.pods.pop(uid).stop(0)
            if uid not in self.pods and p.get("status", {}).get("phase") not in ("Succeeded", "Failed"):
                pod = Pod(self, p)
                self.pods[uid] = pod
                log("pod admitted", pod=m["namespace"] + "/" + m["name"])
                pod.thread.start()
        for uid in list(self.pods):
            if uid not in seen:
                self.pods.pop(uid).stop(0)

    def bind(self, p):
        m = p["metadata"]
        try:
            self.api.call("POST", "/api/v1/namespaces/%s/pods/%s/binding" % (m["namespace"], m["name"]),
                          {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": m["name"], "uid": m["uid"]},
                           "target": {"apiVersion": "v1", "kind": "Node", "name": self.node}})
        except ApiError as e:
            if e.code not in (404, 409):
                log("binding failed", pod=m["name"], error=str(e))

    def delete(self, p):
        m = p["metadata"]
        pod = self.pods.pop(m["uid"], None)
        grace = min(p["spec"].get("terminationGracePeriodSeconds", 30), MAX_GRACE)
        if pod:
            threading.Thread(target=self.finish, args=(pod, grace, m), daemon=True).start()
        else:
            self.finish(None, grace, m)

    def finish(self, pod, grace, m):
        if pod:
            pod.stop(grace)
        try:
            self.api.call("DELETE", "/api/v1/namespaces/%s/pods/%s" % (m["namespace"], m["name"]),
                          {"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0,
                           "preconditions": {"uid": m["uid"]}})
            log("pod removed", pod=m["namespace"] + "/" + m["name"])
        except ApiError as e:
            if e.code not in (404, 409):
                log("pod removal failed", pod=m["name"], error=str(e))

    def run(self):
        self.register()
        last_beat = time.monotonic()
        while not self.stop.is_set():
            try:
                self.provision()
                self.sync()
                if time.monotonic() - last_beat > 10:
                    self.heartbeat()
                    last_beat = time.monotonic()
            except (ApiError, OSError) as e:
                log("sync failed", error=str(e))
            self.stop.wait(0.5)
        for pod in list(self.pods.values()):
            pod.stop(5)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["run", "net-up", "net-down"])
    ap.add_argument("--server")
    ap.add_argument("--token-file")
    ap.add_argument("--ca")
    ap.add_argument("--node", default="node-1")
    ap.add_argument("--state")
    ap.add_argument("--bridge", required=True)
    ap.add_argument("--cidr", required=True)
    ap.add_argument("--runtime", action="append", default=[], metavar="IMAGE=DIR:UID")
    a = ap.parse_args()
    if a.command == "net-up":
        net_up(a.bridge, a.cidr)
        return
    if a.command == "net-down":
        net_down(a.bridge)
        return
    r = Runner(a)
    signal.signal(signal.SIGTERM, lambda *_: r.stop.set())
    signal.signal(signal.SIGINT, lambda *_: r.stop.set())
    r.run()


if __name__ == "__main__":
    main()
