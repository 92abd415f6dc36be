// SPDX-License-Identifier: Apache-2.0
#include "wire_response.hpp"

#include <ostream>  // Beast's status.ipp streams a string_view without including it

#include <boost/beast/http/status.hpp>

namespace here::oauth::test_support {

std::string serialize(const wire_response& response, std::string_view date) {
  namespace http = boost::beast::http;
  std::string out;
  for (unsigned status : response.interim) {
    out += "HTTP/1.1 " + std::to_string(status) + " ";
    out += http::obsolete_reason(http::int_to_status(status));
    if (status == 103)
      out += "\r\nLink: </style.css>; rel=preload";
    out += "\r\n\r\n";
  }
  out += "HTTP/1.1 " + std::to_string(response.status) + " ";
  out += http::obsolete_reason(http::int_to_status(response.status));
  out += "\r\nDate: ";
  out += date;
  out += "\r\nServer: here-token-server\r\nContent-Type: ";
  out += response.content_type;
  out += "\r\nCache-Control: no-store\r\nContent-Length: ";
  out += std::to_string(response.body.size());
  for (const auto& [name, value] : response.headers)
    out += "\r\n" + name + ": " + value;
  if (response.close)
    out += "\r\nConnection: close";
  out += "\r\n\r\n";
  out += response.body;
  return out;
}

}  // namespace here::oauth::test_support
