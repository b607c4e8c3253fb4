// Coverage over time for the 星取表 chart: the standing of every supplier at past month
// ends, replayed backwards from today's rows by undoing the history written after each.
#include <unordered_map>

#include "service/service.hpp"
#include "store/supplier_repository.hpp"

namespace hoshi {

namespace {
Date month_end(int year, int month) {
  const int ny = month == 12 ? year + 1 : year, nm = month == 12 ? 1 : month + 1;
  return Date::from_days(Date{ny, nm, 1}.days() - 1);
}

// The first instant (UTC, as history timestamps are written) after a day ends in Japan.
std::string after_day_in_tokyo(const Date& d) { return d.iso() + "T15:00:00Z"; }

}  // namespace

std::vector<Service::CoveragePoint> Service::coverage(int months) {
  if (months < 1) months = 1;
  const Date day = today();
  const long this_month = day.year * 12L + (day.month - 1);
  std::vector<CoveragePoint> out;
  {
    std::lock_guard lock(coverage_mutex_);
    if (coverage_for_ != this_month || coverage_past_.size() + 1 < static_cast<std::size_t>(months)) {
      std::vector<Date> ends;  // newest first
      for (int k = 1; k < months; ++k) {
        const long m = this_month - k;
        ends.push_back(month_end(static_cast<int>(m / 12), static_cast<int>(m % 12) + 1));
      }
      std::vector<Supplier> rows;
      std::unordered_map<std::string, std::string> created;
      std::vector<store::HistoryEntry> history;
      {
        std::lock_guard db_lock(db_mutex_);
        store::SupplierRepository repo(db_);
        rows = repo.list({});
        created = repo.created_dates();
        if (!ends.empty()) history = repo.history_since(after_day_in_tokyo(ends.back()));
      }
      std::unordered_map<std::string, Supplier*> by_code;
      for (auto& s : rows) by_code.emplace(s.code(), &s);
      std::vector<CoveragePoint> past(ends.size());
      std::size_t h = 0;  // history is newest first
      for (std::size_t k = 0; k < ends.size(); ++k) {
        const std::string cut = after_day_in_tokyo(ends[k]);
        for (; h < history.size() && history[h].changed_at >= cut; ++h) {
          const auto f = field_from_name(history[h].field);
          auto it = by_code.find(history[h].vendor_code);
          if (!f || it == by_code.end()) continue;
          if (std::string why = set_from_text(*it->second, *f, history[h].old_value); !why.empty())
            throw std::runtime_error("supplier " + history[h].vendor_code + ": history of " + history[h].field + " (" +
                                     history[h].changed_at + ") holds \"" + history[h].old_value.value_or("") +
                                     "\", not " + why + " (corrupt record)");
        }
        CoveragePoint& p = past[ends.size() - 1 - k];
        p.year = ends[k].year;
        p.month = ends[k].month;
        for (const auto& s : rows) {
          auto c = created.find(s.code());
          if (c == created.end() || c->second >= cut) continue;  // not yet a supplier then
          const SupplierStanding st = evaluate(s, ends[k]);
          if (!st.view.active) continue;
          ++p.total;
          if (meets_policy(st.standing.standing)) ++p.meeting;
        }
      }
      coverage_past_ = std::move(past);
      coverage_for_ = this_month;
    }
    out.assign(coverage_past_.end() - (months - 1), coverage_past_.end());
  }
  CoveragePoint now;
  now.year = day.year;
  now.month = day.month;
  const auto b = board();
  now.total = b->active;
  now.meeting = b->meeting;
  out.push_back(now);
  return out;
}

}  // namespace hoshi
