// Rendered objects checked against the Kubernetes OpenAPI schemas compiled into the npm package
// kubernetes-models@5.1.0 (built-in kinds) and @kubernetes-models/prometheus-operator (the
// ServiceMonitor and PrometheusRule CRDs): `new Kind(object).validate()`. A kind this map does
// not know is a problem, so a new template cannot go unchecked.
import { ConfigMap, Namespace, Service, ServiceAccount } from "kubernetes-models/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget as PodDisruptionBudgetV1 } from "kubernetes-models/policy/v1";
import { PodDisruptionBudget as PodDisruptionBudgetV1beta1 } from "kubernetes-models/policy/v1beta1";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1";
import { PrometheusRule, ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

const MODELS = {
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "apps/v1/Deployment": Deployment,
  "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudgetV1,
  "policy/v1beta1/PodDisruptionBudget": PodDisruptionBudgetV1beta1,
  "apiextensions.k8s.io/v1/CustomResourceDefinition": CustomResourceDefinition,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
};

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// Problems of one object ([] when valid).
export function validateObject(object) {
  const key = `${object.apiVersion}/${object.kind}`;
  const Model = MODELS[key];
  if (!Model) return [`${key}: no schema known for this kind (add it to tests/chart/lib/models.mjs)`];
  const problems = [];
  try {
    new Model(object).validate();
  } catch (e) {
    problems.push(e.message);
  }
  const name = object.metadata?.name ?? "";
  if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) problems.push(`metadata.name ${JSON.stringify(name)} is not a DNS-1123 subdomain`);
  for (const [k, v] of Object.entries(object.metadata?.labels || {})) {
    if (typeof v !== "string" || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) problems.push(`label ${k}: invalid value ${JSON.stringify(v)}`);
  }
  return problems;
}
