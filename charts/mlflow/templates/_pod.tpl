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
import hashlib, signal, subprocess, sys, time
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
