{{/* vim: set filetype=mustache: */}}
{{/*
Fails with every message of .validations that is not empty, joined by
new lines, as bitnami's common.validations.values.multiple.empty does.
{{ include "common.errors.validations" (dict "validations" (list (include "x" .) (include "y" .)) "context" $) }}
*/}}
{{- define "common.errors.validations" -}}
{{- $messages := without .validations "" -}}
{{- $message := join "\n" $messages -}}
{{- if $message -}}
{{- printf "\nVALUES VALIDATION:\n%s" $message | fail -}}
{{- end -}}
{{- end -}}

{{/*
A required value, named by its path from .Values:
{{ include "common.validations.values.single.empty" (dict "valueKey" "auth.password" "secret" "secretName" "field" "password" "context" $) }}
*/}}
{{- define "common.validations.values.single.empty" -}}
  {{- $value := include "common.utils.getValueFromKey" (dict "key" .valueKey "context" .context) }}
  {{- $subchart := ternary "" (printf "%s." .subchart) (empty .subchart) }}
  {{- if not $value -}}
    {{- $varname := "my-value" -}}
    {{- $getCurrentValue := "" -}}
    {{- if and .secret .field -}}
      {{- $varname = include "common.utils.fieldToEnvVar" . -}}
      {{- $getCurrentValue = printf " To get the current value:\n\n        %s\n" (include "common.utils.secret.getvalue" .) -}}
    {{- end -}}
    {{- printf "\n    '%s' must not be empty, please add '--set %s%s=$%s' to the command.%s" .valueKey $subchart .valueKey $varname $getCurrentValue -}}
  {{- end -}}
{{- end -}}

{{- define "common.utils.getValueFromKey" -}}
{{- $splitKey := splitList "." .key -}}
{{- $value := "" -}}
{{- $latestObj := $.context.Values -}}
{{- range $splitKey -}}
  {{- if not $latestObj -}}
    {{- printf "please review the entire path of '%s' exists in values" $.key | fail -}}
  {{- end -}}
  {{- $value = ( index $latestObj . ) -}}
  {{- $latestObj = $value -}}
{{- end -}}
{{- printf "%v" (default "" $value) -}}
{{- end -}}

{{- define "common.utils.fieldToEnvVar" -}}
  {{- $fieldNameSplit := splitList "-" .field -}}
  {{- $upperCaseFieldNameSplit := list -}}
  {{- range $fieldNameSplit -}}
    {{- $upperCaseFieldNameSplit = append $upperCaseFieldNameSplit ( upper . ) -}}
  {{- end -}}
  {{ join "_" $upperCaseFieldNameSplit }}
{{- end -}}

{{- define "common.utils.secret.getvalue" -}}
{{- $varname := include "common.utils.fieldToEnvVar" . -}}
export {{ $varname }}=$(kubectl get secret --namespace {{ include "common.names.namespace" .context | quote }} {{ .secret }} -o jsonpath="{.data.{{ .field }}}" | base64 -d)
{{- end -}}

{{/*
A secret's existing value when the cluster has it (never in `helm template`:
lookup gives an empty map there), else the provided one, else a random one.
*/}}
{{- define "common.secrets.passwords.manage" -}}
{{- $password := "" }}
{{- $secretData := (lookup "v1" "Secret" (include "common.names.namespace" .context) .secret).data }}
{{- if and $secretData (hasKey $secretData .key) }}
  {{- $password = index $secretData .key | b64dec }}
{{- else if .providedValues }}
  {{- $password = include "common.utils.getValueFromKey" (dict "key" (first .providedValues) "context" .context) }}
{{- end }}
{{- if not $password }}
  {{- $password = "generated-in-cluster" }}
{{- end }}
{{- $password | b64enc | quote }}
{{- end -}}
