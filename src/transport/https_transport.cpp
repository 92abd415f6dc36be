// SPDX-License-Identifier: Apache-2.0
#include "transport/https_transport.hpp"

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "protocol/token_request.hpp"
#include "transport/fetch_operation.hpp"
#include "transport/http_exchange.hpp"
#include "transport/proxy_tunnel.hpp"
#include "transport/tls_session.hpp"

namespace here::oauth::detail {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using std::chrono::steady_clock;
using std::chrono::system_clock;

/// How long a TLS shutdown may take after the result has been delivered.
constexpr std::chrono::milliseconds shutdown_grace{1000};

enum class phase { resolving, connecting, proxy_handshake, tls_handshake, writing, reading };

class https_fetch : public fetch_operation<https_fetch> {
 public:
  https_fetch(std::shared_ptr<token_client> client, asio::any_io_executor ex,
              std::chrono::seconds clock_offset, fetch_handler handler)
      : fetch_operation(ex, client->options().request_timeout, std::move(handler)),
        client_(std::move(client)),
        options_(client_->options()),
        resolver_(strand_),
        socket_(strand_),
        clock_offset_(clock_offset) {}

 private:
  friend class fetch_operation<https_fetch>;

  // ---- phases -----------------------------------------------------------------------------

  /// On the strand, with the deadline armed.
  void begin() {
    const auto& proxy = client_->proxy();
    const std::string& host = proxy ? proxy->host : client_->target().host;
    const std::uint16_t port = proxy ? proxy->port : client_->target().port;
    phase_ = phase::resolving;
    resolver_.async_resolve(
        host, std::to_string(port), tcp::resolver::numeric_service,
        [self = shared_from_this()](error_code ec, tcp::resolver::results_type r) {
          self->on_resolved(ec, std::move(r));
        });
  }

  void on_resolved(error_code ec, tcp::resolver::results_type results) {
    if (caller_.done())
      return;
    if (ec)
      return fail(ec, describe_phase() + " failed: " + ec.message());
    phase_ = phase::connecting;
    asio::async_connect(
        socket_, results,
        [this](const error_code&, const tcp::endpoint& next) {
          tried_.push_back(next);
          return true;
        },
        [self = shared_from_this()](error_code ec, const tcp::endpoint&) {
          self->on_connected(ec);
        });
  }

  void on_connected(error_code ec) {
    if (caller_.done())
      return;
    if (ec) {
      std::string message = describe_phase() + " failed: " + ec.message();
      if (!tried_.empty()) {
        message += " (tried ";
        for (std::size_t i = 0; i < tried_.size(); ++i) {
          if (i != 0)
            message += ", ";
          message += format_authority(tried_[i].address().to_string(), tried_[i].port());
        }
        message += ")";
      }
      return fail(ec, message);
    }
    error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    if (!client_->proxy())
      return start_tls();
    phase_ = phase::proxy_handshake;
    tunnel_request tunnel;
    tunnel.proxy = &*client_->proxy();
    tunnel.target = &client_->target();
    tunnel.user_agent = user_agent_;
    tunnel.max_header_bytes = options_.max_response_header_bytes;
    async_open_tunnel(socket_, buffer_, tunnel,
                      [self = shared_from_this()](error_code ec, error_details details) {
                        self->on_tunnel(ec, std::move(details));
                      });
  }

  void on_tunnel(error_code ec, error_details details) {
    if (caller_.done())
      return;
    if (ec)
      return complete(ec, std::move(details));
    start_tls();
  }

  void start_tls() {
    if (!client_->tls_context())
      return send_request();  // plain http (allow_plain_http)
    phase_ = phase::tls_handshake;
    tls_.emplace(socket_, *client_->tls_context());
    if (!expect_peer(tls_->native_handle(), client_->target())) {
      return fail(error::invalid_endpoint_url,
                  "cannot set up host name verification for " + client_->target().authority());
    }
    tls_->async_handshake(ssl::stream_base::client,
                          [self = shared_from_this()](error_code ec) { self->on_handshake(ec); });
  }

  void on_handshake(error_code ec) {
    if (caller_.done())
      return;
    if (ec) {
      return fail(ec, describe_phase() +
                          " failed: " + describe_handshake_failure(ec, tls_->native_handle()));
    }
    send_request();
  }

  void send_request() {
    phase_ = phase::writing;
    try {
      // Signed now, right before it is written: the timestamp is as fresh as it can be.
      request_ =
          to_wire(make_token_request(client_->target(), client_->signer(), options_, clock_offset_),
                  client_->target());
    } catch (const std::exception& e) {
      return fail(error::invalid_endpoint_url,
                  "cannot sign the request to " + client_->target().authority() + ": " + e.what());
    }
    caller_.result().sent_at = system_clock::now();
    caller_.result().sent_at_steady = steady_clock::now();
    auto on_written = [self = shared_from_this()](error_code ec, std::size_t) {
      self->on_written(ec);
    };
    if (tls_) {
      http::async_write(*tls_, request_, std::move(on_written));
    } else {
      http::async_write(socket_, request_, std::move(on_written));
    }
  }

  void on_written(error_code ec) {
    if (caller_.done())
      return;
    if (ec)
      return fail(ec, describe_phase() + " failed: " + ec.message());
    phase_ = phase::reading;
    read_answer_message();
  }

  /// Reads the next answer into a fresh parser; the bytes already read stay in buffer_.
  void read_answer_message() {
    response_.emplace();
    apply_limits(*response_, options_);
    auto on_read = [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); };
    if (tls_) {
      http::async_read(*tls_, buffer_, *response_, std::move(on_read));
    } else {
      http::async_read(socket_, buffer_, *response_, std::move(on_read));
    }
  }

  void on_read(error_code ec) {
    if (caller_.done())
      return;
    if (auto failure = check_read(ec, *response_, client_->target().authority(), options_))
      return fail(failure->ec, std::move(failure->message));
    if (auto interim = interim_answer(response_->get().result_int(), interim_skipped_,
                                      client_->target().authority())) {
      if (!interim->empty())
        return fail(error::malformed_response, std::move(*interim));
      ++interim_skipped_;
      return read_answer_message();
    }
    error_details details;
    const error_code answer_ec = read_answer(view_of(response_->get()), caller_.result(), details);
    complete(answer_ec, std::move(details));
  }

  // ---- ending -------------------------------------------------------------------------------

  std::string describe_phase() const {
    const std::string target = client_->target().authority();
    const auto& proxy = client_->proxy();
    switch (phase_) {
      case phase::resolving:
        return proxy ? "resolving proxy " + proxy->host : "resolving " + client_->target().host;
      case phase::connecting:
        return proxy ? "connecting to proxy " + proxy->authority() : "connecting to " + target;
      case phase::proxy_handshake:
        return "opening a tunnel to " + target + " through proxy " + proxy->authority();
      case phase::tls_handshake:
        return "TLS handshake with " + target;
      case phase::writing:
        return "writing the request to " + target;
      case phase::reading:
        return "reading the response from " + target;
    }
    return target;
  }

  /// The deadline passed or the caller cancelled: completes at once, whatever is in flight.
  void abort(error_code reason) {
    if (caller_.done())
      return;
    std::string what = describe_phase();
    if (phase_ == phase::tls_handshake)
      what = "in the " + what;
    fail(reason, (reason == error::timeout ? "timed out " : "cancelled while ") + what);
  }

  void complete(error_code ec, error_details details) {
    if (caller_.done())
      return;
    timer_.cancel();
    resolver_.cancel();
    // A complete exchange ends with a TLS shutdown, which runs after the handler has its
    // result; anything else just closes the socket.
    const bool exchanged = phase_ == phase::reading && response_ && response_->is_done();
    if (exchanged && tls_) {
      shut_down();
    } else {
      close();
    }
    finish(ec, std::move(details));
  }

  void shut_down() {
    timer_.expires_after(
        std::min<steady_clock::duration>(shutdown_grace, options_.request_timeout));
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec)
        self->close();
    });
    tls_->async_shutdown([self = shared_from_this()](error_code) {
      // Errors are expected: the server may close without close_notify (truncation).
      self->timer_.cancel();
      self->close();
    });
  }

  void close() {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  std::shared_ptr<token_client> client_;
  const request_options& options_;
  const std::string user_agent_ =
      options_.user_agent.empty() ? default_user_agent() : options_.user_agent;
  tcp::resolver resolver_;
  tcp::socket socket_;
  std::optional<ssl::stream<tcp::socket&>> tls_;
  std::chrono::seconds clock_offset_;

  phase phase_ = phase::resolving;
  std::vector<tcp::endpoint> tried_;
  beast::flat_buffer buffer_;
  wire_request request_;
  std::optional<wire_response_parser> response_;
  unsigned interim_skipped_ = 0;  // 1xx answers before the final one
};

}  // namespace

void start_https_fetch(std::shared_ptr<token_client> client, asio::any_io_executor ex,
                       std::chrono::seconds clock_offset, fetch_handler handler) {
  auto op = std::make_shared<https_fetch>(std::move(client), std::move(ex), clock_offset,
                                          std::move(handler));
  op->start();
}

}  // namespace here::oauth::detail
