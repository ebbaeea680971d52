{{/*
One MLflow server Deployment: (list $ ROLE). ROLE "tracking" is the
instance's server; "artifacts" (artifactsServer.enabled) is a second one,
mlflow-artifacts<resourceSuffix>, serving only the artifact API under
/mlflow-artifacts<resourceSuffix>, with the same stores, authentication and
workspaces. Then the tracking server runs with --no-serve-artifacts and
both record mlflow.artifactRoot for new experiments; only the one whose
artifacts are files on the claim mounts it.
*/}}
{{- define "mlflow.serverDeployment" -}}
{{- $ := index . 0 -}}
{{- $art := eq (index . 1) "artifacts" -}}
{{- $m := $.Values.mlflow -}}
{{- $a := $.Values.artifactsServer -}}
{{- $split := $a.enabled -}}
{{- $name := include "mlflow.name" $ -}}
{{- $prefix := include "mlflow.staticPrefix" $ -}}
{{- $port := $m.port | int -}}
{{- $data := $.Values.storage.enabled -}}
{{- if $art -}}
{{- $name = include "mlflow.artifactsName" $ -}}
{{- $prefix = printf "/%s" $name -}}
{{- $port = $a.port | int -}}
{{- $data = and $data (hasPrefix "file://" $m.artifactsDestination) -}}
{{- else if $split -}}
{{- $data = and $data $.Values.traceArchival.enabled (hasPrefix "file://" ($.Values.traceArchival.location | default "")) -}}
{{- end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  namespace: {{ include "mlflow.namespace" $ | quote }}
  labels:
    {{- include (ternary "mlflow.artifactsLabels" "mlflow.labels" $art) $ | nindent 4 }}
spec:
  replicas: {{ ternary $a.replicaCount $.Values.replicaCount $art | int }}
  strategy:
    {{- if $data }}
    {{- /* The old and the new pod cannot share a ReadWriteOnce claim. */}}
    type: Recreate
    {{- else }}
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
    {{- end }}
  selector:
    matchLabels:
      {{- include (ternary "mlflow.artifactsSelectorLabels" "mlflow.selectorLabels" $art) $ | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include (ternary "mlflow.artifactsPodLabels" "mlflow.podLabels" $art) $ | nindent 8 }}
      {{- with $.Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "mlflow.serviceAccountName" $ | quote }}
      {{- with $.Values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $.Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $.Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $.Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if or (not $art) $.Values.caBundle.configMapName }}
      initContainers:
        {{- end }}
        {{- if not $art }}
        {{- /* The MLflow version the image holds, as the termination
        message the operator reads into status.version. */}}
        - name: version
          image: {{ include "mlflow.image" $ | quote }}
          {{- with $.Values.image.imagePullPolicy }}
          imagePullPolicy: {{ . }}
          {{- end }}
          command:
            - python3
            - -c
            - |
              from importlib import metadata
              version = ""
              for name in ("mlflow", "mlflow-skinny"):
                  try:
                      version = metadata.version(name)
                      break
                  except metadata.PackageNotFoundError:
                      pass
              with open("/dev/termination-log", "w") as f:
                  f.write(version)
              print("MLflow", version or "not found")
          resources:
            requests:
              cpu: 10m
              memory: 32Mi
            limits:
              memory: 128Mi
          {{- with $.Values.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        {{- end }}
        {{- if $.Values.caBundle.configMapName }}
        {{- include "mlflow.caBundleInit" $ | nindent 8 }}
        {{- end }}
      containers:
        - name: {{ ternary "mlflow-artifacts" "mlflow" $art }}
          image: {{ include "mlflow.image" $ | quote }}
          {{- with $.Values.image.imagePullPolicy }}
          imagePullPolicy: {{ . }}
          {{- end }}
          command:
            {{- if $.Values.tls.watchSeconds }}
            - python3
            - -c
            - |
              {{- include "mlflow.tlsWatchScript" $ | nindent 14 }}
            - {{ $.Values.tls.watchSeconds | int | quote }}
            {{- end }}
            - mlflow
          args:
            - server
            {{- if $art }}
            - --serve-artifacts
            - {{ printf "--artifacts-destination=%s" $m.artifactsDestination | quote }}
            {{- else if $split }}
            - --no-serve-artifacts
            {{- else if $m.serveArtifacts }}
            - --serve-artifacts
            - {{ printf "--artifacts-destination=%s" ($m.artifactsDestination | default "file:///mlflow/artifacts") | quote }}
            {{- else }}
            - --no-serve-artifacts
            {{- end }}
            {{- with ternary (include "mlflow.artifactRoot" $) $m.defaultArtifactRoot $split }}
            - {{ printf "--default-artifact-root=%s" . | quote }}
            {{- end }}
            - --app-name=kubernetes-auth
            {{- if $m.enableWorkspaces }}
            - --enable-workspaces
            - {{ printf "--workspace-store-uri=%s" $m.workspaceStoreUri | quote }}
            {{- end }}
            - --host=0.0.0.0
            - --port={{ $port }}
            - --workers={{ ternary $a.workers $m.workers $art | int }}
            - --uvicorn-opts=--ssl-keyfile=/etc/tls/private/tls.key --ssl-certfile=/etc/tls/private/tls.crt --proxy-headers
            {{- if and $.Values.metrics.enabled (not $art) }}
            - --expose-prometheus=/tmp/prometheus
            {{- end }}
            {{- with $m.allowedHosts }}
            - {{ printf "--allowed-hosts=%s" (join "," .) | quote }}
            {{- end }}
            {{- with $prefix }}
            - {{ printf "--static-prefix=%s" . | quote }}
            {{- end }}
          env:
            - name: MLFLOW_DISABLE_TELEMETRY
              value: "true"
            - name: MLFLOW_SERVER_ENABLE_JOB_EXECUTION
              value: "false"
            - name: MLFLOW_K8S_AUTH_AUTHORIZATION_MODE
              value: self_subject_access_review
            {{- include "mlflow.backendStoreEnv" $ | nindent 12 }}
            - name: MLFLOW_REGISTRY_STORE_URI
              {{- /* Unset: the same store as the backend, literal or Secret. */}}
              {{- if $m.registryStoreUriFrom }}
              valueFrom:
                {{- toYaml $m.registryStoreUriFrom | nindent 16 }}
              {{- else if $m.registryStoreUri }}
              value: {{ $m.registryStoreUri | quote }}
              {{- else if $m.backendStoreUriFrom }}
              valueFrom:
                {{- toYaml $m.backendStoreUriFrom | nindent 16 }}
              {{- else }}
              value: {{ $m.backendStoreUri | default "sqlite:////mlflow/mlflow.db" | quote }}
              {{- end }}
            {{- if $m.readReplicaBackendStoreUriFrom }}
            - name: MLFLOW_READ_REPLICA_BACKEND_STORE_URI
              valueFrom:
                {{- toYaml $m.readReplicaBackendStoreUriFrom | nindent 16 }}
            {{- else if $m.readReplicaBackendStoreUri }}
            - name: MLFLOW_READ_REPLICA_BACKEND_STORE_URI
              value: {{ $m.readReplicaBackendStoreUri | quote }}
            {{- end }}
            {{- with $m.workspaceLabelSelector }}
            - name: MLFLOW_K8S_WORKSPACE_LABEL_SELECTOR
              value: {{ . | quote }}
            {{- end }}
            {{- if and (include "mlflow.traceRollupsSql" $) (not (include "mlflow.traceRollupsEnvSet" $)) }}
            - name: MLFLOW_SQL_TRACE_ROLLUPS_ENABLED
              value: "true"
            {{- end }}
            {{- if and $.Values.traceArchival.enabled (not $art) }}
            - name: MLFLOW_TRACE_ARCHIVAL_CONFIG
              value: /etc/mlflow/trace-archival/trace-archival.yaml
            {{- end }}
            - name: MLFLOW_SERVER_CORS_ALLOWED_ORIGINS
              value: {{ include "mlflow.corsAllowedOrigins" $ | quote }}
            {{- if $.Values.caBundle.configMapName }}
            {{- include "mlflow.caBundleEnv" $ | nindent 12 }}
            {{- end }}
            {{- with $.Values.env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with $.Values.envFrom }}
          envFrom:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          ports:
            - name: https
              containerPort: {{ $port }}
              protocol: TCP
          livenessProbe:
            httpGet:
              path: {{ printf "%s/health" $prefix | quote }}
              port: https
              scheme: HTTPS
            initialDelaySeconds: 30
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: {{ printf "%s/health" $prefix | quote }}
              port: https
              scheme: HTTPS
            initialDelaySeconds: 5
            periodSeconds: 5
            timeoutSeconds: 5
            failureThreshold: 3
          {{- with ternary ($a.resources | default (omit $.Values.resources "claims")) $.Values.resources $art }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $.Values.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          volumeMounts:
            - name: tls
              mountPath: /etc/tls/private
              readOnly: true
            - name: tmp
              mountPath: /tmp
            {{- if $.Values.caBundle.configMapName }}
            - name: ca-bundle
              mountPath: /etc/pki/mlflow/bundle
              readOnly: true
            {{- end }}
            {{- if $data }}
            - name: data
              mountPath: /mlflow
            {{- end }}
            {{- if and $.Values.traceArchival.enabled (not $art) }}
            - name: trace-archival-config
              mountPath: /etc/mlflow/trace-archival
              readOnly: true
            {{- end }}
        {{- if $.Values.caBundle.configMapName }}
        {{- include "mlflow.caBundleWatch" $ | nindent 8 }}
        {{- end }}
      {{- with ternary $a.resourceClaims $.Values.resourceClaims $art }}
      resourceClaims:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      volumes:
        - name: tls
          secret:
            secretName: {{ ternary (include "mlflow.artifactsTlsSecret" $) $.Values.tls.secretName $art | quote }}
        - name: tmp
          {{- with $.Values.temporaryStorage.sizeLimit }}
          emptyDir:
            sizeLimit: {{ . | quote }}
          {{- else }}
          emptyDir: {}
          {{- end }}
        {{- if $.Values.caBundle.configMapName }}
        {{- include "mlflow.caBundleVolumes" $ | nindent 8 }}
        {{- end }}
        {{- if $data }}
        - name: data
          persistentVolumeClaim:
            claimName: {{ include "mlflow.pvcName" $ }}
        {{- end }}
        {{- if and $.Values.traceArchival.enabled (not $art) }}
        - name: trace-archival-config
          configMap:
            name: {{ include "mlflow.traceArchivalName" $ }}
        {{- end }}
{{- end -}}
