{{/*
Names, labels and the derived settings every template shares, and
"mlflow.validate": the rules values.schema.json cannot express (the
Deployment template runs it).
*/}}

{{/* Base name of the per-instance objects: mlflow<resourceSuffix>. */}}
{{- define "mlflow.name" -}}
{{- printf "mlflow%s" (.Values.resourceSuffix | default "") -}}
{{- end -}}

{{/* Namespace of the namespaced objects. */}}
{{- define "mlflow.namespace" -}}
{{- .Values.namespace | default .Release.Namespace -}}
{{- end -}}

{{/* The claim holding the database and the artifacts. */}}
{{- define "mlflow.pvcName" -}}
{{- printf "mlflow-pvc%s" (.Values.resourceSuffix | default "") -}}
{{- end -}}

{{/* The account the pods run as. */}}
{{- define "mlflow.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (printf "%s-sa" (include "mlflow.name" .)) -}}
{{- end -}}

{{/* The image: image.name, else repository:tag (repository@sha256:...). */}}
{{- define "mlflow.image" -}}
{{- $tag := .Values.image.tag | default "" -}}
{{- if .Values.image.name -}}
{{- .Values.image.name -}}
{{- else if hasPrefix "sha256:" $tag -}}
{{- printf "%s@%s" .Values.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/*
Path prefix of the instance: mlflow.staticPrefix, else the route's path when
the HTTPRoute is on (the server must then serve under it), else none.
*/}}
{{- define "mlflow.staticPrefix" -}}
{{- if .Values.mlflow.staticPrefix -}}
{{- .Values.mlflow.staticPrefix -}}
{{- else if .Values.httpRoute.enabled -}}
{{- printf "/%s" (include "mlflow.name" .) -}}
{{- end -}}
{{- end -}}

{{/* Labels that pick one instance's pods: selectors match only these. */}}
{{- define "mlflow.selectorLabels" -}}
{{- toYaml (dict "app.kubernetes.io/name" "mlflow" "app.kubernetes.io/instance" .Release.Name) -}}
{{- end -}}

{{/*
The chart's labels without the instance: objects several instances share
(the ClusterRole, a ServiceAccount named explicitly) carry these, so
instances never fight over a label value.
*/}}
{{- define "mlflow.sharedLabels" -}}
{{- $own := dict "app" "mlflow" "component" "mlflow" "app.kubernetes.io/name" "mlflow" "app.kubernetes.io/part-of" "mlflow" "app.kubernetes.io/component" "server" "app.kubernetes.io/managed-by" .Release.Service -}}
{{- toYaml (merge $own .Values.commonLabels) -}}
{{- end -}}

{{/* Labels of every per-instance object. */}}
{{- define "mlflow.labels" -}}
{{- $own := dict "app" "mlflow" "component" "mlflow" "app.kubernetes.io/name" "mlflow" "app.kubernetes.io/instance" .Release.Name "app.kubernetes.io/part-of" "mlflow" "app.kubernetes.io/component" "server" "app.kubernetes.io/managed-by" .Release.Service -}}
{{- toYaml (merge $own .Values.commonLabels) -}}
{{- end -}}

{{/* Labels of the pods: the object labels plus podLabels. */}}
{{- define "mlflow.podLabels" -}}
{{- $own := dict "app" "mlflow" "component" "mlflow" "app.kubernetes.io/name" "mlflow" "app.kubernetes.io/instance" .Release.Name "app.kubernetes.io/part-of" "mlflow" "app.kubernetes.io/component" "server" "app.kubernetes.io/managed-by" .Release.Service -}}
{{- toYaml (merge $own .Values.podLabels .Values.commonLabels) -}}
{{- end -}}

{{/*
The rules of an MLflow deployment that a values file can break. They judge
the values the user set, not the chart's fallbacks: the default SQLite file
without storage still renders (NOTES.txt warns). Each failure names the
value to fix.
*/}}
{{/*
The origins allowed to send state-changing cross-origin requests: the
Service under each of its DNS names, with and without its port, then
mlflow.corsAllowedOrigins (a list, or a comma-separated string). MLflow
itself always allows localhost.
*/}}
{{- define "mlflow.corsAllowedOrigins" -}}
{{- $name := include "mlflow.name" . -}}
{{- $ns := include "mlflow.namespace" . -}}
{{- $port := .Values.service.port | int -}}
{{- $origins := list -}}
{{- range list $name (printf "%s.%s" $name $ns) (printf "%s.%s.svc" $name $ns) (printf "%s.%s.svc.cluster.local" $name $ns) -}}
{{- $origins = append $origins (printf "https://%s" .) -}}
{{- $origins = append $origins (printf "https://%s:%d" . $port) -}}
{{- end -}}
{{- $extra := .Values.mlflow.corsAllowedOrigins -}}
{{- if kindIs "string" $extra -}}
{{- $extra = splitList "," $extra -}}
{{- end -}}
{{- range $extra -}}
{{- with trim . -}}
{{- $origins = append $origins . -}}
{{- end -}}
{{- end -}}
{{- join "," $origins -}}
{{- end -}}

{{- define "mlflow.validate" -}}
{{- $m := .Values.mlflow -}}
{{- $backend := $m.backendStoreUri | default "" -}}
{{- $registry := $m.registryStoreUri | default "" -}}
{{- $replica := $m.readReplicaBackendStoreUri | default "" -}}
{{- $root := $m.defaultArtifactRoot | default "" -}}
{{- $dest := $m.artifactsDestination | default "" -}}
{{- $suffix := .Values.resourceSuffix | default "" -}}
{{- if and $backend $m.backendStoreUriFrom -}}
{{- fail "mlflow.backendStoreUri and mlflow.backendStoreUriFrom are mutually exclusive: set only one" -}}
{{- end -}}
{{- if and $registry $m.registryStoreUriFrom -}}
{{- fail "mlflow.registryStoreUri and mlflow.registryStoreUriFrom are mutually exclusive: set only one" -}}
{{- end -}}
{{- if and $replica $m.readReplicaBackendStoreUriFrom -}}
{{- fail "mlflow.readReplicaBackendStoreUri and mlflow.readReplicaBackendStoreUriFrom are mutually exclusive: set only one" -}}
{{- end -}}
{{- $as := .Values.artifactsServer -}}
{{- if $as.enabled -}}
{{- if $m.serveArtifacts -}}
{{- fail "artifactsServer.enabled: mlflow.serveArtifacts and artifactsServer.enabled are mutually exclusive (set mlflow.serveArtifacts=false: the artifacts server serves them)" -}}
{{- end -}}
{{- if $root -}}
{{- fail "artifactsServer.enabled: mlflow.defaultArtifactRoot and artifactsServer.enabled are mutually exclusive (the artifact root is the artifacts server's, artifactsServer.artifactRoot)" -}}
{{- end -}}
{{- if not $dest -}}
{{- fail "artifactsServer.enabled: mlflow.artifactsDestination must be set when artifactsServer is enabled (where the artifacts server stores artifacts)" -}}
{{- end -}}
{{- if not (or $m.backendStoreUriFrom (and $backend (not (hasPrefix "sqlite" $backend)))) -}}
{{- fail "artifactsServer.enabled: artifactsServer cannot be enabled with an inline SQLite backend store (both servers share it): set mlflow.backendStoreUri or mlflow.backendStoreUriFrom to a database server" -}}
{{- end -}}
{{- if or (hasPrefix "sqlite" $registry) (hasPrefix "sqlite" $replica) -}}
{{- fail "artifactsServer.enabled: artifactsServer cannot be enabled with an inline SQLite registry or read replica store (both servers share them)" -}}
{{- end -}}
{{- if and (hasPrefix "file://" $dest) (gt ($as.replicaCount | int) 1) (not (has "ReadWriteMany" (.Values.storage.accessModes | default (list .Values.storage.accessMode)))) -}}
{{- fail "artifactsServer.replicaCount: multiple artifact server replicas with a file:// mlflow.artifactsDestination need storage with the ReadWriteMany access mode" -}}
{{- end -}}
{{- else if not (or $m.serveArtifacts $root) -}}
{{- fail "mlflow.defaultArtifactRoot is required when mlflow.serveArtifacts is false (clients write artifacts there directly)" -}}
{{- end -}}
{{- if and (hasPrefix "file://" $root) (not $m.serveArtifacts) -}}
{{- fail "mlflow.defaultArtifactRoot: a file:// root needs mlflow.serveArtifacts=true (clients cannot reach the server's files)" -}}
{{- end -}}
{{- if and (hasPrefix "file://" $dest) (not $m.serveArtifacts) (not $as.enabled) -}}
{{- fail "mlflow.artifactsDestination: a file:// destination needs mlflow.serveArtifacts=true" -}}
{{- end -}}
{{- if not .Values.storage.enabled -}}
{{- if or (hasPrefix "sqlite://" $backend) (hasPrefix "file://" $backend) -}}
{{- fail "mlflow.backendStoreUri: a sqlite:// or file:// URI needs storage.enabled=true (the data would die with the pod)" -}}
{{- end -}}
{{- if or (hasPrefix "sqlite://" $registry) (hasPrefix "file://" $registry) -}}
{{- fail "mlflow.registryStoreUri: a sqlite:// or file:// URI needs storage.enabled=true (the data would die with the pod)" -}}
{{- end -}}
{{- if or (hasPrefix "sqlite://" $replica) (hasPrefix "file://" $replica) -}}
{{- fail "mlflow.readReplicaBackendStoreUri: a sqlite:// or file:// URI needs storage.enabled=true (the data would die with the pod)" -}}
{{- end -}}
{{- if hasPrefix "file://" $dest -}}
{{- fail "mlflow.artifactsDestination: a file:// destination needs storage.enabled=true (the artifacts would die with the pod)" -}}
{{- end -}}
{{- end -}}
{{- range .Values.env -}}
{{- if has .name (list "MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE" "MLFLOW_SERVER_ENABLE_JOB_EXECUTION") -}}
{{- fail (printf "env: setting %s is not allowed (the chart manages it)" .name) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.migration.enabled (or (hasPrefix "file://" $backend) (hasPrefix "file://" $registry)) -}}
{{- fail "migration.enabled: mlflow db upgrade needs SQL stores (sqlite://, postgresql://, mysql://, mssql://), not file://" -}}
{{- end -}}
{{- if and .Values.garbageCollection.enabled (not .Values.garbageCollection.schedule) -}}
{{- fail "garbageCollection.schedule is required when garbageCollection.enabled (a cron schedule, e.g. \"0 2 * * 0\")" -}}
{{- end -}}
{{- if and .Values.migration.enabled .Values.migration.backup.enabled (not .Values.storage.enabled) (not .Values.migration.backup.claimName) -}}
{{- fail "migration.backup needs a claim for the backups: storage.enabled, or migration.backup.claimName" -}}
{{- end -}}
{{- if and (include "mlflow.traceRollupsSql" .) (ne (toString .Values.traceRollups.enabled) "false") (gt (len (include "mlflow.traceRollupsName" .)) 52) -}}
{{- fail (printf "traceRollups: the CronJob name %s has %d characters, at most 52 (a shorter resourceSuffix, or traceRollups.enabled=false)" (include "mlflow.traceRollupsName" .) (len (include "mlflow.traceRollupsName" .))) -}}
{{- end -}}
{{- $ta := .Values.traceArchival -}}
{{- if $ta.enabled -}}
{{- range list "schedule" "location" "retention" -}}
{{- if not (index $ta .) -}}
{{- fail (printf "traceArchival.%s is required when traceArchival.enabled" .) -}}
{{- end -}}
{{- end -}}
{{- if and (hasPrefix "file://" $ta.location) (not .Values.storage.enabled) -}}
{{- fail "traceArchival.location: a file:// location needs storage.enabled=true (the archive would die with the pod)" -}}
{{- end -}}
{{- if gt (len (include "mlflow.traceArchivalName" .)) 52 -}}
{{- fail (printf "traceArchival: the CronJob name %s has %d characters, at most 52 (a shorter resourceSuffix)" (include "mlflow.traceArchivalName" .) (len (include "mlflow.traceArchivalName" .))) -}}
{{- end -}}
{{- end -}}
{{- if gt (len $suffix) 41 -}}
{{- fail (printf "resourceSuffix: at most 41 characters, got %d (every generated name must fit 63)" (len $suffix)) -}}
{{- end -}}
{{- end -}}

{{/* Name of the garbage collection CronJob, its ServiceAccount and its
ClusterRoleBinding: mlflow-gc<resourceSuffix> (at most 52 characters, as a
CronJob's name must be). */}}
{{- define "mlflow.gcName" -}}
{{- printf "mlflow-gc%s" (.Values.resourceSuffix | default "") -}}
{{- end -}}

{{/* Labels of the garbage collection objects and pods: the instance's, but
another app.kubernetes.io/name and component, so the server's Service and
selectors never pick a gc pod. */}}
{{- define "mlflow.gcLabels" -}}
{{- include "mlflow.workloadLabels" (list . "mlflow-gc" "garbage-collection") -}}
{{- end -}}

{{/* Labels of the objects and pods of one of the instance's workloads
besides the server: (list $ APP COMPONENT). The instance's labels with
another app.kubernetes.io/name, so no selector of the server picks them. */}}
{{- define "mlflow.workloadLabels" -}}
{{- $ := index . 0 -}}
{{- $app := index . 1 -}}
{{- $own := dict "app" $app "component" $app "app.kubernetes.io/name" $app "app.kubernetes.io/instance" $.Release.Name "app.kubernetes.io/part-of" "mlflow" "app.kubernetes.io/component" (index . 2) "app.kubernetes.io/managed-by" $.Release.Service -}}
{{- toYaml (merge $own $.Values.commonLabels) -}}
{{- end -}}

{{/* "true" when the backend store is a server database (postgresql://,
mysql://, mssql://, or a URI from a Secret, which the chart cannot read):
then SQL trace rollups are on in the server, and scheduled unless
traceRollups.enabled is false. */}}
{{- define "mlflow.traceRollupsSql" -}}
{{- $m := .Values.mlflow -}}
{{- $b := $m.backendStoreUri | default "" -}}
{{- if or $m.backendStoreUriFrom (hasPrefix "postgresql" $b) (hasPrefix "mysql" $b) (hasPrefix "mssql" $b) -}}
true
{{- end -}}
{{- end -}}

{{/* "true" when the instance's env sets MLFLOW_SQL_TRACE_ROLLUPS_ENABLED
itself (it then wins, once). */}}
{{- define "mlflow.traceRollupsEnvSet" -}}
{{- range .Values.env -}}
{{- if eq .name "MLFLOW_SQL_TRACE_ROLLUPS_ENABLED" -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of the trace rollups CronJob: mlflow-trace-rollups<resourceSuffix>. */}}
{{- define "mlflow.traceRollupsName" -}}
{{- printf "mlflow-trace-rollups%s" (.Values.resourceSuffix | default "") -}}
{{- end -}}

{{/* Labels of the trace rollups objects and pods. */}}
{{- define "mlflow.traceRollupsLabels" -}}
{{- include "mlflow.workloadLabels" (list . "mlflow-trace-rollups" "trace-rollups") -}}
{{- end -}}

{{/* Name of the trace archival CronJob, its ConfigMap, ServiceAccount and
ClusterRoleBinding: mlflow-trace-archival<resourceSuffix> (at most 52
characters, as a CronJob's name must be). */}}
{{- define "mlflow.traceArchivalName" -}}
{{- printf "mlflow-trace-archival%s" (.Values.resourceSuffix | default "") -}}
{{- end -}}

{{/* Labels of the trace archival objects and pods. */}}
{{- define "mlflow.traceArchivalLabels" -}}
{{- include "mlflow.workloadLabels" (list . "mlflow-trace-archival" "trace-archival") -}}
{{- end -}}

{{/* Name of the schema migration Job: mlflow-migrate<resourceSuffix>. */}}
{{- define "mlflow.migrateName" -}}
{{- printf "mlflow-migrate%s" (.Values.resourceSuffix | default "") -}}
{{- end -}}

{{/* Labels of the migration Job and its pod: the instance's, another
app.kubernetes.io/name, so no selector of the server picks them. */}}
{{- define "mlflow.migrateLabels" -}}
{{- include "mlflow.workloadLabels" (list . "mlflow-migrate" "migration") -}}
{{- end -}}

{{/* Name of the artifacts server's Deployment and Service, and its path
prefix without the slash: mlflow-artifacts<resourceSuffix>. */}}
{{- define "mlflow.artifactsName" -}}
{{- printf "mlflow-artifacts%s" (.Values.resourceSuffix | default "") -}}
{{- end -}}

{{/* Labels of the artifacts server's objects: the instance's, another
app.kubernetes.io/name, so the tracking server's selectors never pick its
pods (and the other way round). */}}
{{- define "mlflow.artifactsLabels" -}}
{{- include "mlflow.workloadLabels" (list . "mlflow-artifacts" "artifacts-server") -}}
{{- end -}}

{{/* Labels that pick the artifacts server's pods. */}}
{{- define "mlflow.artifactsSelectorLabels" -}}
{{- toYaml (dict "app.kubernetes.io/name" "mlflow-artifacts" "app.kubernetes.io/instance" .Release.Name) -}}
{{- end -}}

{{/* Labels of the artifacts server's pods: its object labels plus podLabels. */}}
{{- define "mlflow.artifactsPodLabels" -}}
{{- toYaml (merge (fromYaml (include "mlflow.artifactsLabels" .)) .Values.podLabels) -}}
{{- end -}}

{{/* The artifacts server's serving certificate Secret. */}}
{{- define "mlflow.artifactsTlsSecret" -}}
{{- .Values.artifactsServer.tls.secretName | default (printf "%s-tls" (include "mlflow.artifactsName" .)) -}}
{{- end -}}

{{/* Artifact location both servers record for new experiments with an
artifacts server: artifactsServer.artifactRoot, else its Service's
in-cluster URL of the artifact API. */}}
{{- define "mlflow.artifactRoot" -}}
{{- $name := include "mlflow.artifactsName" . -}}
{{- .Values.artifactsServer.artifactRoot | default (printf "https://%s.%s.svc:%d/%s/api/2.0/mlflow-artifacts/artifacts" $name (include "mlflow.namespace" .) (.Values.artifactsServer.port | int) $name) -}}
{{- end -}}
