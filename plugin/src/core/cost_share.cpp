#include "core/cost_share.hpp"

#include <stdexcept>

#include "core/error.hpp"
#include "core/text.hpp"

namespace hoshi::cost_share {

std::optional<long long> parse_percent(const std::string& raw, std::string& why) {
  std::string s = text::trim(text::nfkc(raw));
  if (!s.empty() && s.back() == '%') s.pop_back();
  s = text::trim(s);
  if (s.empty()) {
    why = "を入力してください（例: 12.5）";
    return std::nullopt;
  }
  long long whole = 0, frac = 0;
  int decimals = 0;
  bool dot = false, digits = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digits = true;
      if (!dot) {
        whole = whole * 10 + (c - '0');
        if (whole > 100000) break;
      } else if (++decimals <= 2) {
        frac = frac * 10 + (c - '0');
      } else {
        why = "は小数点以下2桁までで入力してください";
        return std::nullopt;
      }
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      why = c == '-' ? "に負の値は使えません（0〜100）" : "は数字で入力してください（例: 12.5）";
      return std::nullopt;
    }
  }
  if (!digits) {
    why = "は数字で入力してください（例: 12.5）";
    return std::nullopt;
  }
  if (decimals == 1) frac *= 10;
  const long long v = whole * 100 + frac;
  if (whole > 100 || v > kWhole) {
    why = "は0〜100の範囲で入力してください";
    return std::nullopt;
  }
  return v;
}

std::string percent_text(long long h) {
  std::string s = std::to_string(h / 100);
  if (const long long f = h % 100; f != 0) {
    s += '.';
    s += static_cast<char>('0' + f / 10);
    if (f % 10 != 0) s += static_cast<char>('0' + f % 10);
  }
  return s;
}

long long share_of(long long yen, long long h) {
  // yen ≤ 10^13 and h ≤ 10^4: the product fits in 64 bits
  return (yen * h + kWhole / 2) / kWhole;
}

std::string yen_text(long long yen) {
  std::string d = std::to_string(yen), out;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i > 0 && (d.size() - i) % 3 == 0) out += ',';
    out += d[i];
  }
  return out + "円";
}

namespace {
std::optional<long long> total_of(const std::optional<long long>& material, const std::optional<long long>& labor,
                                  const std::optional<long long>& total, const char* key) {
  for (const auto* v : {&material, &labor, &total})
    if (*v && **v < 0) throw Error(Code::invalid, std::string("\"") + key + "\": a cost cannot be negative");
  if (!material && !labor) return total;
  const long long sum = material.value_or(0) + labor.value_or(0);
  if (total && *total != sum)
    throw Error(Code::invalid, std::string("\"") + key + "\" (" + std::to_string(*total) +
                                   ") is not the sum of its 物件費 and 人件費 parts (" + std::to_string(sum) + ")");
  return sum;
}

std::string line(const char* label, long long total, const std::optional<long long>& material,
                 const std::optional<long long>& labor, long long share, long long amount) {
  std::string s = std::string(label) + " " + yen_text(total);
  if (material || labor)
    s += "（物件費 " + yen_text(material.value_or(0)) + "＋人件費 " + yen_text(labor.value_or(0)) + "）";
  return s + " × " + percent_text(share) + "% = " + yen_text(amount);
}
}  // namespace

Result compute(const Input& in) {
  if (in.share < 0 || in.share > kWhole)
    throw Error(Code::invalid, "\"sales_share_percent\" must be between 0 and 100");
  Result r;
  r.initial = total_of(in.material_initial, in.labor_initial, in.initial, "initial_cost");
  r.running = total_of(in.material_running, in.labor_running, in.running, "running_cost");
  if (!r.initial && !r.running)
    throw Error(Code::invalid,
                "the cost share needs the supplier's security cost: \"initial_cost\" or \"running_cost\" (or their "
                "物件費/人件費 parts)");
  if (r.initial) {
    r.buyer_initial = share_of(*r.initial, in.share);
    r.calculation = line("初期費用", *r.initial, in.material_initial, in.labor_initial, in.share, *r.buyer_initial);
  }
  if (r.running) {
    r.buyer_running = share_of(*r.running, in.share);
    if (!r.calculation.empty()) r.calculation += "\n";
    r.calculation +=
        line("運用費用（年額）", *r.running, in.material_running, in.labor_running, in.share, *r.buyer_running);
  }
  return r;
}

}  // namespace hoshi::cost_share
