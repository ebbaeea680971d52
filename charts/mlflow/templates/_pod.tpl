{{/*
Pieces of the pod templates the server's Deployment and the garbage
collection CronJob share.
*/}}

{{/*
The CA bundle's join: the image's CAs, then every .crt and .pem of the
ConfigMap, into one file (the libraries each read one), written whole
(a temporary file renamed over it). With --watch SECONDS it joins again
whenever the ConfigMap's files change (the kubelet updates a mounted
ConfigMap within a minute or so): new TLS connections then trust the new
set.
*/}}
{{- define "mlflow.caBundleScript" -}}
import glob, hashlib, os, ssl, sys, time
system = [ssl.get_default_verify_paths().cafile,
          "/etc/pki/tls/certs/ca-bundle.crt",
          "/etc/ssl/certs/ca-certificates.crt"]
out = "/etc/pki/mlflow/bundle/ca-bundle.crt"

def sources():
    parts = [p for p in system if p and os.path.isfile(p)][:1]
    return parts + sorted(glob.glob("/etc/pki/mlflow/source/*.crt") +
                          glob.glob("/etc/pki/mlflow/source/*.pem"))

def join():
    parts, text = sources(), ""
    for p in parts:
        with open(p) as f:
            text += f.read().rstrip("\n") + "\n"
    return parts, text

parts, text = join()
if len(sys.argv) < 3:
    with open(out + ".tmp", "w") as f:
        f.write(text)
    os.replace(out + ".tmp", out)
    print("CA bundle: %d files" % len(parts), flush=True)
    sys.exit(0)
seen = hashlib.sha256(text.encode()).hexdigest()
while True:
    time.sleep(int(sys.argv[2]))
    parts, text = join()
    digest = hashlib.sha256(text.encode()).hexdigest()
    if digest != seen:
        with open(out + ".tmp", "w") as f:
            f.write(text)
        os.replace(out + ".tmp", out)
        seen = digest
        print("CA bundle: %d files, joined again" % len(parts), flush=True)
{{- end -}}

{{/* The init container that joins the bundle before the server starts
(for caBundle.configMapName). */}}
{{- define "mlflow.caBundleInit" -}}
- name: ca-bundle
  image: {{ include "mlflow.image" . | quote }}
  {{- with .Values.image.imagePullPolicy }}
  imagePullPolicy: {{ . }}
  {{- end }}
  command:
    - python3
    - -c
    - |
      {{- include "mlflow.caBundleScript" . | nindent 6 }}
  {{- with .Values.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  volumeMounts:
    - name: ca-bundle-source
      mountPath: /etc/pki/mlflow/source
      readOnly: true
    - name: ca-bundle
      mountPath: /etc/pki/mlflow/bundle
{{- end -}}

{{/* The server pod's sidecar that joins the bundle again when the
ConfigMap changes. */}}
{{- define "mlflow.caBundleWatch" -}}
- name: ca-bundle-watch
  image: {{ include "mlflow.image" . | quote }}
  {{- with .Values.image.imagePullPolicy }}
  imagePullPolicy: {{ . }}
  {{- end }}
  command:
    - python3
    - -c
    - |
      {{- include "mlflow.caBundleScript" . | nindent 6 }}
    - --watch
    - {{ .Values.caBundle.watchSeconds | int | quote }}
  resources:
    requests:
      cpu: 5m
      memory: 16Mi
    limits:
      memory: 64Mi
  {{- with .Values.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  volumeMounts:
    - name: ca-bundle-source
      mountPath: /etc/pki/mlflow/source
      readOnly: true
    - name: ca-bundle
      mountPath: /etc/pki/mlflow/bundle
{{- end -}}

{{/* The variables that point OpenSSL, requests, boto3 and libpq at the
joined bundle. */}}
{{- define "mlflow.caBundleEnv" -}}
{{- range $i, $name := list "SSL_CERT_FILE" "REQUESTS_CA_BUNDLE" "AWS_CA_BUNDLE" "PGSSLROOTCERT" }}
{{- if $i }}{{ "\n" }}{{ end -}}
- name: {{ $name }}
  value: /etc/pki/mlflow/bundle/ca-bundle.crt
{{- end -}}
{{- end -}}

{{/* The bundle's source ConfigMap and the emptyDir the join writes. */}}
{{- define "mlflow.caBundleVolumes" -}}
- name: ca-bundle-source
  configMap:
    name: {{ .Values.caBundle.configMapName | quote }}
- name: ca-bundle
  emptyDir: {}
{{- end -}}

{{/* MLFLOW_BACKEND_STORE_URI: the literal URI or the Secret key. */}}
{{- define "mlflow.backendStoreEnv" -}}
{{- $m := .Values.mlflow -}}
- name: MLFLOW_BACKEND_STORE_URI
  {{- if $m.backendStoreUriFrom }}
  valueFrom:
    {{- toYaml $m.backendStoreUriFrom | nindent 4 }}
  {{- else }}
  value: {{ $m.backendStoreUri | default "sqlite:////mlflow/mlflow.db" | quote }}
  {{- end }}
{{- end -}}

{{/* The Jobs' store variables: MLFLOW_BACKEND_STORE_URI, and
MLFLOW_REGISTRY_STORE_URI only when the registry is set apart (unset, the
same store). */}}
{{- define "mlflow.storeEnv" -}}
{{- $m := .Values.mlflow -}}
{{- include "mlflow.backendStoreEnv" . }}
{{- if $m.registryStoreUriFrom }}
- name: MLFLOW_REGISTRY_STORE_URI
  valueFrom:
    {{- toYaml $m.registryStoreUriFrom | nindent 4 }}
{{- else if $m.registryStoreUri }}
- name: MLFLOW_REGISTRY_STORE_URI
  value: {{ $m.registryStoreUri | quote }}
{{- end }}
{{- end -}}

{{/*
The server's supervisor: it starts the command after it (mlflow server ...)
and compares the serving certificate and key every SECONDS (its first
argument); when the Secret's files change (the kubelet updates a mounted
Secret within a minute or so of a rotation: the service CA, cert-manager,
a manual replace) it stops the server gracefully and starts it again, in
the same container, since the server reads them only when it starts.
SIGTERM and SIGINT go to the server; the server's exit is the container's.
*/}}
{{- define "mlflow.tlsWatchScript" -}}
import hashlib, signal, subprocess, sys
interval, command = int(sys.argv[1]), sys.argv[2:]
files = ("/etc/tls/private/tls.crt", "/etc/tls/private/tls.key")

def digest():
    h = hashlib.sha256()
    for p in files:
        try:
            with open(p, "rb") as f:
                h.update(f.read())
        except OSError:
            h.update(b"-")
    return h.hexdigest()

stopping = False
server = None

def forward(signum, frame):
    global stopping
    stopping = True
    if server and server.poll() is None:
        server.send_signal(signum)

signal.signal(signal.SIGTERM, forward)
signal.signal(signal.SIGINT, forward)
while True:
    seen = digest()
    server = subprocess.Popen(command)
    while True:
        try:
            rc = server.wait(timeout=interval)
            sys.exit(rc)
        except subprocess.TimeoutExpired:
            pass
        if not stopping and digest() != seen:
            break
    print("serving certificate changed: restarting the server", flush=True)
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    if stopping:
        sys.exit(0)
{{- end -}}

{{/* The start of a scheduled Job's pod spec, after its serviceAccountName:
the pod's security context and placement as the server's, and, with a
claim (perhaps ReadWriteOnce), on the server's node; the CA bundle's init
container. */}}
{{- define "mlflow.cronPodHead" -}}
restartPolicy: Never
{{- with .Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- $affinity := deepCopy (.Values.affinity | default dict) -}}
{{- if .Values.storage.enabled }}
{{- $near := dict "requiredDuringSchedulingIgnoredDuringExecution" (list (dict "labelSelector" (dict "matchLabels" (include "mlflow.selectorLabels" . | fromYaml)) "topologyKey" "kubernetes.io/hostname")) -}}
{{- $affinity = merge $affinity (dict "podAffinity" $near) -}}
{{- end }}
{{- with $affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .Values.caBundle.configMapName }}
initContainers:
  {{- include "mlflow.caBundleInit" . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The variables that let a Job's process see the server's workspaces
(for mlflow.enableWorkspaces). */}}
{{- define "mlflow.workspaceEnv" -}}
{{- $m := .Values.mlflow -}}
- name: MLFLOW_ENABLE_WORKSPACES
  value: "true"
- name: MLFLOW_WORKSPACE_STORE_URI
  value: {{ $m.workspaceStoreUri | quote }}
{{- with $m.workspaceLabelSelector }}
- name: MLFLOW_K8S_WORKSPACE_LABEL_SELECTOR
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* A scheduled Job's volumes: its /tmp, the CA bundle, the claim. */}}
{{- define "mlflow.cronVolumes" -}}
- name: tmp
  {{- with .Values.temporaryStorage.sizeLimit }}
  emptyDir:
    sizeLimit: {{ . | quote }}
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- if .Values.caBundle.configMapName }}
{{- include "mlflow.caBundleVolumes" . | nindent 0 }}
{{- end }}
{{- if .Values.storage.enabled }}
- name: data
  persistentVolumeClaim:
    claimName: {{ include "mlflow.pvcName" . }}
{{- end }}
{{- end -}}

{{/* Where migration backups go: backups/ on the claim. */}}
{{- define "mlflow.backupDir" -}}
{{- if .Values.migration.backup.claimName -}}
/backups
{{- else -}}
/mlflow/backups
{{- end -}}
{{- end -}}

{{/* The migration Job's init containers that back the stores up before
`mlflow db upgrade` (migration.backup): SQLite's online backup from the
server's image, pg_dump from migration.backup.image; each keeps the newest
migration.backup.keep of its store's backups. A scheme neither handles
fails the Job (exit 3, as a failure no retry mends); an unreachable
PostgreSQL exits 4 (one that may pass, which the operator retries). The URIs stay in the environment;
pg_dump gets its URI as its --dbname argument. */}}
{{- define "mlflow.backupContainers" -}}
{{- $bk := .Values.migration.backup -}}
{{- range $i, $c := list "backup-sqlite" "backup-postgresql" }}
{{- if $i }}{{ "\n" }}{{ end -}}
- name: {{ $c }}
  image: {{ ternary (include "mlflow.image" $) $bk.image (eq $c "backup-sqlite") | quote }}
  {{- with $.Values.image.imagePullPolicy }}
  imagePullPolicy: {{ . }}
  {{- end }}
  {{- if eq $c "backup-sqlite" }}
  command:
    - python3
    - -c
    - |
      import datetime, glob, os, sqlite3, sys
      keep, out = int(sys.argv[1]), sys.argv[2]
      stores = [os.environ["MLFLOW_BACKEND_STORE_URI"]]
      registry = os.environ.get("MLFLOW_REGISTRY_STORE_URI", "")
      if registry and registry != stores[0]:
          stores.append(registry)
      now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
      os.makedirs(out, mode=0o2770, exist_ok=True)
      for uri in stores:
          scheme = uri.split(":", 1)[0].split("+", 1)[0]
          if scheme == "postgresql":
              continue  # the next container's
          if scheme != "sqlite":
              why = ("backup: %s:// stores are not backed up; remove migration.backup "
                     "or back them up yourself" % scheme)
              print(why, file=sys.stderr, flush=True)
              with open("/dev/termination-log", "w") as f:
                  f.write("terminal: " + why)
              sys.exit(3)
          path = uri[len("sqlite:///"):].split("?", 1)[0]
          if not os.path.exists(path):
              print("backup: %s does not exist yet, nothing to back up" % path, flush=True)
              continue
          name = os.path.splitext(os.path.basename(path))[0]
          dest = os.path.join(out, "%s-%s.sqlite" % (name, now))
          src = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
          dst = sqlite3.connect(dest + ".tmp")
          src.backup(dst)
          dst.close()
          src.close()
          os.replace(dest + ".tmp", dest)
          print("backup: %s -> %s" % (path, dest), flush=True)
          for old in sorted(glob.glob(os.path.join(out, "%s-*.sqlite" % name)))[:-keep]:
              os.remove(old)
              print("backup: removed", old, flush=True)
    - {{ $bk.keep | int | quote }}
    - {{ include "mlflow.backupDir" $ | quote }}
  {{- else }}
  command:
    - sh
    - -c
    - |
      keep=$1 out=$2 seen=
      now=$(date -u +%Y%m%dT%H%M%SZ)
      for uri in "${MLFLOW_BACKEND_STORE_URI:-}" "${MLFLOW_REGISTRY_STORE_URI:-}"; do
          case $uri in postgresql://* | postgresql+*://*) ;; *) continue ;; esac
          [ "$uri" = "$seen" ] && continue
          seen=$uri
          conn=$(printf '%s' "$uri" | sed 's#^postgresql+[A-Za-z0-9_]*://#postgresql://#')
          db=${conn##*/}
          db=${db%%\?*}
          dest=$out/$db-$now.pgdump
          mkdir -p "$out"
          if ! pg_dump --format=custom --no-password --file="$dest.tmp" --dbname="$conn" 2>/tmp/pg_dump.err; then
              sed 's#://[^/@ ]*@#://***@#g' /tmp/pg_dump.err >&2
              why=$(sed 's#://[^/@ ]*@#://***@#g' /tmp/pg_dump.err | grep '^pg_dump:' | tail -n 1)
              rm -f "$dest.tmp"
              case $(tr 'A-Z' 'a-z' </tmp/pg_dump.err) in
              *"connection refused"* | *"timeout"* | *"timed out"* | *"could not translate host name"* | \
                  *"the database system is"* | *"too many connections"* | *"no route to host"* | \
                  *"server closed the connection"*)
                  printf 'retryable: backup: %s' "$why" >/dev/termination-log
                  exit 4 ;;
              esac
              printf 'terminal: backup: %s' "$why" >/dev/termination-log
              exit 3
          fi
          mv "$dest.tmp" "$dest"
          echo "backup: database $db -> $dest"
          ls -1 "$out/$db"-*.pgdump | sort | head -n "-$keep" | while read -r old; do
              rm -f "$old" && echo "backup: removed $old"
          done
      done
    - sh
    - {{ $bk.keep | int | quote }}
    - {{ include "mlflow.backupDir" $ | quote }}
  {{- end }}
  env:
    {{- include "mlflow.storeEnv" $ | nindent 4 }}
    {{- if $.Values.caBundle.configMapName }}
    {{- include "mlflow.caBundleEnv" $ | nindent 4 }}
    {{- end }}
  {{- with $.Values.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  volumeMounts:
    - name: tmp
      mountPath: /tmp
    {{- if $.Values.caBundle.configMapName }}
    - name: ca-bundle
      mountPath: /etc/pki/mlflow/bundle
      readOnly: true
    {{- end }}
    {{- if $.Values.storage.enabled }}
    - name: data
      mountPath: /mlflow
    {{- end }}
    {{- if $bk.claimName }}
    - name: backups
      mountPath: /backups
    {{- end }}
{{- end }}
{{- end -}}
