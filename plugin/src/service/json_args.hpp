// Reading arguments out of JSON requests, with errors that name the key.
#pragma once
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <climits>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "service/json_shapes.hpp"

namespace hoshi::api {

using Poco::JSON::Array;
using Poco::JSON::Object;

inline Object::Ptr obj() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

inline Poco::Dynamic::Var opt(const std::optional<std::string>& s) {
  if (!s) return Poco::Dynamic::Var();
  return *s;
}

inline std::string str_arg(const Object::Ptr& req, const std::string& key, bool required) {
  if (!req->has(key) || req->isNull(key)) {
    if (required) throw Error(Code::invalid, "\"" + key + "\" is required", key);
    return {};
  }
  Poco::Dynamic::Var v = req->get(key);
  if (!v.isString()) throw Error(Code::invalid, "\"" + key + "\" must be a string", key);
  return v.extract<std::string>();
}

// Refuses keys the op does not know, so a typo ("emial") is an error, not a silent no-op.
inline void only_keys(const Object::Ptr& o, const std::string& where, std::initializer_list<const char*> allowed) {
  for (const auto& key : o->getNames()) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (ok) continue;
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    std::string extra =
        key == "name" || key == "vendor_name" ? " (names come from the supplier master: import it)" : "";
    throw Error(Code::invalid, "unknown key \"" + key + "\" in " + where + extra + " (known: " + list + ")", key);
  }
}

inline bool bool_arg(const Object::Ptr& req, const std::string& key, bool fallback) {
  if (!req->has(key) || req->isNull(key)) return fallback;
  Poco::Dynamic::Var v = req->get(key);
  if (v.type() != typeid(bool)) throw Error(Code::invalid, "\"" + key + "\" must be true or false", key);
  return v.extract<bool>();
}

inline std::size_t size_arg(const Object::Ptr& req, const std::string& key, std::size_t fallback) {
  if (!req->has(key) || req->isNull(key)) return fallback;
  Poco::Dynamic::Var v = req->get(key);
  if (!v.isInteger() || v.convert<long long>() < 0)
    throw Error(Code::invalid, "\"" + key + "\" must be a non-negative integer", key);
  return v.convert<std::size_t>();
}

inline Object::Ptr sub(const Object::Ptr& req, const std::string& key) {
  if (!req->has(key) || req->isNull(key)) return nullptr;
  Object::Ptr o = req->getObject(key);
  if (!o) throw Error(Code::invalid, "\"" + key + "\" must be an object", key);
  return o;
}

// An integer between min and max (whole yen amounts, percentages); nullopt when absent.
inline std::optional<long long> int_arg(const Object::Ptr& o, const std::string& key, long long min, long long max,
                                        const std::string& path = "") {
  if (!o->has(key) || o->isNull(key)) return std::nullopt;
  Poco::Dynamic::Var v = o->get(key);
  const std::string name = "\"" + path + key + "\"";
  if (!v.isInteger() || v.isBoolean()) throw Error(Code::invalid, name + " must be a whole number", path + key);
  long long n = 0;
  try {
    n = v.convert<long long>();
  } catch (const Poco::Exception&) {  // beyond 64 bits
    n = max + (max < LLONG_MAX ? 1 : 0);
    if (max == LLONG_MAX) throw Error(Code::invalid, name + " is too large", path + key);
  }
  if (n < min || n > max)
    throw Error(Code::invalid, name + " must be between " + std::to_string(min) + " and " + std::to_string(max),
                path + key);
  return n;
}

// A list of strings ([] when absent).
inline std::vector<std::string> str_list_arg(const Object::Ptr& o, const std::string& key,
                                             const std::string& path = "") {
  std::vector<std::string> out;
  if (!o->has(key) || o->isNull(key)) return out;
  Array::Ptr a = o->getArray(key);
  if (!a) throw Error(Code::invalid, "\"" + path + key + "\" must be a list of strings", path + key);
  for (std::size_t i = 0; i < a->size(); ++i) {
    Poco::Dynamic::Var v = a->get(static_cast<unsigned>(i));
    if (!v.isString())
      throw Error(Code::invalid, "\"" + path + key + "[" + std::to_string(i) + "]\" must be a string",
                  path + key + "[" + std::to_string(i) + "]");
    out.push_back(v.extract<std::string>());
  }
  return out;
}

}  // namespace hoshi::api
