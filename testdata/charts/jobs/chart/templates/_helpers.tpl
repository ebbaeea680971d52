{{- define "jobs.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- range $k, $v := .Values.labels }}
{{ $k }}: {{ tpl (toString $v) $ | quote }}
{{- end }}
{{- end -}}

{{- define "jobs.env" -}}
{{- range $k, $v := .job.env }}
- name: {{ $k | upper | replace "-" "_" }}
  {{- if kindIs "map" $v }}
  valueFrom: {{- toYaml $v | nindent 4 }}
  {{- else }}
  value: {{ tpl (toString $v) $.root | quote }}
  {{- end }}
{{- else }}
[]
{{- end }}
{{- end -}}

{{- define "jobs.podSpec" -}}
restartPolicy: {{ .job.restartPolicy }}
containers:
  - name: {{ .job.name }}
    image: {{ .job.image }}
    {{- with .job.command }}
    command: {{ toJson . }}
    {{- else }}
    command: ["/bin/sh", "-c", "echo {{ .job.name }}"]
    {{- end }}
    env: {{- include "jobs.env" . | nindent 6 }}
    resources: {{- toYaml .job.resources | nindent 6 }}
{{- end -}}
