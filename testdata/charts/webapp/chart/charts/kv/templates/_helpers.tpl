{{- define "kv.fullname" -}}
{{- include "common.names.fullname" . -}}
{{- end -}}

{{- define "kv.storageClass" -}}
{{- $storageClass := .Values.persistence.storageClass | default .Values.global.storageClass -}}
{{- if $storageClass -}}
{{- if eq "-" $storageClass -}}
storageClassName: ""
{{- else -}}
storageClassName: {{ $storageClass }}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "kv.replicas" -}}
{{- ternary 1 .Values.replica.replicaCount (eq .Values.architecture "standalone") -}}
{{- end -}}
