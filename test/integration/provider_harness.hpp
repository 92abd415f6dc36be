#pragma once

// What the provider's end-to-end tests share: options for the local token server, an event log,
// and running an io_context until a condition holds (with a guard instead of a hang).

#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <here/oauth/provider_options.hpp>

#include "local_token_server.hpp"

namespace here::oauth::test_support {

inline provider_options options_for(const local_token_server& server) {
  using namespace std::chrono_literals;
  provider_options o;
  o.ca_file = server.ca_file();
  o.use_environment_proxy = false;
  o.request_timeout = 5s;
  o.retry.base_delay = 10ms;
  o.retry.max_delay = 50ms;
  return o;
}

/// Records events (from any thread).
struct event_log {
  std::mutex mutex;
  std::vector<provider_event> events;

  std::function<void(const provider_event&)> callback() {
    return [this](const provider_event& e) {
      std::lock_guard lock(mutex);
      events.push_back(e);
    };
  }
  std::size_t count(provider_event::kind k) {
    std::lock_guard lock(mutex);
    return static_cast<std::size_t>(std::count_if(
        events.begin(), events.end(), [k](const provider_event& e) { return e.type == k; }));
  }
  std::vector<std::string> messages(provider_event::kind k) {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& e : events)
      if (e.type == k)
        out.push_back(e.details.message);
    return out;
  }
};

/// Runs io until pred holds; false (instead of hanging) after a generous guard.
template <class Pred>
bool run_until(boost::asio::io_context& io, Pred pred,
               std::chrono::seconds guard = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + guard;
  io.restart();
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    io.run_one_for(std::chrono::milliseconds(100));
  }
  return true;
}

/// The oauth_consumer_key of a recorded request's Authorization header.
inline std::string consumer_key(const recorded_request& r) {
  const std::string marker = "oauth_consumer_key=\"";
  const auto at = r.authorization.find(marker);
  if (at == std::string::npos)
    return {};
  const auto start = at + marker.size();
  return r.authorization.substr(start, r.authorization.find('"', start) - start);
}

/// The scope= parameter of a recorded form body, percent-decoded (empty when none was sent).
inline std::string sent_scope(const recorded_request& r) {
  const auto at = r.body.find("scope=");
  if (at == std::string::npos)
    return {};
  const auto end = r.body.find('&', at);
  const std::string encoded =
      r.body.substr(at + 6, end == std::string::npos ? std::string::npos : end - at - 6);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size()) {
      out += static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += encoded[i] == '+' ? ' ' : encoded[i];
    }
  }
  return out;
}

}  // namespace here::oauth::test_support
