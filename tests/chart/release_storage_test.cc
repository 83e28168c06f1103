// Release records as helm stores them: decoding a release written by the real helm 4.1.4,
// the encode/decode round trip, storage queries and pruning, time formats, readiness.
#include <gtest/gtest.h>

#include "chart/action/release_context.h"
#include "chart/release/codec.h"
#include "chart/release/kube.h"
#include "chart/release/storage.h"

namespace skiff::chart::release {
namespace {

// data.release of Secret sh.helm.release.v1.tiny.v1 written by helm 4.1.4 (install tiny ./cm
// --set data.k=helm), with the Secret's own base64 layer removed.
constexpr const char* kHelmRelease = "H4sIAAAAAAAC/5RSS2/bPBD8K8J+V8qhZDhyePuSNImaPtA2tR1VRUBT1CNakoJIORAM//dCcmz3cWkBHqRd7OzszGxBcyWBgat0DwQqnRtgW8ir1rqnTDZoepkBg5CG534Q+GH0QKdsSlkwn0xpFExpQM8TIID8HwcyaUVbNa4yGhjE2jqO6AmjGpROAgHruOssMDii7giIkrduYKik4xl3fPh+vUEoILCRrd1D0kkwoUCAN9XiWNyEAwoaUQPTHSIBJ1WD3EkL7NtJjkPxTKhJzxUOhMdt8Li6bBZq0YsQN+tnU2TPb+55iF1ybYpP4UWXKNQPy5uXKxVgdntTP64+lx8LU8S3s3K9/Hoe330wj6u3mPzfvPaaSPaXdB1guV6+FO8wKdd3CxT9bOzHdy8FX87qZDmj8XVc5Ct6DwSUyVw1cv1V6TBk02gyjy7mYRTOLxLYfSew4dgNB27hIFk9aAG7HQErSqn4QY393wmcUhr443uglI1vMC+vcMDbz/w9FQLC6LwqfmdSSlQjGcV1lUvrgIHv+6n+z/tiulZI5gl19ocpqT55y7xNkOq60hnzrsYl73mT6kNMWKo9bzCXebbkrcxSfSzXzBsIpPrn+ARkzIJtuJBjBnPeoRvj1GD/pKQrzZBzaznsfgQAAP//DZwcaEcDAAA=";

TEST(ReleaseCodec, DecodesAReleaseWrittenByHelm) {
  auto r = decode_release(kHelmRelease);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->name, "tiny");
  EXPECT_EQ(r->namespace_, "default");
  EXPECT_EQ(r->version, 1);
  EXPECT_EQ(r->info.status, "deployed");
  EXPECT_EQ(r->info.description, "Install complete");
  EXPECT_EQ(r->chart_name(), "cm");
  EXPECT_EQ(r->chart_version(), "0.1.0");
  EXPECT_EQ(r->config["data"]["k"], "helm");
  EXPECT_EQ(r->apply_method, "ssa");
  EXPECT_NE(r->manifest.find("# Source: cm/templates/cm.yaml"), std::string::npos);
  EXPECT_NE(r->manifest.find("k: helm"), std::string::npos);
}

TEST(ReleaseCodec, RoundTripKeepsHelmFields) {
  auto r = decode_release(kHelmRelease);
  ASSERT_TRUE(r.ok());
  auto encoded = encode_release(*r);
  ASSERT_TRUE(encoded.ok());
  auto again = decode_release(*encoded);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(release_to_json(*again), release_to_json(*r));
  // The chart (templates, modtimes, schemamodtime) is carried through unchanged.
  EXPECT_EQ(again->chart["schemamodtime"], "0001-01-01T00:00:00Z");
  EXPECT_TRUE(again->chart["files"].is_null());
}

TEST(ReleaseCodec, OmitsEmptyFieldsLikeEncodingJson) {
  Release r;
  r.name = "x";
  r.version = 2;
  r.set_status(kStatusDeployed, "Upgrade complete");
  ReleaseHook h;
  h.name = "h";
  h.events = {"pre-install"};
  r.hooks.push_back(h);
  Json j = release_to_json(r);
  EXPECT_FALSE(j.contains("config"));
  EXPECT_FALSE(j.contains("manifest"));
  EXPECT_FALSE(j["info"].contains("deleted"));
  EXPECT_EQ(j["hooks"][0]["last_run"], Json({{"phase", ""}}));
  EXPECT_FALSE(j["hooks"][0].contains("weight"));
}

TEST(ReleaseCodec, RejectsGarbage) {
  EXPECT_FALSE(decode_release("not base64!").ok());
  EXPECT_FALSE(decode_release("H4sIAAAA").ok());
}

Release rev(const std::string& name, int version, const char* status) {
  Release r;
  r.name = name;
  r.namespace_ = "default";
  r.version = version;
  r.info.status = status;
  return r;
}

TEST(ReleaseStorage, HistoryLastAndDeployed) {
  Storage s(new_memory_driver("default"));
  ASSERT_TRUE(s.create(rev("a", 1, kStatusSuperseded)).ok());
  ASSERT_TRUE(s.create(rev("a", 2, kStatusDeployed)).ok());
  ASSERT_TRUE(s.create(rev("a", 3, kStatusFailed)).ok());
  ASSERT_TRUE(s.create(rev("b", 1, kStatusDeployed)).ok());
  EXPECT_EQ(s.history("a")->size(), 3u);
  EXPECT_EQ(s.last("a")->version, 3);
  EXPECT_EQ(s.deployed("a")->version, 2);
  auto none = s.history("c");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "release: not found");
  ASSERT_TRUE(s.create(rev("c", 1, kStatusFailed)).ok());
  EXPECT_EQ(s.deployed("c").error().message, "\"c\" has no deployed releases");
  EXPECT_EQ(s.create(rev("b", 1, kStatusDeployed)).error().message, "release: already exists");
}

TEST(ReleaseStorage, HistoryMaxPrunesOldestButKeepsDeployed) {
  Storage s(new_memory_driver("default"));
  ASSERT_TRUE(s.create(rev("a", 1, kStatusDeployed)).ok());
  ASSERT_TRUE(s.create(rev("a", 2, kStatusFailed)).ok());
  ASSERT_TRUE(s.create(rev("a", 3, kStatusFailed)).ok());
  s.max_history = 2;
  ASSERT_TRUE(s.create(rev("a", 4, kStatusPendingUpgrade)).ok());
  auto h = s.history("a");
  ASSERT_TRUE(h.ok());
  sort_by_revision(*h);
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].version, 1);  // the deployed revision survives
  EXPECT_EQ((*h)[1].version, 4);
}

TEST(ReleaseStorage, KeyIsHelms) { EXPECT_EQ(release_key("my-app", 12), "sh.helm.release.v1.my-app.v12"); }

TEST(ReleaseTime, FormatsAsGo) {
  EXPECT_EQ(format_ansic("2026-11-07T03:22:26.517025505Z"), "Sat Nov  7 03:22:26 2026");
  EXPECT_EQ(format_go_time("2026-11-27T03:22:28.359355538Z"), "2026-11-27 03:22:28.359355538 +0000 UTC");
  EXPECT_EQ(format_go_time("2026-11-27T03:22:28.5Z"), "2026-11-27 03:22:28.5 +0000 UTC");
  EXPECT_EQ(format_go_time(""), "-");
  EXPECT_LT(timestamp_seconds("2026-01-01T00:00:00Z"), timestamp_seconds("2026-01-01T00:00:00.5Z"));
  EXPECT_EQ(timestamp_seconds("2026-01-01T01:00:00+01:00"), timestamp_seconds("2026-01-01T00:00:00Z"));
}

TEST(ReleasePrinter, TablePadsEveryCellLikeUitable) {
  EXPECT_EQ(chart::detail::ui_table({{"NAME", "REVISION"}, {"first", "2"}}), "NAME \tREVISION\nfirst\t2       \n");
}

TEST(ReleaseReadiness, DeploymentNeedsUpdatedAvailableReplicas) {
  Json d = {{"metadata", {{"generation", 2}}},
            {"spec", {{"replicas", 2}}},
            {"status", {{"observedGeneration", 2}, {"replicas", 2}, {"updatedReplicas", 2}, {"availableReplicas", 1}}}};
  EXPECT_NE(*readiness("Deployment", d), "");
  d["status"]["availableReplicas"] = 2;
  EXPECT_EQ(*readiness("Deployment", d), "");
  d["status"]["observedGeneration"] = 1;
  EXPECT_NE(*readiness("Deployment", d), "");
}

TEST(ReleaseReadiness, JobsPodsAndClaims) {
  Json job = {{"metadata", {{"name", "j"}}},
              {"status", {{"conditions", Json::array({{{"type", "Failed"}, {"status", "True"}}})}}}};
  EXPECT_FALSE(readiness("Job", job).ok());
  job["status"]["conditions"][0]["type"] = "Complete";
  EXPECT_EQ(*readiness("Job", job), "");
  Json pod = {{"status", {{"phase", "Running"}, {"conditions", Json::array()}}}};
  EXPECT_NE(*readiness("Pod", pod), "");
  pod["status"]["conditions"].push_back({{"type", "Ready"}, {"status", "True"}});
  EXPECT_EQ(*readiness("Pod", pod), "");
  EXPECT_NE(*readiness("PersistentVolumeClaim", Json{{"status", {{"phase", "Pending"}}}}), "");
  EXPECT_EQ(*readiness("ConfigMap", Json::object()), "");
}

}  // namespace
}  // namespace skiff::chart::release
