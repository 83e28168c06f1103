// pods/log: the query kubectl sends, Kubernetes' rules for choosing a container and an instance of
// it, and the interface through which a node agent (the one in this process, or another's
// kubelet API) streams a container's log to the API server.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "apiserver/http.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::apiserver {

// PodLogOptions (core/v1) from the query; sinceSeconds is already turned into `since`.
struct PodLogOptions {
  std::string container;  // empty: the pod's only container
  bool follow = false;
  bool previous = false;
  bool timestamps = false;
  std::optional<int64_t> tail_lines;
  std::optional<int64_t> limit_bytes;
  std::optional<WallTime> since;
};

// Parses and validates the query: malformed numbers or times are 400, values the validation
// rejects (negative tailLines, sinceSeconds and sinceTime together, ...) are 422, as in Kubernetes.
Result<PodLogOptions> parse_pod_log_options(const HttpRequest& req, const std::string& pod_name, WallTime now);

// The container the request is for (the API server's rules): the named one, which must be one of
// the pod's init, regular or ephemeral containers, or the only regular container.
Result<std::string> choose_log_container(const Json& pod, const std::string& requested);

// The kubelet API's query for these options, as kube-apiserver writes it (since as sinceTime).
std::string kubelet_log_query(const PodLogOptions& options);

// Which run of a container to read (the kubelet's rules), from the pod's status.
struct ContainerLogTarget {
  std::string container;
  std::string container_id;  // as in the status: "containerd://<id>"
  bool running = false;      // the current run, still running: following it ends when it stops
};
Result<ContainerLogTarget> choose_log_target(const Json& pod, const std::string& container, bool previous);

// Writes log bytes to the client; false when the client went away. An empty chunk writes nothing
// and only asks whether the client is still there.
using LogWriter = std::function<bool(std::string_view chunk)>;

// Whatever serves the logs of the pods on some nodes.
class PodLogSource {
 public:
  virtual ~PodLogSource() = default;
  virtual bool serves_node(const std::string& node_name) const = 0;
  // Checks that the log of `container` (already validated against the pod) can be read; an error
  // here becomes the response. The returned function then streams it, following while the
  // container runs when options.follow is set.
  using Streamer = std::function<Status(const LogWriter& write)>;
  virtual Result<Streamer> open_log(const Json& pod, const std::string& container, const PodLogOptions& options) = 0;
};

// Serves GET pods/NAME/log for an already fetched pod; `source` may be null (no agent here).
void serve_pod_log(const HttpRequest& req, const Json& pod, PodLogSource* source, WallTime now, HttpExchange& ex,
                   int& code);

// The response once a log is open: text/plain, chunk by chunk, until the log or the client ends.
void write_log_stream(const PodLogSource::Streamer& streamer, HttpExchange& ex);

}  // namespace skiff::apiserver
