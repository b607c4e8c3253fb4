// 法人番号 (corporate number): 13 digits, the first a check digit over the other 12.
#pragma once
#include <string>
#include <string_view>

namespace hoshi::corporate_number {

// The check digit for a 12-digit base: 9 − (Σ P(n)·Q(n) mod 9), P(n) the n-th digit
// from the right, Q(n) = 1 for odd n and 2 for even n. `base12` must be 12 ASCII digits.
int check_digit(std::string_view base12);

// Normalises full-width digits, spaces and hyphens away and validates. On success
// returns true with the 13 ASCII digits in `out`; otherwise false with `why`.
bool normalize(std::string_view input, std::string& out, std::string& why);

}  // namespace hoshi::corporate_number
