{{/*
The webapp image.
*/}}
{{- define "webapp.image" -}}
{{- include "common.images.image" (dict "imageRoot" .Values.image "global" .Values.global "chart" .Chart) -}}
{{- end -}}

{{- define "webapp.imagePullSecrets" -}}
{{- include "common.images.renderPullSecrets" (dict "images" (list .Values.image) "context" $) -}}
{{- end -}}

{{- define "webapp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
    {{ default (include "common.names.fullname" .) .Values.serviceAccount.name }}
{{- else -}}
    {{ default "default" .Values.serviceAccount.name }}
{{- end -}}
{{- end -}}

{{- define "webapp.secretName" -}}
{{- coalesce .Values.auth.existingSecret (include "common.names.fullname" .) -}}
{{- end -}}

{{/*
The cache's host name: the aliased dependency's fullname.
*/}}
{{- define "webapp.cache.host" -}}
{{- if .Values.cache.enabled -}}
{{- printf "%s-headless" (include "common.names.dependency.fullname" (dict "chartName" "cache" "chartValues" .Values.cache "context" $)) -}}
{{- end -}}
{{- end -}}

{{/*
Every validation message of the chart, empty when the values are usable.
*/}}
{{- define "webapp.validateValues" -}}
{{- $messages := list -}}
{{- if not .Values.auth.existingSecret -}}
{{- $messages = append $messages (include "common.validations.values.single.empty" (dict "valueKey" "auth.adminPassword" "secret" (include "common.names.fullname" .) "field" "admin-password" "context" $)) -}}
{{- end -}}
{{- $messages = append $messages (include "webapp.validateValues.autoscaling" .) -}}
{{- include "common.errors.validations" (dict "validations" $messages "context" $) -}}
{{- end -}}

{{- define "webapp.validateValues.autoscaling" -}}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) -}}
webapp: autoscaling
    minReplicas ({{ .Values.autoscaling.minReplicas }}) must not exceed maxReplicas ({{ .Values.autoscaling.maxReplicas }})
{{- end -}}
{{- end -}}
