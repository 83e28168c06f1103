// The in-process transport of client::Client for components inside `skiff server`: calls the
// registry directly (the same admission and validation path as HTTP), with no encoding, HTTP
// or re-parsing of requests.
#pragma once

#include <memory>
#include <string>

#include "client/client.h"

namespace skiff::apiserver {

class Registry;

// component names the writer in managedFields and events ("kube-scheduler", ...).
std::unique_ptr<client::Client> new_in_process_client(Registry& registry, std::string component);

}  // namespace skiff::apiserver
