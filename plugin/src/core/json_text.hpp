// Compact JSON text with UTF-8 kept as is: the one serialiser for audit details, op answers
// and error documents.
#pragma once
#include <Poco/Dynamic/Var.h>

#include <string>

namespace hoshi::api {

std::string to_string(const Poco::Dynamic::Var& v);

}  // namespace hoshi::api
