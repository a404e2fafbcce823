// The Pod Security Standards, "baseline" and "restricted" profiles, as documented at
// kubernetes.io/docs/concepts/security/pod-security-standards/ (policy version "latest", checked
// against the v1.32 page). Each control is one function over a PodSpec (plus the pod's
// annotations), named as the page names it; `restrictedViolations` returns one message per
// violated control and field, [] for a compliant pod.

const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
  "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]);
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
const RESTRICTED_VOLUME_TYPES = new Set([
  "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
]);

function allContainers(spec) {
  const out = [];
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    (spec[field] || []).forEach((c, i) => out.push({ path: `spec.${field}[${i}]`, c, sc: c.securityContext || {} }));
  }
  return out;
}

// Baseline controls.
const baseline = {
  "HostProcess"(spec, psc, cs, v) {
    if (psc.windowsOptions?.hostProcess === true) v.push("spec.securityContext.windowsOptions.hostProcess must not be true");
    for (const { path, sc } of cs) {
      if (sc.windowsOptions?.hostProcess === true) v.push(`${path}.securityContext.windowsOptions.hostProcess must not be true`);
    }
  },
  "Host Namespaces"(spec, psc, cs, v) {
    for (const f of ["hostNetwork", "hostPID", "hostIPC"]) if (spec[f] === true) v.push(`spec.${f} must not be true`);
  },
  "Privileged Containers"(spec, psc, cs, v) {
    for (const { path, sc } of cs) if (sc.privileged === true) v.push(`${path}.securityContext.privileged must not be true`);
  },
  "Capabilities (baseline)"(spec, psc, cs, v) {
    for (const { path, sc } of cs) {
      for (const cap of sc.capabilities?.add || []) {
        if (!BASELINE_CAPABILITIES.has(cap)) v.push(`${path}.securityContext.capabilities.add: ${cap} is not allowed`);
      }
    }
  },
  "HostPath Volumes"(spec, psc, cs, v) {
    (spec.volumes || []).forEach((vol, i) => { if (vol.hostPath) v.push(`spec.volumes[${i}] (${vol.name}): hostPath is not allowed`); });
  },
  "Host Ports"(spec, psc, cs, v) {
    for (const { path, c } of cs) {
      (c.ports || []).forEach((p, i) => { if (p.hostPort) v.push(`${path}.ports[${i}].hostPort must be 0 or unset`); });
    }
  },
  "AppArmor"(spec, psc, cs, v, annotations) {
    const ok = (t) => t === undefined || t === "RuntimeDefault" || t === "Localhost";
    if (!ok(psc.appArmorProfile?.type)) v.push("spec.securityContext.appArmorProfile.type must be RuntimeDefault or Localhost");
    for (const { path, sc } of cs) {
      if (!ok(sc.appArmorProfile?.type)) v.push(`${path}.securityContext.appArmorProfile.type must be RuntimeDefault or Localhost`);
    }
    for (const [k, val] of Object.entries(annotations || {})) {
      if (k.startsWith("container.apparmor.security.beta.kubernetes.io/") &&
          !(val === "runtime/default" || val.startsWith("localhost/"))) {
        v.push(`annotation ${k}: ${val} is not allowed`);
      }
    }
  },
  "SELinux"(spec, psc, cs, v) {
    const check = (o, where) => {
      if (!o) return;
      if (!SELINUX_TYPES.has(o.type ?? "")) v.push(`${where}.seLinuxOptions.type ${o.type} is not allowed`);
      if (o.user) v.push(`${where}.seLinuxOptions.user must be unset`);
      if (o.role) v.push(`${where}.seLinuxOptions.role must be unset`);
    };
    check(psc.seLinuxOptions, "spec.securityContext");
    for (const { path, sc } of cs) check(sc.seLinuxOptions, `${path}.securityContext`);
  },
  "/proc Mount Type"(spec, psc, cs, v) {
    for (const { path, sc } of cs) {
      if (sc.procMount !== undefined && sc.procMount !== "Default") v.push(`${path}.securityContext.procMount must be Default`);
    }
  },
  "Seccomp (baseline)"(spec, psc, cs, v) {
    if (psc.seccompProfile?.type === "Unconfined") v.push("spec.securityContext.seccompProfile.type must not be Unconfined");
    for (const { path, sc } of cs) {
      if (sc.seccompProfile?.type === "Unconfined") v.push(`${path}.securityContext.seccompProfile.type must not be Unconfined`);
    }
  },
  "Sysctls"(spec, psc, cs, v) {
    for (const s of psc.sysctls || []) if (!SAFE_SYSCTLS.has(s.name)) v.push(`spec.securityContext.sysctls: ${s.name} is not a safe sysctl`);
  },
};

// Restricted controls (in addition to baseline).
const restricted = {
  "Volume Types"(spec, psc, cs, v) {
    (spec.volumes || []).forEach((vol, i) => {
      const types = Object.keys(vol).filter((k) => k !== "name");
      for (const t of types) if (!RESTRICTED_VOLUME_TYPES.has(t)) v.push(`spec.volumes[${i}] (${vol.name}): volume type ${t} is not allowed`);
    });
  },
  "Privilege Escalation"(spec, psc, cs, v) {
    for (const { path, sc } of cs) {
      if (sc.allowPrivilegeEscalation !== false) v.push(`${path}.securityContext.allowPrivilegeEscalation must be false`);
    }
  },
  "Running as Non-root"(spec, psc, cs, v) {
    for (const { path, sc } of cs) {
      if (sc.runAsNonRoot === false) v.push(`${path}.securityContext.runAsNonRoot must not be false`);
      else if (psc.runAsNonRoot !== true && sc.runAsNonRoot !== true) {
        v.push(`${path}: runAsNonRoot must be true in the pod or the container securityContext`);
      }
    }
  },
  "Running as Non-root user"(spec, psc, cs, v) {
    if (psc.runAsUser === 0) v.push("spec.securityContext.runAsUser must not be 0");
    for (const { path, sc } of cs) if (sc.runAsUser === 0) v.push(`${path}.securityContext.runAsUser must not be 0`);
  },
  "Seccomp (restricted)"(spec, psc, cs, v) {
    const ok = (t) => t === "RuntimeDefault" || t === "Localhost";
    for (const { path, sc } of cs) {
      const t = sc.seccompProfile?.type;
      if (t !== undefined ? !ok(t) : !ok(psc.seccompProfile?.type)) {
        v.push(`${path}: seccompProfile.type must be RuntimeDefault or Localhost (pod or container)`);
      }
    }
  },
  "Capabilities (restricted)"(spec, psc, cs, v) {
    for (const { path, sc } of cs) {
      if (!(sc.capabilities?.drop || []).includes("ALL")) v.push(`${path}.securityContext.capabilities.drop must include ALL`);
      for (const cap of sc.capabilities?.add || []) {
        if (cap !== "NET_BIND_SERVICE") v.push(`${path}.securityContext.capabilities.add: only NET_BIND_SERVICE is allowed, not ${cap}`);
      }
    }
  },
};

export const controls = { baseline: Object.keys(baseline), restricted: Object.keys(restricted) };

// Violations of the restricted profile (which includes baseline) by a pod template
// ({metadata, spec}); [] when it complies.
export function restrictedViolations(podTemplate) {
  const spec = podTemplate.spec || {};
  const psc = spec.securityContext || {};
  const cs = allContainers(spec);
  const v = [];
  for (const [name, check] of [...Object.entries(baseline), ...Object.entries(restricted)]) {
    const before = v.length;
    check(spec, psc, cs, v, podTemplate.metadata?.annotations);
    for (let i = before; i < v.length; i++) v[i] = `${name}: ${v[i]}`;
  }
  return v;
}
