#include "mail/sender.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include "core/sha256.hpp"
#include "mail/mime.hpp"
#include "store/audit_log.hpp"

namespace hoshi::mail {
namespace {

using Clock = std::chrono::steady_clock;
using model::MessageEvent;

bool stopping(const SenderOptions& o) { return o.stop && o.stop->load(); }

// Sleeps up to `d`, waking early when asked to stop.
void nap(const SenderOptions& o, std::chrono::milliseconds d) {
  const auto until = Clock::now() + d;
  while (!stopping(o) && Clock::now() < until)
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(200), until - Clock::now()));
}

long long backoff_seconds(const SenderOptions& o, int attempts) {
  long long s = o.retry_base_seconds;
  for (int i = 1; i < attempts && s < 6 * 3600; ++i) s *= 2;
  return std::min<long long>(s, 6 * 3600);
}

}  // namespace

RunSummary run_outbox(const std::string& database_url, const std::string& via, const SenderOptions& o,
                      const Progress& progress) {
  store::Database db(database_url);
  RunSummary sum;
  records::Outbox box(db, via);
  const records::SenderId me = records::SenderId::for_this_process();
  box.register_sender(me);
  SmtpConnection conn(o.smtp);
  const auto interval =
      o.per_minute > 0 ? std::chrono::microseconds(60'000'000LL / o.per_minute) : std::chrono::microseconds(0);
  auto next_send = Clock::now();
  auto next_recover = Clock::now();
  int unavailable_streak = 0;
  try {
    while (!stopping(o)) {
      if (Clock::now() >= next_recover) {
        auto [unknown, requeued] = box.recover(me, o.lease_seconds);
        sum.recovered_unknown += unknown;
        sum.requeued += requeued;
        next_recover = Clock::now() + std::chrono::seconds(std::max(1, o.lease_seconds / 4));
      }
      // a throttled sender takes only what it can send within a minute or so
      int batch = o.batch;
      if (o.per_minute > 0) batch = std::max(1, std::min(batch, o.per_minute / 4 + 1));
      std::vector<std::string> tokens;
      auto claimed = box.claim(me, batch, o.campaign, o.link_days, tokens);
      if (claimed.empty()) {
        if (o.once) break;
        nap(o, std::chrono::seconds(2));
        continue;
      }
      try {
        conn.open();
        unavailable_streak = 0;
      } catch (const SmtpUnavailable& e) {
        const long long wait = std::min<long long>(300, 5LL << std::min(unavailable_streak++, 6));
        box.release(me, records::audit_time_after(o.once ? 0 : wait));
        sum.smtp_error = e.what();
        if (o.once) break;
        nap(o, std::chrono::seconds(wait));
        continue;
      }
      std::size_t i = 0;
      for (; i < claimed.size() && !stopping(o); ++i) {
        const records::OutboxMessage& m = claimed[i];
        if (interval.count() > 0) {
          const auto now = Clock::now();
          if (next_send > now) nap(o, std::chrono::duration_cast<std::chrono::milliseconds>(next_send - now));
          if (stopping(o)) break;
          next_send = std::max(next_send, Clock::now() - interval) + interval;
        }
        const std::string& token = tokens[i];
        Message msg;
        msg.from = {o.from_addr, o.from_name};
        msg.to = {m.recipient, m.recipient_name};
        if (!o.reply_to.empty()) msg.reply_to = Address{o.reply_to, o.from_name};
        msg.subject = m.subject;
        msg.text = records::with_token(m.text_body, token);
        msg.html = records::with_token(m.html_body, token);
        msg.ics = m.ics;
        msg.message_id = m.message_id;
        msg.charset = m.charset;
        if (m.campaign_id) msg.extra_headers.emplace_back("X-Hoshitori-Campaign", std::to_string(*m.campaign_id));
        const std::string link_id = token.empty() ? "" : sha256_hex(token).substr(0, 12);
        std::string data;
        try {
          data = build(msg, std::time(nullptr));
        } catch (const MimeError& e) {
          box.mark(m, MessageEvent::bounced, std::string("not sendable: ") + e.what(), "", "");
          ++sum.failed;
          continue;
        }
        SendOutcome out;
        try {
          out = conn.send(o.from_addr, m.recipient, data);
        } catch (const SmtpUnavailable& e) {
          // reconnecting failed before this message went anywhere: it and the rest go back
          sum.smtp_error = e.what();
          break;
        }
        switch (out.kind) {
          case SendOutcome::Kind::sent:
            box.mark(m, MessageEvent::delivered, out.reply, "", link_id);
            ++sum.sent;
            break;
          case SendOutcome::Kind::permanent:
            box.mark(m, MessageEvent::bounced, out.reply, "", "");
            ++sum.failed;
            break;
          case SendOutcome::Kind::unknown:
            box.mark(m, MessageEvent::uncertain, out.reply, "", link_id);
            ++sum.unknown;
            break;
          case SendOutcome::Kind::temporary:
            if (m.attempts + 1 >= o.max_attempts) {
              box.mark(m, MessageEvent::bounced,
                       out.reply + " (gave up after " + std::to_string(m.attempts + 1) + " attempts)", "", "");
              ++sum.failed;
            } else {
              box.mark(m, MessageEvent::retry, out.reply, records::audit_time_after(backoff_seconds(o, m.attempts + 1)),
                       "");
              ++sum.deferred;
            }
            break;
        }
        if (progress) progress(sum);
      }
      if (i < claimed.size()) {
        box.release(me, records::audit_now());
        if (!sum.smtp_error.empty() && o.once) break;
      }
    }
  } catch (...) {
    try {
      box.stop_sender(me);
    } catch (...) {
    }
    throw;
  }
  box.stop_sender(me);
  return sum;
}

}  // namespace hoshi::mail
