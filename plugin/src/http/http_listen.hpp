// The front's listening socket and its share of the process's file descriptors.
#pragma once
#include <cstddef>
#include <string>

namespace hoshi::http {

// A non-blocking listening socket on host:port ("" host: every address; port 0: any
// free one, written to `bound_port`); std::runtime_error naming the address otherwise.
int open_listener(const std::string& host, int port, int& bound_port);

// `wanted` connections, or fewer: as many as the descriptor limit allows (its soft value
// raised to the hard one), a margin kept for the database and files.
std::size_t connection_cap(std::size_t wanted);

}  // namespace hoshi::http
