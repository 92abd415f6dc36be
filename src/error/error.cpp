// SPDX-License-Identifier: Apache-2.0
#include <here/oauth/error.hpp>

#include <string>

namespace here::oauth {
namespace {

class here_oauth_category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "here.oauth"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::credentials_file_unreadable:
        return "credentials file cannot be read";
      case error::credentials_malformed:
        return "credentials file is malformed";
      case error::credentials_missing:
        return "required credential is missing or empty";
      case error::invalid_endpoint_url:
        return "token endpoint URL is invalid";
      case error::credentials_not_found:
        return "no HERE credentials found";
      case error::signature_rejected:
        return "token endpoint rejected the credentials or signature";
      case error::timestamp_rejected:
        return "token endpoint rejected the request timestamp (clock skew)";
      case error::request_rejected:
        return "token endpoint rejected the request";
      case error::rate_limited:
        return "token endpoint is rate limiting requests";
      case error::server_error:
        return "token endpoint server error";
      case error::redirect_refused:
        return "token endpoint answered with a redirect, not followed";
      case error::malformed_response:
        return "token endpoint sent a malformed response";
      case error::response_too_large:
        return "token endpoint response exceeds the size limit";
      case error::timeout:
        return "token request timed out";
      case error::insecure_url_refused:
        return "plain http:// token endpoint refused (allow_plain_http is off)";
      case error::proxy_error:
        return "HTTPS proxy refused or broke the tunnel";
      case error::invalid_option:
        return "invalid option";
      case error::backing_off:
        return "token endpoint failed recently; backing off";
      case error::timed_out:
        return "no token within max_wait; still trying";
    }
    return "here.oauth error " + std::to_string(ev);
  }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
  static const here_oauth_category category;
  return category;
}

std::string to_string(const error_details& d) {
  std::string out;
  auto add = [&out](std::string_view part) {
    if (!out.empty())
      out += ", ";
    out += part;
  };
  if (d.http_status != 0)
    add("HTTP " + std::to_string(d.http_status));
  if (!d.error_code.empty())
    add("errorCode " + d.error_code);
  if (!d.error_id.empty())
    add("errorId " + d.error_id);
  if (!d.message.empty())
    add(d.message);
  if (d.retry_after)
    add("retry after " + std::to_string(d.retry_after->count()) + " s");
  return out;
}

namespace {
std::string describe(const boost::system::error_code& ec, const std::string& context,
                     const error_details& details) {
  std::string text = context.empty() ? ec.message() : context + ": " + ec.message();
  if (std::string detail_text = to_string(details); !detail_text.empty()) {
    text += " (" + detail_text + ")";
  }
  return text + " [" + ec.category().name() + ":" + std::to_string(ec.value()) + "]";
}
}  // namespace

token_error::token_error(boost::system::error_code ec, error_details details,
                         const std::string& context)
    : boost::system::system_error(ec, context),
      details_(std::move(details)),
      what_(describe(ec, context, details_)) {}

token_error::token_error(boost::system::error_code ec, const std::string& context)
    : boost::system::system_error(ec, context), what_(describe(ec, context, details_)) {}

}  // namespace here::oauth
