// The dashboard's list of requests waiting for the buyer's answer: every record whose
// supplier asked to negotiate (an estimate, a counter-proposal, a negotiation request — and
// the supplier-initiated 価格協議の申入れ) and has not been answered with substance
// (model::open_ask). Rendered outside the dashboard's cache: it changes with every step.
#pragma once
#include <string>

#include "http/erp_screens.hpp"

namespace hoshi::http {

std::string awaiting_answers_html(ErpScreens& screens, const ScreenRequest& r);

}  // namespace hoshi::http
