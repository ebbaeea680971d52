{{/* vim: set filetype=mustache: */}}
{{/*
Expand the name of the chart.
*/}}
{{- define "ingress.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ingress.namespace" -}}
  {{- if .Values.namespaceOverride -}}
    {{- .Values.namespaceOverride -}}
  {{- else -}}
    {{- .Release.Namespace -}}
  {{- end -}}
{{- end -}}

{{- define "ingress.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ingress.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "ingress.controller.fullname" -}}
{{- printf "%s-%s" (include "ingress.fullname" .) .Values.controller.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The election id: the configured one, or <fullname>-leader.
*/}}
{{- define "ingress.controller.electionID" -}}
{{- $electionID := printf "%s-leader" (include "ingress.fullname" .) -}}
{{- if .Values.controller.electionID -}}
{{- $electionID = .Values.controller.electionID -}}
{{- end -}}
{{- $electionID -}}
{{- end -}}

{{- define "ingress.labels" -}}
helm.sh/chart: {{ include "ingress.chart" . }}
{{ include "ingress.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/part-of: {{ template "ingress.name" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- if .Values.commonLabels }}
{{ toYaml .Values.commonLabels }}
{{- end }}
{{- end -}}

{{- define "ingress.selectorLabels" -}}
app.kubernetes.io/name: {{ template "ingress.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ingress.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
    {{ default (include "ingress.fullname" .) .Values.serviceAccount.name }}
{{- else -}}
    {{ default "default" .Values.serviceAccount.name }}
{{- end -}}
{{- end -}}

{{/*
image@digest or image:tag, under its registry.
*/}}
{{- define "ingress.image" -}}
{{- $digest := .digest | default "" -}}
{{- if $digest -}}
{{- printf "%s/%s:%s@%s" .registry .image .tag $digest -}}
{{- else -}}
{{- printf "%s/%s:%s" .registry .image .tag -}}
{{- end -}}
{{- end -}}

{{/*
The container's security context, from the image settings.
*/}}
{{- define "controller.containerSecurityContext" -}}
{{- $ctx := dict "runAsNonRoot" true "runAsUser" .Values.controller.image.runAsUser "allowPrivilegeEscalation" .Values.controller.image.allowPrivilegeEscalation -}}
{{- $_ := set $ctx "capabilities" (dict "drop" (list "ALL") "add" (list "NET_BIND_SERVICE")) -}}
{{- $_ = set $ctx "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml $ctx -}}
{{- end -}}

{{/*
Whether the cluster serves the policy/v1 PodDisruptionBudget.
*/}}
{{- define "ingress.pdb.apiVersion" -}}
{{- if .Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget" -}}
policy/v1
{{- else -}}
policy/v1beta1
{{- end -}}
{{- end -}}

{{- define "ingress.hpa.apiVersion" -}}
{{- if .Capabilities.APIVersions.Has "autoscaling/v2" -}}
autoscaling/v2
{{- else -}}
autoscaling/v2beta2
{{- end -}}
{{- end -}}

{{- define "isControllerTagValid" -}}
{{- if not (semverCompare ">=0.27.0-beta.0" (trimPrefix "v" .Values.controller.image.tag)) -}}
{{- fail "Controller container image tag should be 0.27.0 or higher" -}}
{{- end -}}
{{- end -}}
