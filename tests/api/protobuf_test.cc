#include "api/protobuf.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace skiff::api {
namespace {

using namespace std::string_literals;

// What kubectl 1.33 `create namespace foo` sends: Go writes every non-pointer field, so the
// empty strings of ObjectMeta and NamespaceStatus.phase are on the wire.
const std::string kNamespaceBody =
    "k8s\0"s
    "\x0a\x0f"
    "\x0a\x02v1\x12\x09Namespace"s
    "\x12\x1b"
    "\x0a\x13\x0a\x03"
    "foo\x12\x00\x1a\x00\x22\x00\x2a\x00\x32\x00\x38\x00\x42\x00"s
    "\x12\x00"s
    "\x1a\x02\x0a\x00"s
    "\x1a\x00\x22\x00"s;

const std::string kConfigMapBody =
    "k8s\0"s
    "\x0a\x0f\x0a\x02v1\x12\x09"
    "ConfigMap"
    "\x12\x1e"
    "\x0a\x09\x0a\x03"
    "cfg\x1a\x02ns"
    "\x12\x08\x0a\x01"
    "a\x12\x03one"
    "\x12\x05\x0a\x01"
    "b\x12\x00"s
    "\x20\x00"s;

const std::string kSecretBody =
    "k8s\0"s
    "\x0a\x0c\x0a\x02v1\x12\x06Secret"
    "\x12\x1a"
    "\x0a\x05\x0a\x03tls"
    "\x12\x09\x0a\x03key\x12\x02\x00\xff"s
    "\x1a\x06Opaque";

const std::string kDeploymentBody =
    "k8s\0"s
    "\x0a\x15\x0a\x07"
    "apps/v1\x12\x0a"
    "Deployment"
    "\x12\x31"
    "\x0a\x05\x0a\x03web"
    "\x12\x28"
    "\x08\x00"s                                   // replicas: 0
    "\x22\x24"                                    // strategy
    "\x0a\x0dRollingUpdate"
    "\x12\x13"                                    // rollingUpdate
    "\x0a\x06\x08\x00\x10\x01\x1a\x00"s           // maxUnavailable: int 1
    "\x12\x09\x08\x01\x10\x00\x1a\x03"s "25%";    // maxSurge: string "25%"

const std::string kDeleteOptionsBody =
    "k8s\0"s
    "\x0a\x18\x0a\x07"
    "apps/v1\x12\x0d"
    "DeleteOptions"
    "\x12\x0e"
    "\x08\x00"s
    "\x22\x0a"
    "Background"
    "\x1a\x00\x22\x00"s;

Json decode_ok(const std::string& body) {
  auto r = decode_k8s_protobuf(body);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Json();
}

Error decode_error(const std::string& body) {
  auto r = decode_k8s_protobuf(body);
  EXPECT_FALSE(r.ok()) << "decoded to " << (r.ok() ? r->dump() : "");
  return r.ok() ? Error() : r.error();
}

std::string encode_ok(const Json& obj) {
  auto r = encode_k8s_protobuf(obj);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : "";
}

Json round_trip(const Json& obj) { return decode_ok(encode_ok(obj)); }

std::string varint(size_t n) {
  std::string out;
  while (n >= 0x80) {
    out += char((n & 0x7F) | 0x80);
    n >>= 7;
  }
  return out + char(n);
}

// A length-delimited field with a one-byte key.
std::string field(char key, const std::string& bytes) { return key + varint(bytes.size()) + bytes; }

// A body around a hand-built raw object message.
std::string wrap(std::string_view api_version, std::string_view kind, const std::string& raw) {
  std::string type_meta = field('\x0a', std::string(api_version)) + field('\x12', std::string(kind));
  return "k8s\0"s + field('\x0a', type_meta) + field('\x12', raw);
}

TEST(ProtobufDecode, NamespaceAsKubectlSendsIt) {
  EXPECT_EQ(decode_ok(kNamespaceBody), Json::parse(R"({
    "apiVersion": "v1", "kind": "Namespace",
    "metadata": {"name": "foo", "generation": 0},
    "spec": {}, "status": {}
  })"));
}

TEST(ProtobufDecode, ConfigMapDataKeepsEmptyValuesAndFalseBooleans) {
  EXPECT_EQ(decode_ok(kConfigMapBody), Json::parse(R"({
    "apiVersion": "v1", "kind": "ConfigMap",
    "metadata": {"name": "cfg", "namespace": "ns"},
    "data": {"a": "one", "b": ""},
    "immutable": false
  })"));
}

TEST(ProtobufDecode, SecretBinaryDataBecomesBase64) {
  EXPECT_EQ(decode_ok(kSecretBody), Json::parse(R"({
    "apiVersion": "v1", "kind": "Secret",
    "metadata": {"name": "tls"},
    "data": {"key": "AP8="},
    "type": "Opaque"
  })"));
}

TEST(ProtobufDecode, DeploymentIntOrStringAndPresentZeroReplicas) {
  EXPECT_EQ(decode_ok(kDeploymentBody), Json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
      "replicas": 0,
      "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}}
    }
  })"));
}

TEST(ProtobufDecode, DeleteOptionsUnderAGroupApiVersion) {
  EXPECT_EQ(decode_ok(kDeleteOptionsBody), Json::parse(R"({
    "apiVersion": "apps/v1", "kind": "DeleteOptions",
    "gracePeriodSeconds": 0, "propagationPolicy": "Background"
  })"));
}

TEST(ProtobufEncode, WritesTheBytesGoWrites) {
  EXPECT_EQ(encode_ok(Json::parse(R"({"apiVersion": "apps/v1", "kind": "DeleteOptions",
                                      "gracePeriodSeconds": 0, "propagationPolicy": "Background"})")),
            kDeleteOptionsBody);
}

TEST(ProtobufDecode, TimeIsRfc3339WithSecondPrecision) {
  // metadata.creationTimestamp {seconds: 1704164645, nanos: 999}
  std::string raw = "\x0a\x0e\x0a\x01x\x42\x09\x08\xa5\xfa\xcd\xac\x06\x10\xe7\x07"s;
  Json obj = decode_ok(wrap("v1", "ConfigMap", raw));
  EXPECT_EQ(obj["metadata"]["creationTimestamp"], "2024-01-02T03:04:05Z");
}

TEST(ProtobufDecode, EmptyTimeMessageIsOmitted) {
  std::string raw = "\x0a\x05\x0a\x01x\x42\x00"s;
  Json obj = decode_ok(wrap("v1", "ConfigMap", raw));
  EXPECT_FALSE(obj["metadata"].contains("creationTimestamp"));
}

TEST(ProtobufDecode, MicroTimeHasSixFractionalDigits) {
  // Lease spec.renewTime {seconds: 1704164645, nanos: 123456789}
  std::string raw = "\x12\x0d\x22\x0b\x08\xa5\xfa\xcd\xac\x06\x10\x95\x9a\xef\x3a"s;
  Json obj = decode_ok(wrap("coordination.k8s.io/v1", "Lease", raw));
  EXPECT_EQ(obj["spec"]["renewTime"], "2024-01-02T03:04:05.123456Z");
}

TEST(ProtobufDecode, TimesBeforeTheEpochFormatCorrectly) {
  Json obj = round_trip(Json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap",
                                        "metadata": {"creationTimestamp": "1969-12-31T23:59:59Z"}})"));
  EXPECT_EQ(obj["metadata"]["creationTimestamp"], "1969-12-31T23:59:59Z");
}

TEST(ProtobufRoundTrip, TimesFarFromTheEpochAndWithOffsets) {
  Json obj = round_trip(Json::parse(R"({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e"},
    "firstTimestamp": "0001-01-01T00:00:00Z", "lastTimestamp": "9999-12-31T23:59:59Z",
    "eventTime": "2024-02-29T12:00:00.5+02:00"})"));
  EXPECT_EQ(obj["firstTimestamp"], "0001-01-01T00:00:00Z");
  EXPECT_EQ(obj["lastTimestamp"], "9999-12-31T23:59:59Z");
  EXPECT_EQ(obj["eventTime"], "2024-02-29T10:00:00.500000Z");
}

TEST(ProtobufEncode, RejectsInvalidTimes) {
  for (const char* t : {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00"}) {
    Json obj = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"creationTimestamp", t}}}};
    EXPECT_FALSE(encode_k8s_protobuf(obj).ok()) << t;
  }
}

TEST(ProtobufDecode, PackedAndUnpackedRepeatedScalarsAgree) {
  // Pod spec.securityContext.supplementalGroups = [1, 300]
  std::string unpacked = "\x12\x07\x72\x05\x20\x01\x20\xac\x02"s;
  std::string packed = "\x12\x07\x72\x05\x22\x03\x01\xac\x02"s;
  Json a = decode_ok(wrap("v1", "Pod", unpacked));
  Json b = decode_ok(wrap("v1", "Pod", packed));
  EXPECT_EQ(a["spec"]["securityContext"]["supplementalGroups"], Json::parse("[1, 300]"));
  EXPECT_EQ(a, b);
}

TEST(ProtobufDecode, EmptyPackedListIsOmitted) {
  Json obj = decode_ok(wrap("v1", "Pod", "\x12\x04\x72\x02\x22\x00"s));
  EXPECT_EQ(obj["spec"]["securityContext"], Json::object());
}

TEST(ProtobufDecode, NegativeInt32UsesTenByteVarint) {
  Json obj = round_trip(Json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment",
                                        "spec": {"minReadySeconds": -5}})"));
  EXPECT_EQ(obj["spec"]["minReadySeconds"], -5);
}

TEST(ProtobufDecode, UnknownFieldNumbersAreSkipped) {
  // ConfigMap field 99 (varint) and field 98 (bytes) before metadata.
  std::string raw = "\x98\x06\x07\x92\x06\x02zz\x0a\x05\x0a\x03"s "cfg";
  EXPECT_EQ(decode_ok(wrap("v1", "ConfigMap", raw))["metadata"]["name"], "cfg");
}

TEST(ProtobufDecode, RepeatedSingularMessageMerges) {
  // metadata twice: name, then namespace.
  std::string raw = "\x0a\x03\x0a\x01"s "a" "\x0a\x04\x1a\x02ns"s;
  EXPECT_EQ(decode_ok(wrap("v1", "ConfigMap", raw))["metadata"], Json::parse(R"({"name": "a", "namespace": "ns"})"));
}

TEST(ProtobufDecode, RawExtensionIsTheEmbeddedJson) {
  Json obj = round_trip(Json::parse(R"({"apiVersion": "apps/v1", "kind": "ControllerRevision",
    "metadata": {"name": "r"}, "revision": 3, "data": {"spec": {"template": {"x": [1, "y", null]}}}})"));
  EXPECT_EQ(obj["data"], Json::parse(R"({"spec": {"template": {"x": [1, "y", null]}}})"));
  EXPECT_EQ(obj["revision"], 3);
}

TEST(ProtobufDecode, RawExtensionMayHoldANestedProtobufObject) {
  Json obj = decode_ok(wrap("apps/v1", "ControllerRevision", field('\x12', field('\x0a', kConfigMapBody))));
  EXPECT_EQ(obj["data"]["kind"], "ConfigMap");
  EXPECT_EQ(obj["data"]["data"]["a"], "one");
}

TEST(ProtobufDecode, ManagedFieldsV1IsEmbeddedJson) {
  Json obj = round_trip(Json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c",
    "managedFields": [{"manager": "kubectl", "operation": "Apply", "fieldsType": "FieldsV1",
                       "time": "2024-01-02T03:04:05Z", "fieldsV1": {"f:data": {"f:a": {}}}}]}})"));
  EXPECT_EQ(obj["metadata"]["managedFields"][0]["fieldsV1"], Json::parse(R"({"f:data": {"f:a": {}}})"));
}

TEST(ProtobufDecode, InlineVolumeSourceFieldsSitInTheVolume) {
  // Pod spec.volumes[0] = {name: v, volumeSource (Go-inline): {emptyDir: {medium: Memory}}}
  std::string volume = "\x0a\x01v"s + field('\x12', field('\x12', field('\x0a', "Memory")));
  Json obj = decode_ok(wrap("v1", "Pod", field('\x12', field('\x0a', volume))));
  EXPECT_EQ(obj["spec"]["volumes"], Json::parse(R"([{"name": "v", "emptyDir": {"medium": "Memory"}}])"));
}

TEST(ProtobufRoundTrip, GoCasedProtoNamesUseTheirJsonNames) {
  // BoundObjectReference's proto name is "uID"; JSON says "uid".
  Json req = Json::parse(R"({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
    "spec": {"audiences": ["a"], "boundObjectRef": {"kind": "Pod", "name": "p", "uid": "123"}}})");
  EXPECT_EQ(round_trip(req), req);
}

TEST(ProtobufEncode, DropsTypeMetaOfEmbeddedObjects) {
  // StatefulSet volumeClaimTemplates often carry apiVersion/kind; the proto message has no such fields.
  Json obj = round_trip(Json::parse(R"({"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": {
    "volumeClaimTemplates": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "d"}}]}})"));
  EXPECT_EQ(obj["spec"]["volumeClaimTemplates"], Json::parse(R"([{"metadata": {"name": "d"}}])"));
}

TEST(ProtobufRoundTrip, PodWithEveryFieldShape) {
  Json pod = Json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "p", "namespace": "default", "labels": {"app": "web"},
                 "annotations": {"a": ""}, "creationTimestamp": "2024-05-06T07:08:09Z",
                 "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "u1",
                                      "controller": true, "blockOwnerDeletion": false}],
                 "finalizers": ["x", ""], "generation": 4},
    "spec": {
      "containers": [{"name": "c", "image": "nginx:1.25", "args": ["-g", "daemon off;"],
                      "ports": [{"containerPort": 80, "protocol": "TCP"}],
                      "env": [{"name": "A", "value": "1"},
                              {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                      "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "1"}},
                      "readinessProbe": {"httpGet": {"path": "/", "port": "http"}, "periodSeconds": 5},
                      "livenessProbe": {"tcpSocket": {"port": 8080}}}],
      "terminationGracePeriodSeconds": 0,
      "automountServiceAccountToken": false,
      "nodeSelector": {"disk": "ssd"},
      "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 30}],
      "volumes": [{"name": "v", "emptyDir": {"sizeLimit": "1Gi"}}]
    },
    "status": {"phase": "Running", "startTime": "2024-05-06T07:08:10Z",
               "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2024-05-06T07:08:11Z"}],
               "podIPs": [{"ip": "10.0.0.5"}]}
  })");
  EXPECT_EQ(round_trip(pod), pod);
}

TEST(ProtobufRoundTrip, QuantityGivenAsNumberBecomesString) {
  Json obj = round_trip(Json::parse(R"({"apiVersion": "v1", "kind": "ResourceQuota",
                                        "spec": {"hard": {"pods": 10, "cpu": 1.5}}})"));
  EXPECT_EQ(obj["spec"]["hard"], Json::parse(R"({"pods": "10", "cpu": "1.5"})"));
}

TEST(ProtobufRoundTrip, ListKindWithItems) {
  Json list = Json::parse(R"({"apiVersion": "v1", "kind": "SecretList", "metadata": {"resourceVersion": "7"},
    "items": [{"metadata": {"name": "a"}, "data": {"k": "dmFsdWU="}, "type": "Opaque"},
              {"metadata": {"name": "b"}, "stringData": {"k": "v"}}]})");
  EXPECT_EQ(round_trip(list), list);
}

TEST(ProtobufRoundTrip, ScaleSubresourceKind) {
  Json scale = Json::parse(R"({"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "web"},
                               "spec": {"replicas": 0}, "status": {"replicas": 3, "selector": "app=web"}})");
  EXPECT_EQ(round_trip(scale), scale);
}

TEST(ProtobufDecode, EmptyStringsAreDroppedLikeGoOmitempty) {
  Json obj = round_trip(Json::parse(R"({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": ""},
                                        "type": ""})"));
  EXPECT_EQ(obj, Json::parse(R"({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}})"));
}

// --- malformed input ---

TEST(ProtobufDecode, RejectsBodyWithoutMagic) {
  auto e = decode_error("{\"kind\":\"Pod\"}");
  EXPECT_EQ(e.code, 400);
  EXPECT_EQ(e.reason, "BadRequest");
  EXPECT_NE(e.message.find("magic"), std::string::npos) << e.message;
}

TEST(ProtobufDecode, RejectsUnknownKind) {
  auto e = decode_error(wrap("example.com/v1", "Widget", ""));
  EXPECT_EQ(e.code, 400);
  EXPECT_NE(e.message.find("Widget"), std::string::npos) << e.message;
}

TEST(ProtobufDecode, RejectsMissingKind) {
  EXPECT_EQ(decode_error("k8s\0\x12\x00"s).code, 400);
}

TEST(ProtobufDecode, RejectsEveryTruncationOfAValidBody) {
  for (size_t n = 5; n < kDeploymentBody.size(); ++n) {
    auto r = decode_k8s_protobuf(std::string_view(kDeploymentBody).substr(0, n));
    if (r.ok()) continue;  // a cut between fields is a valid shorter message
    EXPECT_EQ(r.error().code, 400) << n;
  }
  // Cutting inside the raw field's declared length is always an error.
  EXPECT_EQ(decode_error(kDeploymentBody.substr(0, kDeploymentBody.size() - 1)).code, 400);
}

TEST(ProtobufDecode, RejectsTruncatedVarint) {
  auto e = decode_error(wrap("v1", "ConfigMap", "\x20\xff\xff"s));
  EXPECT_NE(e.message.find("truncated varint"), std::string::npos) << e.message;
}

TEST(ProtobufDecode, RejectsWrongWireTypeNamingTheField) {
  // metadata (field 1) sent as a varint.
  auto e = decode_error(wrap("v1", "ConfigMap", "\x08\x01"s));
  EXPECT_NE(e.message.find("metadata"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("wire type"), std::string::npos) << e.message;
}

TEST(ProtobufDecode, ErrorsNameTheNestedPath) {
  // spec.strategy.type sent as a varint.
  std::string raw = "\x12\x04\x22\x02\x08\x01"s;
  auto e = decode_error(wrap("apps/v1", "Deployment", raw));
  EXPECT_NE(e.message.find("spec.strategy.type"), std::string::npos) << e.message;
}

TEST(ProtobufDecode, RejectsLengthPastTheEnd) {
  auto e = decode_error(wrap("v1", "ConfigMap", "\x0a\x7f\x0a"s));
  EXPECT_NE(e.message.find("past the end"), std::string::npos) << e.message;
}

TEST(ProtobufDecode, RejectsInvalidIntOrStringType) {
  std::string raw = "\x12\x0a\x22\x08\x12\x06\x12\x04\x08\x02\x10\x01"s;
  auto e = decode_error(wrap("apps/v1", "Deployment", raw));
  EXPECT_NE(e.message.find("IntOrString"), std::string::npos) << e.message;
}

TEST(ProtobufDecode, RejectsInvalidUtf8Strings) {
  auto e = decode_error(wrap("v1", "ConfigMap", "\x0a\x04\x0a\x02\xc3\x28"s));
  EXPECT_NE(e.message.find("UTF-8"), std::string::npos) << e.message;
}

TEST(ProtobufDecode, RejectsGroups) {
  EXPECT_EQ(decode_error(wrap("v1", "ConfigMap", "\x9b\x06"s)).code, 400);
}

TEST(ProtobufDecode, RejectsNonJsonRawExtension) {
  std::string raw = "\x12\x05\x0a\x03{x}"s;
  auto e = decode_error(wrap("apps/v1", "ControllerRevision", raw));
  EXPECT_NE(e.message.find("data"), std::string::npos) << e.message;
}

TEST(ProtobufDecode, RejectsRawExtensionWithOverflowingNumber) {
  std::string raw = field('\x12', field('\x0a', R"({"spec":1e400})"));
  auto e = decode_error(wrap("apps/v1", "ControllerRevision", raw));
  EXPECT_EQ(e.code, 400);
}

TEST(ProtobufDecode, RejectsCompressedContentEncoding) {
  auto e = decode_error(kNamespaceBody.substr(0, kNamespaceBody.size() - 4) + "\x1a\x04gzip\x22\x00"s);
  EXPECT_NE(e.message.find("gzip"), std::string::npos) << e.message;
}

TEST(ProtobufDecode, BoundsNestingDepth) {
  // ControllerRevision.data (a RawExtension) holding a protobuf ControllerRevision, 200 deep.
  std::string body = kConfigMapBody;
  for (int i = 0; i < 200; ++i) body = wrap("apps/v1", "ControllerRevision", field('\x12', field('\x0a', body)));
  auto e = decode_error(body);
  EXPECT_NE(e.message.find("nested"), std::string::npos) << e.message;
}

// --- encoder errors ---

TEST(ProtobufEncode, RejectsUnknownField) {
  auto r = encode_k8s_protobuf(Json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap", "spec": {}})"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 400);
  EXPECT_NE(r.error().message.find("spec"), std::string::npos) << r.error().message;
}

TEST(ProtobufEncode, RejectsWrongJsonType) {
  auto r = encode_k8s_protobuf(Json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": "3"}})"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("spec.replicas"), std::string::npos) << r.error().message;
}

TEST(ProtobufEncode, RejectsInt32Overflow) {
  auto r = encode_k8s_protobuf(
      Json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": 4294967296}})"));
  EXPECT_FALSE(r.ok());
}

TEST(ProtobufEncode, RejectsInvalidBase64) {
  auto r = encode_k8s_protobuf(Json::parse(R"({"apiVersion": "v1", "kind": "Secret", "data": {"k": "!!"}})"));
  EXPECT_FALSE(r.ok());
}

TEST(ProtobufEncode, RejectsUnknownKind) {
  auto r = encode_k8s_protobuf(Json::parse(R"({"apiVersion": "v1", "kind": "Nope"})"));
  EXPECT_FALSE(r.ok());
}

// --- the fuzz target's seed corpus (tests/fuzz/corpus/protobuf/) ---

std::vector<std::pair<std::string, std::string>> seeds() {
  std::vector<std::pair<std::string, std::string>> out = {
      {"namespace", kNamespaceBody},
      {"configmap", kConfigMapBody},
      {"secret", kSecretBody},
      {"deployment_intstr", kDeploymentBody},
      {"deleteoptions", kDeleteOptionsBody},
  };
  out.emplace_back("lease_microtime", encode_ok(Json::parse(R"({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
      "metadata": {"name": "l"}, "spec": {"holderIdentity": "n", "renewTime": "2024-01-02T03:04:05.123456Z"}})")));
  out.emplace_back("pod", encode_ok(Json::parse(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p",
      "labels": {"a": "b"}, "creationTimestamp": "2024-01-02T03:04:05Z"}, "spec": {"containers": [{"name": "c",
      "image": "i", "ports": [{"containerPort": 80}], "resources": {"limits": {"cpu": "1"}}}],
      "securityContext": {"supplementalGroups": [1, 2]}}})")));
  out.emplace_back("controllerrevision_raw", encode_ok(Json::parse(R"({"apiVersion": "apps/v1",
      "kind": "ControllerRevision", "metadata": {"name": "r"}, "data": {"spec": {"a": [1, "x"]}}, "revision": 2})")));
  return out;
}

TEST(ProtobufSeedCorpus, EverySeedDecodes) {
  // SKIFF_WRITE_SEEDS=1 (re)writes the corpus from these bodies.
  namespace fs = std::filesystem;
  fs::path dir = fs::path(SKIFF_SOURCE_DIR) / "tests/fuzz/corpus/protobuf";
  if (std::getenv("SKIFF_WRITE_SEEDS") != nullptr) {
    fs::create_directories(dir);
    for (const auto& [name, body] : seeds()) std::ofstream(dir / name, std::ios::binary) << body;
  }
  for (const auto& [name, body] : seeds()) EXPECT_TRUE(decode_k8s_protobuf(body).ok()) << name;
  if (!fs::exists(dir)) GTEST_SKIP() << "no corpus at " << dir;
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    auto r = decode_k8s_protobuf(buf.str());
    EXPECT_TRUE(r.ok()) << entry.path() << ": " << (r.ok() ? "" : r.error().message);
    ++files;
  }
  EXPECT_GE(files, 8);
}

}  // namespace
}  // namespace skiff::api
