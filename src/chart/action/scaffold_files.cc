// Skiff's own starter chart for `skiff chart create`: a Deployment behind a Service, with
// optional Ingress, HTTPRoute, autoscaler and ServiceAccount. Same file set as helm's scaffold so
// helm users find their way around; the text is written for skiff.
#include "chart/action/scaffold.h"

namespace skiff::chart {

namespace {

constexpr const char kChartYaml[] = R"scaffold(apiVersion: v2
name: <CHARTNAME>
description: A starter chart for one containerized web application.

# An "application" chart installs resources. A "library" chart only offers named
# templates for other charts to include and cannot be installed by itself.
type: application

# Version of the chart itself (semver, https://semver.org). Raise it whenever the
# templates or default values change.
version: 0.1.0

# Version of the software the chart installs; the default image tag. Any string works,
# quoted so that YAML does not turn something like 1.10 into a number.
appVersion: "1.27.0"
)scaffold";

constexpr const char kValuesYaml[] = R"scaffold(# Default settings for <CHARTNAME>. Override any of them at install or upgrade time
# with `--values my-values.yaml` or `--set path.to.key=value`.

# How many pods to run. Not used while autoscaling.enabled is true: the
# HorizontalPodAutoscaler decides the count then.
replicaCount: 1

image:
  repository: nginx
  # Always | IfNotPresent | Never. IfNotPresent reuses an image already on the node.
  pullPolicy: IfNotPresent
  # Empty means the chart's appVersion.
  tag: ""

# Secrets with credentials for private registries, for example:
#   imagePullSecrets:
#     - name: registry-credentials
imagePullSecrets: []

# nameOverride replaces the chart name inside resource names; fullnameOverride replaces
# the whole generated name (normally "<release>-<chart>").
nameOverride: ""
fullnameOverride: ""

serviceAccount:
  # Whether the chart creates a ServiceAccount for its pods.
  create: true
  # Whether pods get the account's API token mounted. Turn it off unless the
  # application talks to the Kubernetes API.
  automount: true
  # Extra annotations for the ServiceAccount.
  annotations: {}
  # Account to run the pods as. When empty: the generated full name if create is
  # true, otherwise the namespace's "default" account.
  name: ""

# Extra annotations and labels for the pods (not for the Deployment object).
podAnnotations: {}
podLabels: {}

# Security settings for the whole pod, for example:
#   podSecurityContext:
#     fsGroup: 2000
podSecurityContext: {}

# Security settings for the application container, for example:
#   securityContext:
#     runAsNonRoot: true
#     runAsUser: 1000
#     readOnlyRootFilesystem: true
#     capabilities:
#       drop: [ALL]
# https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
securityContext: {}

# The port the application listens on inside the container.
containerPort: 80

service:
  # ClusterIP keeps the Service inside the cluster; NodePort or LoadBalancer expose it.
  type: ClusterIP
  # Port clients connect to; traffic goes on to the container's port.
  port: 80

# Route outside HTTP(S) traffic to the Service through an ingress controller.
# https://kubernetes.io/docs/concepts/services-networking/ingress/
ingress:
  enabled: false
  # IngressClass to use; empty picks the cluster's default class.
  className: ""
  annotations: {}
  hosts:
    - host: app.example.com
      paths:
        - path: /
          pathType: Prefix
  # Certificates, each a TLS Secret covering some of the hosts, for example:
  #   tls:
  #     - secretName: app-example-tls
  #       hosts:
  #         - app.example.com
  tls: []

# The Gateway API alternative to an Ingress. Needs the Gateway API CRDs and a Gateway.
# https://gateway-api.sigs.k8s.io/api-types/httproute/
httpRoute:
  enabled: false
  annotations: {}
  # Gateways (and listeners) this route attaches to.
  parentRefs:
    - name: gateway
      sectionName: http
  hostnames:
    - app.example.com
  # Each rule sends the requests it matches to the Service.
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: /

# CPU and memory for the container. Empty so the chart also fits small test clusters;
# set requests (reserved by the scheduler) and limits (enforced) for real use, e.g.
#   resources:
#     requests:
#       cpu: 100m
#       memory: 128Mi
#     limits:
#       memory: 128Mi
resources: {}

# A failing liveness probe restarts the container; a failing readiness probe takes the
# pod out of the Service until it passes again.
# https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
livenessProbe:
  httpGet:
    path: /
    port: http
readinessProbe:
  httpGet:
    path: /
    port: http

# Scale the Deployment between minReplicas and maxReplicas to keep average usage near
# the targets (percent of the requested resources; leave a target empty to ignore it).
# https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
autoscaling:
  enabled: false
  minReplicas: 1
  maxReplicas: 10
  targetCPUUtilizationPercentage: 80
  targetMemoryUtilizationPercentage: ""

# Extra volumes for the pod and where the container mounts them, for example:
#   volumes:
#     - name: config
#       configMap:
#         name: app-config
#   volumeMounts:
#     - name: config
#       mountPath: /etc/app
#       readOnly: true
volumes: []
volumeMounts: []

# Where the pods may be scheduled.
# https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
nodeSelector: {}
tolerations: []
affinity: {}
)scaffold";

constexpr const char kHelmignore[] = R"scaffold(# Paths that `helm package` leaves out of the chart archive, one pattern per line,
# relative to the chart directory. Patterns use shell glob syntax; a trailing "/"
# matches directories only and a leading "!" brings a path back in.

# Version control
.git/
.gitignore
.hg/
.hgignore
.svn/
.bzr/
.bzrignore

# Editors, IDEs and operating systems
.vscode/
.idea/
.project
*.tmproj
*.swp
*~
.DS_Store

# Leftovers
*.bak
*.orig
*.tmp
)scaffold";

constexpr const char kIngressYaml[] = R"scaffold({{- if .Values.ingress.enabled -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "<CHARTNAME>.fullname" . }}
  labels:
    {{- include "<CHARTNAME>.labels" . | nindent 4 }}
  {{- with .Values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .Values.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with .Values.ingress.tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    {{- range .Values.ingress.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- range .paths }}
          - path: {{ .path }}
            pathType: {{ .pathType }}
            backend:
              service:
                name: {{ include "<CHARTNAME>.fullname" $ }}
                port:
                  name: http
          {{- end }}
    {{- end }}
{{- end }}
)scaffold";

constexpr const char kHttpRouteYaml[] = R"scaffold({{- if .Values.httpRoute.enabled -}}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: {{ include "<CHARTNAME>.fullname" . }}
  labels:
    {{- include "<CHARTNAME>.labels" . | nindent 4 }}
  {{- with .Values.httpRoute.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .Values.httpRoute.parentRefs }}
  parentRefs:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.httpRoute.hostnames }}
  hostnames:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    {{- range .Values.httpRoute.rules }}
    - backendRefs:
        - name: {{ include "<CHARTNAME>.fullname" $ }}
          port: {{ $.Values.service.port }}
      {{- with .matches }}
      matches:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .filters }}
      filters:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
{{- end }}
)scaffold";

constexpr const char kDeploymentYaml[] = R"scaffold(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "<CHARTNAME>.fullname" . }}
  labels:
    {{- include "<CHARTNAME>.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "<CHARTNAME>.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      labels:
        {{- include "<CHARTNAME>.labels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      serviceAccountName: {{ include "<CHARTNAME>.serviceAccountName" . }}
      {{- with .Values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .Chart.Name }}
          image: {{ include "<CHARTNAME>.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          {{- with .Values.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          ports:
            - name: http
              containerPort: {{ .Values.containerPort }}
              protocol: TCP
          {{- with .Values.livenessProbe }}
          livenessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .Values.readinessProbe }}
          readinessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .Values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .Values.volumeMounts }}
          volumeMounts:
            {{- toYaml . | nindent 12 }}
          {{- end }}
      {{- with .Values.volumes }}
      volumes:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
)scaffold";

constexpr const char kServiceYaml[] = R"scaffold(apiVersion: v1
kind: Service
metadata:
  name: {{ include "<CHARTNAME>.fullname" . }}
  labels:
    {{- include "<CHARTNAME>.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "<CHARTNAME>.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
)scaffold";

constexpr const char kServiceAccountYaml[] = R"scaffold({{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "<CHARTNAME>.serviceAccountName" . }}
  labels:
    {{- include "<CHARTNAME>.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ .Values.serviceAccount.automount }}
{{- end }}
)scaffold";

constexpr const char kHpaYaml[] = R"scaffold({{- if .Values.autoscaling.enabled -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "<CHARTNAME>.fullname" . }}
  labels:
    {{- include "<CHARTNAME>.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "<CHARTNAME>.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    {{- with .Values.autoscaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with .Values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}
)scaffold";

constexpr const char kNotesTxt[] = R"scaffold({{- $fullname := include "<CHARTNAME>.fullname" . -}}
{{ .Chart.Name }} is installed as release "{{ .Release.Name }}" in namespace "{{ .Release.Namespace }}".

To reach the application:
{{- if .Values.httpRoute.enabled }}
  Through the Gateway listed in the HTTPRoute's parentRefs, at:
  {{- range .Values.httpRoute.hostnames }}
    http://{{ . }}/
  {{- end }}
  Check that the route was accepted with:
    kubectl --namespace {{ .Release.Namespace }} get httproute {{ $fullname }} -o yaml
{{- else if .Values.ingress.enabled }}
  {{- range $host := .Values.ingress.hosts }}
  {{- range .paths }}
  http{{ if $.Values.ingress.tls }}s{{ end }}://{{ $host.host }}{{ .path }}
  {{- end }}
  {{- end }}
{{- else if eq .Values.service.type "NodePort" }}
  NODE_PORT=$(kubectl --namespace {{ .Release.Namespace }} get service {{ $fullname }} -o jsonpath='{.spec.ports[0].nodePort}')
  NODE_IP=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[0].address}')
  echo "http://$NODE_IP:$NODE_PORT/"
{{- else if eq .Values.service.type "LoadBalancer" }}
  The load balancer's address can take a few minutes to appear
  (watch with: kubectl --namespace {{ .Release.Namespace }} get service {{ $fullname }} -w).
  LB_ADDRESS=$(kubectl --namespace {{ .Release.Namespace }} get service {{ $fullname }} -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
  echo "http://$LB_ADDRESS:{{ .Values.service.port }}/"
{{- else }}
  kubectl --namespace {{ .Release.Namespace }} port-forward service/{{ $fullname }} 8080:{{ .Values.service.port }}
  and then open http://127.0.0.1:8080/
{{- end }}
)scaffold";

constexpr const char kHelpersTpl[] = R"scaffold({{/*
Named templates shared by the manifests of this chart.
*/}}

{{/*
Short name of the application: nameOverride, or else the chart name. Truncated to 63
characters, the limit for names that must be DNS labels.
*/}}
{{- define "<CHARTNAME>.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name given to this release's resources: fullnameOverride, or else "<release>-<name>".
When the release name already contains the short name, the release name alone is used,
so release "shop" of chart "shop" is not called "shop-shop". Truncated to 63 characters.
*/}}
{{- define "<CHARTNAME>.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "<CHARTNAME>.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Value of the helm.sh/chart label, "<chart>-<version>". Label values may not contain "+",
which semver allows in build metadata, so it becomes "_".
*/}}
{{- define "<CHARTNAME>.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels that pick out this release's pods. The Deployment's selector uses them and cannot
be changed after it is created, so nothing that varies between upgrades belongs here.
*/}}
{{- define "<CHARTNAME>.selectorLabels" -}}
app.kubernetes.io/name: {{ include "<CHARTNAME>.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels for every resource: the selector labels plus the recommended descriptive ones
(https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/).
*/}}
{{- define "<CHARTNAME>.labels" -}}
{{ include "<CHARTNAME>.selectorLabels" . }}
{{- with .Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "<CHARTNAME>.chart" . }}
{{- end }}

{{/*
ServiceAccount the pods run as; see serviceAccount in values.yaml.
*/}}
{{- define "<CHARTNAME>.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- .Values.serviceAccount.name | default (include "<CHARTNAME>.fullname" .) }}
{{- else }}
{{- .Values.serviceAccount.name | default "default" }}
{{- end }}
{{- end }}

{{/*
Container image reference; the tag defaults to the chart's appVersion.
*/}}
{{- define "<CHARTNAME>.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}
)scaffold";

constexpr const char kTestConnectionYaml[] = R"scaffold({{- /*
`helm test <release>` runs this pod. It succeeds when the Service answers an HTTP request.
*/ -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "<CHARTNAME>.fullname" . }}-test-connection
  labels:
    {{- include "<CHARTNAME>.labels" . | nindent 4 }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  containers:
    - name: http-get
      image: busybox:1.36
      command:
        - wget
        - -q
        - -O
        - /dev/null
        - http://{{ include "<CHARTNAME>.fullname" . }}:{{ .Values.service.port }}/
)scaffold";

}  // namespace

const std::vector<ScaffoldFile>& scaffold_files() {
  // The order helm writes its scaffold in, so overwrite warnings come out in the same order.
  static const std::vector<ScaffoldFile> files = {
      {"Chart.yaml", kChartYaml},
      {"values.yaml", kValuesYaml},
      {".helmignore", kHelmignore},
      {"templates/ingress.yaml", kIngressYaml},
      {"templates/httproute.yaml", kHttpRouteYaml},
      {"templates/deployment.yaml", kDeploymentYaml},
      {"templates/service.yaml", kServiceYaml},
      {"templates/serviceaccount.yaml", kServiceAccountYaml},
      {"templates/hpa.yaml", kHpaYaml},
      {"templates/NOTES.txt", kNotesTxt},
      {"templates/_helpers.tpl", kHelpersTpl},
      {"templates/tests/test-connection.yaml", kTestConnectionYaml},
  };
  return files;
}

}  // namespace skiff::chart
