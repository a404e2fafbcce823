{{/* Names, labels and the rules shared by the templates. */}}

{{- define "spaceport.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's object name: RELEASE-CHART, or RELEASE when it already contains the chart name. */}}
{{- define "spaceport.fullname" -}}
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

{{- define "spaceport.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "spaceport.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spaceport.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "spaceport.labels" -}}
helm.sh/chart: {{ include "spaceport.chart" . }}
{{ include "spaceport.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: controller
app.kubernetes.io/part-of: spaceport
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "spaceport.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "spaceport.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* "true" when the controller runs with --leader-elect: asked for, or forced by replicas > 1. */}}
{{- define "spaceport.leaderElect" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicas) 1) -}}true{{- end -}}
{{- end -}}

{{- define "spaceport.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/*
Rules across values that a schema cannot say clearly; rendered (empty) by the Deployment so a
wrong combination stops `helm install` and `helm template` with a message naming the value.
*/}}
{{- define "spaceport.validate" -}}
{{- if and (gt (int .Values.replicas) 1) (not .Values.fingerprintKey.existingSecret) -}}
{{- fail (printf "fingerprintKey.existingSecret is required when replicas > 1 (replicas is %d): every replica must fingerprint Space secrets with the same key, or a new leader rewrites every managed secret (docs/kubernetes-mode.md). Create it with: kubectl create secret generic spaceport-fingerprint --from-literal=fingerprint-key=$(openssl rand -hex 32)" (int .Values.replicas)) -}}
{{- end -}}
{{- end -}}

{{/* The rules of the controller in a watched namespace (or cluster-wide): docs/kubernetes-mode.md. */}}
{{- define "spaceport.watchRules" -}}
- apiGroups: [spaceport.dev]
  resources: [spacedeployments]
  verbs: [get, list, watch]
- apiGroups: [spaceport.dev]
  resources: [spacedeployments/status]
  verbs: [get, update, patch]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch, get]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
{{- if .Values.jobBuilder.enabled }}
- apiGroups: [batch]
  resources: [jobs]
  verbs: [create, get, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [list]
- apiGroups: [""]
  resources: [pods/log]
  verbs: [get]
{{- end }}
{{- end -}}

{{/* An env entry from a Secret key: (list NAME SECRET KEY). */}}
{{- define "spaceport.secretEnv" -}}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ index . 1 | quote }}
      key: {{ index . 2 | quote }}
{{- end -}}

{{/* The ControllerConfig document of the ConfigMap. */}}
{{- define "spaceport.config" -}}
apiVersion: spaceport.dev/v1alpha1
kind: ControllerConfig
registries:
{{- if .Values.config.registries }}
{{ toYaml .Values.config.registries }}
{{- else }} []
{{- end }}
hub:
{{- with .Values.config.hub.endpoint }}
  endpoint: {{ . | quote }}
{{- end }}
{{- if .Values.config.hub.insecure }}
  insecure: true
{{- end }}
{{- if .Values.hub.existingSecret }}
  tokenFromEnv: HF_TOKEN
{{- end }}
  budget:
    requests: {{ int .Values.config.hub.budget.requests }}
    windowSeconds: {{ int .Values.config.hub.budget.windowSeconds }}
{{- end -}}
