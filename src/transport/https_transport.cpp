#include "transport/https_transport.hpp"

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "transport/token_client.hpp"
#include "protocol/token_protocol.hpp"

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

class fetch_operation : public std::enable_shared_from_this<fetch_operation> {
 public:
  fetch_operation(std::shared_ptr<token_client> client, asio::any_io_executor ex,
                  std::chrono::seconds clock_offset, fetch_handler handler)
      : client_(std::move(client)),
        options_(client_->options()),
        io_ex_(ex),
        strand_(asio::make_strand(ex)),
        resolver_(strand_),
        socket_(strand_),
        timer_(strand_),
        clock_offset_(clock_offset),
        deadline_(steady_clock::now() + options_.request_timeout),
        handler_(std::move(handler)),
        handler_work_(asio::prefer(asio::get_associated_executor(handler_, io_ex_),
                                   asio::execution::outstanding_work.tracked)) {}

  /// Called once, in the initiating call: hooks up cancellation, then queues the first step.
  void start() {
    auto slot = asio::get_associated_cancellation_slot(handler_);
    if (slot.is_connected()) {
      slot.assign([weak = weak_from_this(), strand = strand_](asio::cancellation_type type) {
        if ((type & (asio::cancellation_type::terminal | asio::cancellation_type::partial |
                     asio::cancellation_type::total)) == asio::cancellation_type::none) {
          return;
        }
        asio::post(strand, [weak] {
          if (auto self = weak.lock())
            self->abort(asio::error::operation_aborted);
        });
      });
    }
    asio::post(strand_, [self = shared_from_this()] { self->begin(); });
  }

 private:
  // ---- phases -----------------------------------------------------------------------------

  void begin() {
    if (done_)
      return;
    timer_.expires_at(deadline_);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec)
        self->abort(error::timeout);
    });
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
    if (done_)
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
    if (done_)
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
    if (client_->proxy())
      return send_connect();
    start_tls();
  }

  void send_connect() {
    phase_ = phase::proxy_handshake;
    const endpoint& target = client_->target();
    const std::string authority = target.authority();
    connect_request_.emplace(http::verb::connect, authority, 11);
    connect_request_->set(http::field::host, authority);
    connect_request_->set(http::field::user_agent,
                          options_.user_agent.empty() ? default_user_agent() : options_.user_agent);
    const secret_string& authorization = client_->proxy()->authorization;
    if (!authorization.empty()) {
      connect_request_->set(http::field::proxy_authorization, authorization.reveal());
    }
    http::async_write(socket_, *connect_request_,
                      [self = shared_from_this()](error_code ec, std::size_t) {
                        self->connect_request_.reset();  // holds the proxy credentials
                        self->on_connect_sent(ec);
                      });
  }

  void on_connect_sent(error_code ec) {
    if (done_)
      return;
    if (ec)
      return fail(ec, describe_phase() + " failed: " + ec.message());
    connect_response_.emplace();
    connect_response_->skip(true);  // a CONNECT answer has no body
    connect_response_->header_limit(static_cast<std::uint32_t>(options_.max_response_header_bytes));
    http::async_read(
        socket_, buffer_, *connect_response_,
        [self = shared_from_this()](error_code ec, std::size_t) { self->on_connect_answer(ec); });
  }

  void on_connect_answer(error_code ec) {
    if (done_)
      return;
    const std::string proxy = "proxy " + client_->proxy()->authority();
    const std::string target = client_->target().authority();
    if (ec) {
      return fail(error::proxy_error,
                  proxy + " broke the CONNECT to " + target + ": " + ec.message());
    }
    const auto& answer = connect_response_->get();
    const unsigned status = answer.result_int();
    if (status < 200 || status > 299) {
      error_details details;
      details.http_status = status;
      details.message = proxy + " refused CONNECT to " + target + ": " + std::to_string(status);
      std::string reason = sanitize_excerpt(answer.reason(), 80);
      if (!reason.empty())
        details.message += " " + reason;
      return complete(error::proxy_error, std::move(details));
    }
    if (buffer_.size() != 0) {
      return fail(error::proxy_error, proxy + " sent data after accepting CONNECT to " + target);
    }
    connect_response_.reset();
    start_tls();
  }

  void start_tls() {
    if (!client_->tls_context())
      return send_request();  // plain http (allow_plain_http)
    phase_ = phase::tls_handshake;
    tls_.emplace(socket_, *client_->tls_context());
    const endpoint& target = client_->target();
    SSL* ssl = tls_->native_handle();
    bool ok = true;
    if (target.host_is_ip) {
      // No SNI for IP literals (RFC 6066); the certificate must name the address (IP SAN).
      ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), target.host.c_str()) == 1;
    } else {
      ok = SSL_set_tlsext_host_name(ssl, target.host.c_str()) == 1 &&
           SSL_set1_host(ssl, target.host.c_str()) == 1;
      SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    }
    if (!ok) {
      return fail(error::invalid_endpoint_url,
                  "cannot set up host name verification for " + target.authority());
    }
    tls_->async_handshake(ssl::stream_base::client,
                          [self = shared_from_this()](error_code ec) { self->on_handshake(ec); });
  }

  void on_handshake(error_code ec) {
    if (done_)
      return;
    if (ec) {
      // OpenSSL's reason alone ("certificate verify failed"), without asio's "(SSL routines)".
      const char* reason = ec.category() == asio::error::get_ssl_category()
                               ? ERR_reason_error_string(static_cast<unsigned long>(ec.value()))
                               : nullptr;
      std::string message =
          describe_phase() + " failed: " + (reason != nullptr ? std::string(reason) : ec.message());
      const long verify = SSL_get_verify_result(tls_->native_handle());
      if (verify != X509_V_OK) {
        message += " (";
        message += X509_verify_cert_error_string(verify);
        message += ")";
      }
      return fail(ec, message);
    }
    send_request();
  }

  void send_request() {
    phase_ = phase::writing;
    try {
      request_ = make_token_request(client_->target(), client_->signer(), options_, clock_offset_);
    } catch (const std::exception& e) {
      return fail(error::invalid_endpoint_url,
                  "cannot sign the request to " + client_->target().authority() + ": " + e.what());
    }
    result_.sent_at = system_clock::now();
    result_.sent_at_steady = steady_clock::now();
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
    if (done_)
      return;
    if (ec)
      return fail(ec, describe_phase() + " failed: " + ec.message());
    phase_ = phase::reading;
    response_.emplace();
    response_->body_limit(options_.max_response_body_bytes);
    response_->header_limit(static_cast<std::uint32_t>(options_.max_response_header_bytes));
    auto on_read = [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); };
    if (tls_) {
      http::async_read(*tls_, buffer_, *response_, std::move(on_read));
    } else {
      http::async_read(socket_, buffer_, *response_, std::move(on_read));
    }
  }

  void on_read(error_code ec) {
    if (done_)
      return;
    const std::string from = client_->target().authority();
    if (ec == ssl::error::stream_truncated && response_->is_header_done() &&
        response_->need_eof()) {
      // The body ends at the end of the connection and the server skipped close_notify. The
      // JSON parser still notices a cut body, so accept it as the end of the message.
      error_code eof_ec;
      response_->put_eof(eof_ec);
      if (!eof_ec && response_->is_done())
        ec = {};
    }
    if (ec == http::error::body_limit) {
      return fail(error::response_too_large,
                  "the response body from " + from + " exceeds max_response_body_bytes (" +
                      std::to_string(options_.max_response_body_bytes) + ")");
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return fail(error::response_too_large,
                  "the response header from " + from + " exceeds max_response_header_bytes (" +
                      std::to_string(options_.max_response_header_bytes) + ")");
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == ssl::error::stream_truncated || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      // The code says how (TLS close_notify or not, reset); the message says when.
      return fail(
          ec, from + (response_->got_some() ? " closed the connection in the middle of the response"
                                            : " closed the connection without answering"));
    }
    if (ec && ec.category() == http::make_error_code(http::error::end_of_stream).category()) {
      return fail(error::malformed_response,
                  "the answer from " + from + " is not valid HTTP: " + ec.message());
    }
    if (ec)
      return fail(ec, describe_phase() + " failed: " + ec.message());

    const auto& answer = response_->get();
    token_response_view view;
    view.status = answer.result_int();
    view.date = answer[http::field::date];
    view.retry_after = answer[http::field::retry_after];
    view.location = answer[http::field::location];
    view.content_type = answer[http::field::content_type];
    view.body = answer.body();
    parsed_token_response parsed = parse_token_response(view, result_.sent_at);
    result_.token = std::move(parsed.token);
    result_.expires_in = parsed.expires_in;
    result_.server_date = parsed.server_date;
    complete(parsed.ec, std::move(parsed.details));
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
    if (done_)
      return;
    std::string what = describe_phase();
    if (phase_ == phase::tls_handshake)
      what = "in the " + what;
    fail(reason, (reason == error::timeout ? "timed out " : "cancelled while ") + what);
  }

  void fail(error_code ec, std::string message) {
    error_details details;
    details.message = std::move(message);
    complete(ec, std::move(details));
  }

  void complete(error_code ec, error_details details) {
    if (done_)
      return;
    done_ = true;
    result_.details = std::move(details);

    timer_.cancel();
    resolver_.cancel();
    auto slot = asio::get_associated_cancellation_slot(handler_);
    if (slot.is_connected())
      slot.clear();

    // A complete exchange ends with a TLS shutdown, which runs after the handler has its
    // result; anything else just closes the socket.
    const bool exchanged = phase_ == phase::reading && response_ && response_->is_done();
    if (exchanged && tls_) {
      shut_down();
    } else {
      close();
    }

    auto work = std::move(handler_work_);
    asio::dispatch(io_ex_, asio::append(std::move(handler_), ec, std::move(result_)));
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
  asio::any_io_executor io_ex_;
  asio::strand<asio::any_io_executor> strand_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  std::optional<ssl::stream<tcp::socket&>> tls_;
  asio::steady_timer timer_;
  std::chrono::seconds clock_offset_;
  steady_clock::time_point deadline_;
  fetch_handler handler_;
  asio::any_completion_executor handler_work_;

  phase phase_ = phase::resolving;
  bool done_ = false;
  std::vector<tcp::endpoint> tried_;
  beast::flat_buffer buffer_;
  std::optional<http::request<http::empty_body>> connect_request_;
  std::optional<http::response_parser<http::empty_body>> connect_response_;
  token_http_request request_;
  std::optional<http::response_parser<http::string_body>> response_;
  fetch_result result_;
};

}  // namespace

void start_fetch(std::shared_ptr<token_client> client, asio::any_io_executor ex,
                 std::chrono::seconds clock_offset, fetch_handler handler) {
  auto op = std::make_shared<fetch_operation>(std::move(client), std::move(ex), clock_offset,
                                              std::move(handler));
  op->start();
}

}  // namespace here::oauth::detail
