// The tunnel behind exec, attach and port-forward: the client's upgrade request goes on to the
// server that serves the session, then raw bytes flow both ways, so whatever protocol the two
// agree on (SPDY, WebSocket) passes through untouched, as kube-apiserver's upgrade-aware proxy does.
#pragma once

#include <string>

#include "apiserver/http.h"
#include "apiserver/pod_streams.h"

namespace skiff::apiserver {

// The request as the backend should see it: the client's headers (upgrade, protocols) kept,
// `target` as the path, the backend as Host, and none of the client's credentials.
std::string forwarded_upgrade_request(const HttpRequest& req, const std::string& target, const std::string& host);

// Copies bytes both ways until either side closes or fails.
void relay(RawConnection& a, RawConnection& b);

// Dials the backend, forwards the request and relays; when the backend can not be reached the
// client gets a Status (500, "error dialing backend: ..."), as from kube-apiserver.
void tunnel_upgrade(const HttpRequest& req, const StreamBackend& backend, HttpExchange& ex, int& code);

}  // namespace skiff::apiserver
