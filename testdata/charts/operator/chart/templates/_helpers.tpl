{{/* vim: set filetype=mustache: */}}
{{- define "certs.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "certs.fullname" -}}
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

{{- define "certs.namespace" -}}
{{- default .Release.Namespace .Values.namespace -}}
{{- end -}}

{{- define "certs.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
    {{ default (include "certs.fullname" .) .Values.serviceAccount.name }}
{{- else -}}
    {{ default "default" .Values.serviceAccount.name }}
{{- end -}}
{{- end -}}

{{- define "certs.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Labels that should be added on each resource
*/}}
{{- define "certs.labels" -}}
app.kubernetes.io/version: {{ .Chart.AppVersion | replace "+" "_" | quote }}
{{- if eq .Values.creator "helm" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "certs.chart" . }}
{{- end -}}
{{- if .Values.global.commonLabels }}
{{ toYaml .Values.global.commonLabels }}
{{- end }}
{{- end -}}

{{- define "certs.selectorLabels" -}}
app.kubernetes.io/name: {{ include "certs.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: {{ .component | default "controller" }}
{{- end -}}

{{/*
The image: registry/repository, then @digest, else :tag (appVersion by default).
*/}}
{{- define "image" -}}
{{- $defaultTag := index . 1 -}}
{{- with index . 0 -}}
{{- if .registry -}}{{ printf "%s/%s" .registry .repository }}{{- else -}}{{- .repository -}}{{- end -}}
{{- if .digest -}}{{ printf "@%s" .digest }}{{- else -}}{{ printf ":%s" (default $defaultTag .tag) }}{{- end -}}
{{- end }}
{{- end }}

{{/*
The leader election flags, from the non-empty durations only.
*/}}
{{- define "certs.leaderElectionArgs" -}}
{{- $le := .Values.global.leaderElection -}}
- --leader-election-namespace={{ $le.namespace }}
{{- range $flag := list "leaseDuration" "renewDeadline" "retryPeriod" }}
{{- with index $le $flag }}
- --leader-election-{{ $flag | kebabcase }}={{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Feature gates as a sorted, de-duplicated list: "a=true,b=false" -> [a=true b=false]
*/}}
{{- define "certs.featureGates" -}}
{{- $gates := dict -}}
{{- range splitList "," .Values.featureGates -}}
{{- $kv := regexSplit "\\s*=\\s*" (trim .) 2 -}}
{{- if eq (len $kv) 2 -}}
{{- $_ := set $gates (first $kv) (last $kv) -}}
{{- end -}}
{{- end -}}
{{- $out := list -}}
{{- range $k := keys $gates | sortAlpha -}}
{{- $out = append $out (printf "%s=%s" $k (get $gates $k)) -}}
{{- end -}}
{{- join "," $out -}}
{{- end -}}

{{/*
Webhook URL or in-cluster service reference.
*/}}
{{- define "webhook.caRef" -}}
{{- template "certs.namespace" . }}/{{ template "certs.fullname" . }}-webhook-ca
{{- end -}}

{{/*
A Prometheus duration in seconds: "1m" -> 60, "90s" -> 90, "2h" -> 7200.
*/}}
{{- define "certs.durationSeconds" -}}
{{- $d := toString . -}}
{{- $n := regexReplaceAll "[^0-9]" $d "" | int -}}
{{- $unit := regexFind "[smh]$" $d -}}
{{- $mult := dict "s" 1 "m" 60 "h" 3600 -}}
{{- mul $n (get $mult (default "s" $unit)) -}}
{{- end -}}
