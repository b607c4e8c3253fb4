#include "http/coverage_chart.hpp"

#include <Poco/JSON/Array.h>

#include <cstdio>

#include "api/json_api.hpp"
#include "service/json_args.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {
// The plot inside the 640 × 230 viewBox: bars between x 44 and 632, 0 % at y 180, 100 % at y 20.
constexpr double kLeft = 44, kRight = 632, kBottom = 180, kTop = 20;

std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string month_label(const std::string& pattern, int month) {
  std::string out = pattern;
  if (auto at = out.find("{m}"); at != std::string::npos) out.replace(at, 3, std::to_string(month));
  return out;
}
}  // namespace

Object::Ptr coverage_chart(const std::vector<Service::CoveragePoint>& points, const Object::Ptr& labels) {
  auto chart = obj();
  Array::Ptr grid = new Array;
  for (int pct : {0, 50, 100}) {
    auto g = obj();
    const double y = kBottom - (kBottom - kTop) * pct / 100.0;
    g->set("y", fixed1(y));
    g->set("ty", fixed1(y + 4));
    g->set("label", std::to_string(pct) + "%");
    grid->add(g);
  }
  chart->set("grid", grid);

  const std::string pattern = labels->getValue<std::string>("month_label");
  const double slot = (kRight - kLeft) / static_cast<double>(points.empty() ? 1 : points.size());
  Array::Ptr out = new Array;
  std::string summary;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    auto o = obj();
    const bool has_data = p.total > 0;
    const long percent =
        has_data ? static_cast<long>((100.0 * static_cast<double>(p.meeting) / static_cast<double>(p.total)) + 0.5) : 0;
    const double h = has_data ? (kBottom - kTop) * static_cast<double>(p.meeting) / static_cast<double>(p.total) : 0;
    const double x = kLeft + slot * static_cast<double>(i) + slot * 0.2;
    o->set("has_data", has_data);
    o->set("current", i + 1 == points.size());
    o->set("x", fixed1(x));
    o->set("w", fixed1(slot * 0.6));
    o->set("y", fixed1(kBottom - h));
    o->set("h", fixed1(h));
    o->set("cx", fixed1(x + slot * 0.3));
    o->set("vy", fixed1(kBottom - h - 5));
    o->set("percent", percent);
    o->set("meeting", p.meeting);
    o->set("total", p.total);
    char ym[16];
    std::snprintf(ym, sizeof ym, "%04d-%02d", p.year, p.month);
    o->set("ym", std::string(ym));
    o->set("month_label", month_label(pattern, p.month));
    if (i == 0 || p.month == 1) o->set("year_label", std::to_string(p.year));
    if (has_data) summary += std::string(summary.empty() ? "" : ", ") + ym + " " + std::to_string(percent) + "%";
    out->add(o);
  }
  chart->set("points", out);
  chart->set("summary", summary.empty() ? std::string("—") : summary);
  return chart;
}

}  // namespace hoshi::http
