// SPDX-License-Identifier: Apache-2.0
// Compile-cost probe (bench/run times its compilation): what a service writes to get a HERE token
// with the SDK, one coroutine awaiting token().
#include <here/oauth.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace asio = boost::asio;

asio::awaitable<void> call_api(here::oauth::token_provider& provider) {
  const here::oauth::access_token token = co_await provider.token();
  (void)token.authorization_header();
}

int main() {
  asio::io_context io;
  here::oauth::token_provider provider(io.get_executor(), here::oauth::default_credentials());
  asio::co_spawn(io, call_api(provider), asio::detached);
  io.run();
}
