// A Tryton JSON-RPC session: logs in with common.db.login, then sends
// `Authorization: Session base64(user:id:session)`; logs in again once when the
// session has expired (401/403).
#pragma once
#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>

#include <string>

#include "connectors/config.hpp"

namespace hoshi::connectors {

class TrytonRpc {
 public:
  // `url`: the server (http://host:8000/); `database`: the Tryton database name.
  TrytonRpc(std::string url, const std::string& database, std::string user, SecretRef password, int timeout_seconds);

  // Calls `method` (e.g. "model.party.party.search_read") with `params`; returns the
  // result. Throws ConnectorError naming the method and Tryton's message.
  Poco::Dynamic::Var call(const std::string& method, const Poco::JSON::Array::Ptr& params);

 private:
  void login();
  Poco::Dynamic::Var post(const std::string& method, const Poco::JSON::Array::Ptr& params, int& status);

  std::string endpoint_, user_;
  SecretRef password_;
  int timeout_seconds_;
  std::string authorization_;
  long long next_id_ = 1;
};

}  // namespace hoshi::connectors
