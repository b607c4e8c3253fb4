// The 星取表's chart of coverage over time: an SVG bar per month (the share of active
// suppliers meeting the policy), drawn by the dashboard template from the numbers this
// computes — no markup is built here, so the template escapes everything it prints.
#pragma once
#include <Poco/JSON/Object.h>

#include <vector>

#include "service/service.hpp"

namespace hoshi::http {

// The template's `chart` object: `points` (x, y, w, h, percent, month and year labels,
// figures for the table beside it), `grid` (0/50/100 % lines) and a `summary` sentence.
// `labels`: the screen words of one language (month_label holds "{m}").
Poco::JSON::Object::Ptr coverage_chart(const std::vector<Service::CoveragePoint>& points,
                                       const Poco::JSON::Object::Ptr& labels);

}  // namespace hoshi::http
