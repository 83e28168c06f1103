// Objects the benchmarks write: a pod shaped like one a Deployment creates (labels, one
// container with ports, env, resources and a probe, a volume), and small objects of other
// kinds. Each carries its sequence number in the "skiff-bench/seq" label so a watcher can
// check that it sees every object, in order, with a substring search instead of a JSON parse.
#pragma once

#include <string>
#include <string_view>

namespace skiff::bench {

inline const char* const kSeqLabel = "\"skiff-bench/seq\":\"";

// The label that carries seq, with a leading comma; none for seq < 0 (label values cannot be negative).
inline std::string seq_label(long seq) {
  return seq < 0 ? "" : ",\"skiff-bench/seq\":\"" + std::to_string(seq) + "\"";
}

inline std::string pod_json(const std::string& name, long seq) {
  return R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")" + name +
         R"(","labels":{"app":"web","pod-template-hash":"7d9f8b6c5d","app.kubernetes.io/name":"web",)"
         R"("app.kubernetes.io/instance":"web-prod","app.kubernetes.io/part-of":"storefront")" + seq_label(seq) +
         R"(},"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-20T10:00:00Z",)"
         R"("prometheus.io/scrape":"true","prometheus.io/port":"9090"}},)"
         R"("spec":{"containers":[{"name":"web","image":"registry.example.com/storefront/web:1.27.3",)"
         R"("args":["--port=8080","--metrics-port=9090","--log-format=json"],)"
         R"("ports":[{"name":"http","containerPort":8080,"protocol":"TCP"},{"name":"metrics","containerPort":9090,"protocol":"TCP"}],)"
         R"("env":[{"name":"LOG_LEVEL","value":"info"},{"name":"CACHE_SIZE","value":"256"},)"
         R"({"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],)"
         R"("resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"500m","memory":"256Mi"}},)"
         R"("readinessProbe":{"httpGet":{"path":"/healthz","port":8080},"periodSeconds":10},)"
         R"("volumeMounts":[{"name":"config","mountPath":"/etc/web","readOnly":true}]}],)"
         R"("volumes":[{"name":"config","configMap":{"name":"web-config"}}],)"
         R"("terminationGracePeriodSeconds":30}})";
}

inline std::string configmap_json(const std::string& name, long seq) {
  return R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
         R"(","labels":{"app":"web")" + seq_label(seq) + R"(}},"data":{"settings.yaml":"cache: 256\nlog: info\n","feature":"enabled"}})";
}

inline std::string secret_json(const std::string& name, long seq) {
  return R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":")" + name +
         R"(","labels":{"app":"web")" + seq_label(seq) + R"(}},"type":"Opaque","data":{"password":"c2VjcmV0LXZhbHVl","user":"d2Vi"}})";
}

inline std::string serviceaccount_json(const std::string& name, long seq) {
  return R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":")" + name +
         R"(","labels":{"app":"web")" + seq_label(seq) + "}}}";
}

inline std::string namespace_json(const std::string& name) {
  return R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")" + name + R"("}})";
}

// The number after `marker` in text (e.g. a label value or resourceVersion), or -1.
inline long number_after(std::string_view text, std::string_view marker) {
  auto pos = text.find(marker);
  if (pos == std::string_view::npos) return -1;
  long v = 0;
  bool any = false;
  for (pos += marker.size(); pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
    v = v * 10 + (text[pos] - '0');
    any = true;
  }
  return any ? v : -1;
}

}  // namespace skiff::bench
