{{/*
Pieces of the pod templates the server's Deployment and the garbage
collection CronJob share.
*/}}

{{/*
The CA bundle's init container: the image's CAs, then every .crt and .pem
of the ConfigMap, joined into one file (the libraries each read one).
For caBundle.configMapName.
*/}}
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
      import glob, os, ssl
      system = [ssl.get_default_verify_paths().cafile,
                "/etc/pki/tls/certs/ca-bundle.crt",
                "/etc/ssl/certs/ca-certificates.crt"]
      parts = [p for p in system if p and os.path.isfile(p)][:1]
      parts += sorted(glob.glob("/etc/pki/mlflow/source/*.crt") +
                      glob.glob("/etc/pki/mlflow/source/*.pem"))
      with open("/etc/pki/mlflow/bundle/ca-bundle.crt", "w") as out:
          for p in parts:
              with open(p) as f:
                  out.write(f.read().rstrip("\n") + "\n")
      print("CA bundle: %d files" % len(parts))
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
