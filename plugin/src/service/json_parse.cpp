#include "service/json_parse.hpp"

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <set>
#include <vector>

namespace hoshi::api {

namespace {

// Poco's ParseHandler (it still builds the value), keeping the keys of each open object
// and the position in each open array so the first duplicate can be named by its path.
class CheckedHandler : public Poco::JSON::ParseHandler {
 public:
  using Ptr = Poco::SharedPtr<CheckedHandler>;

  void reset() override {
    ParseHandler::reset();
    open_.clear();
    duplicate_.clear();
  }
  void startObject() override {
    element();
    ParseHandler::startObject();
    open_.push_back(Level{true, {}, {}, 0, false});
  }
  void endObject() override {
    ParseHandler::endObject();
    open_.pop_back();
  }
  void startArray() override {
    element();
    ParseHandler::startArray();
    open_.push_back(Level{false, {}, {}, 0, false});
  }
  void endArray() override {
    ParseHandler::endArray();
    open_.pop_back();
  }
  void key(const std::string& k) override {
    ParseHandler::key(k);
    if (open_.empty()) return;
    Level& l = open_.back();
    l.key = k;
    if (!l.keys.insert(k).second && duplicate_.empty()) duplicate_ = path();
  }
  void value(int v) override { element(), ParseHandler::value(v); }
  void value(unsigned v) override { element(), ParseHandler::value(v); }
#if defined(POCO_HAVE_INT64)
  void value(Poco::Int64 v) override { element(), ParseHandler::value(v); }
  void value(Poco::UInt64 v) override { element(), ParseHandler::value(v); }
#endif
  void value(const std::string& s) override { element(), ParseHandler::value(s); }
  void value(double d) override { element(), ParseHandler::value(d); }
  void value(bool b) override { element(), ParseHandler::value(b); }
  void null() override { element(), ParseHandler::null(); }

  const std::string& duplicate() const { return duplicate_; }

 private:
  struct Level {
    bool object;
    std::set<std::string> keys;
    std::string key;        // object: the key being read
    std::size_t index = 0;  // array: the element being read
    bool started = false;   // array: an element was read
  };

  // A value starts: in an array, it is the next element.
  void element() {
    if (open_.empty() || open_.back().object) return;
    Level& l = open_.back();
    l.index = l.started ? l.index + 1 : 0;
    l.started = true;
  }

  std::string path() const {
    std::string p;
    for (const auto& l : open_) {
      if (l.object)
        p += (p.empty() ? "" : ".") + l.key;
      else
        p += "[" + std::to_string(l.index) + "]";
    }
    return p;
  }

  std::vector<Level> open_;
  std::string duplicate_;
};

}  // namespace

Poco::Dynamic::Var parse_json(const std::string& text) {
  CheckedHandler::Ptr handler = new CheckedHandler;
  Poco::JSON::Parser parser(handler);
  Poco::Dynamic::Var v = parser.parse(text);
  if (!handler->duplicate().empty()) throw DuplicateKey(handler->duplicate());
  return v;
}

}  // namespace hoshi::api
