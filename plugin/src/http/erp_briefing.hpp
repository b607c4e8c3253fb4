// The briefing part of a briefing campaign's screen (/erp/campaigns/{id}): the counts
// 出席 / 欠席 / 未回答 with each invited supplier's latest answer, a form to record an
// answer staff received (by phone, mail, reply to the invitation …), and the materials
// shown at the briefing with their SHA-256, to download and to attach.
//   POST /erp/campaigns/{id}/attendance          vendor_code, answer, attendees, note, channel
//   POST /erp/campaigns/{id}/materials           multipart: csrf first, then file(s)
//   GET  /erp/campaigns/{id}/materials/{mid}     one material (recorded)
#pragma once
#include <Poco/JSON/Object.h>

#include <string>

#include "http/erp_request_form.hpp"
#include "http/erp_screens.hpp"
#include "http/exchange.hpp"

namespace hoshi::http {

// Adds "briefing" (counts, suppliers, materials, channels, can_record) to a queued
// briefing campaign's screen context.
void add_briefing_context(ErpScreens& screens, const ScreenRequest& r, long long id, Poco::JSON::Object::Ptr& ctx);
// Records one answer; HttpError 400 in Japanese naming the field when refused.
void record_attendance_from_form(ErpScreens& screens, const Caller& caller, long long id, const FormFields& f);
// Reads the multipart upload (the evidence upload's bounded reader; `csrf_ok` checks the
// token before any file is read) and attaches each file. HttpError 400/413 when refused:
// then nothing of the upload is stored.
void upload_materials_from_form(Exchange& ex, ErpScreens& screens, const Caller& caller, long long id,
                                const std::function<bool(const std::string&)>& csrf_ok);
// Sends one material of the campaign as an attachment; false when it has no such material.
bool send_material(Exchange& ex, ErpScreens& screens, const Caller& caller, long long id, const std::string& mid);

}  // namespace hoshi::http
