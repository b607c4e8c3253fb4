// Runs one JSON op's work, turning a guardrail's refusal into the error it is to the
// caller (Code::refused with the rules). Every other outcome is already a hoshi::Error;
// a standard exception is not the caller's doing and passes on as an internal error.
#pragma once
#include <string>

#include "service/json_args.hpp"
#include "service/requests.hpp"

namespace hoshi::api {

template <class Fn>
auto run(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const GuardrailRefusal& e) {
    throw Error(Code::refused, e.what(), guard_json(e.outcome));
  }
}

}  // namespace hoshi::api
