// Runs one JSON op's work, translating the services' exceptions into ApiError codes.
#pragma once
#include <stdexcept>
#include <string>

#include "service/json_args.hpp"
#include "service/requests.hpp"

namespace hoshi::api {

template <class Fn>
auto run(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const GuardrailRefusal& e) {
    throw ApiError(HOSHITORI_REFUSED, e.what(), guard_json(e.outcome));
  } catch (const StateConflict& e) {
    throw ApiError(HOSHITORI_CONFLICT, e.what());
  } catch (const std::out_of_range& e) {
    throw ApiError(HOSHITORI_NOTFOUND, e.what());
  } catch (const std::invalid_argument& e) {
    throw ApiError(HOSHITORI_INVALID, e.what());
  }
}

}  // namespace hoshi::api
