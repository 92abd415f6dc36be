// SPDX-License-Identifier: Apache-2.0
// async_token() without coroutines: a plain callback, a std::future, and cancelling one waiter.
//
// Shows:
// - async_token(callback): the callback gets (error_code, access_token) on its associated
//   executor (here the provider's), never inside the async_token call itself;
// - async_token(asio::use_future): for code that is not asynchronous at all; future::get()
//   throws boost::system::system_error on failure;
// - per-waiter cancellation with bind_cancellation_slot: the cancelled waiter completes with
//   operation_aborted; the shared request and every other waiter carry on.
// token() (the coroutine form) throws token_error, whose details() hold HERE's errorCode and
// message; async_token() reports the error_code only.
//
// Usage:
//   example_callbacks_and_futures [--ca-file PEM]
// Credentials come from the default chain.

#include <future>
#include <iostream>
#include <string>
#include <thread>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include <here/oauth.hpp>

namespace asio = boost::asio;
using here::oauth::access_token;
using here::oauth::redact_token;

int main(int argc, char** argv) {
  here::oauth::provider_options options;
  if (argc == 3 && std::string(argv[1]) == "--ca-file") {
    options.ca_file = argv[2];
  } else if (argc != 1) {
    std::cerr << "usage: " << argv[0] << " [--ca-file PEM]\n";
    return 2;
  }

  // One thread runs the io_context; main() plays the part of code that is not asynchronous.
  // One thread keeps the cancellation example simple: a cancellation slot is emitted on the
  // thread that runs the operation's completion.
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::thread runner([&io] { io.run(); });
  int exit_code = 0;
  try {
    here::oauth::token_provider provider(io.get_executor(), here::oauth::default_credentials(),
                                         options);

    // 1. A callback.
    std::promise<void> called;
    provider.async_token([&called](boost::system::error_code ec, access_token token) {
      if (ec)
        std::cout << "callback: failed: " << ec.message() << '\n';
      else
        std::cout << "callback: token " << redact_token(token.value) << '\n';
      called.set_value();
    });
    called.get_future().wait();

    // 2. A future: blocks this thread, not the io_context's.
    std::future<access_token> future = provider.async_token(asio::use_future);
    const access_token token = future.get();  // throws boost::system::system_error on failure
    std::cout << "future: token " << redact_token(token.value)
              << " (from the cache: " << provider.stats().requests << " request so far)\n";

    // 3. Cancelling one waiter. invalidate() drops the token, so the next caller must wait for
    // a new request; this waiter gives up at once, the request goes on for everyone else.
    provider.invalidate(token);
    asio::cancellation_signal signal;
    std::future<access_token> abandoned =
        provider.async_token(asio::bind_cancellation_slot(signal.slot(), asio::use_future));
    asio::post(io, [&signal] { signal.emit(asio::cancellation_type::terminal); });
    try {
      abandoned.get();
      std::cout << "cancel: the new token arrived before the cancellation\n";
    } catch (const boost::system::system_error& e) {
      std::cout << "cancel: this waiter completed with '" << e.code().message() << "'\n";
    }
    const access_token fresh = provider.async_token(asio::use_future).get();
    std::cout << "after cancel: token " << redact_token(fresh.value) << ", "
              << provider.stats().requests << " requests in all\n";

    provider.cancel();  // stops the refresh timer
  } catch (const std::exception& e) {
    std::cerr << "failed: " << e.what() << '\n';
    exit_code = 1;
  }
  work.reset();
  io.stop();
  runner.join();
  return exit_code;
}
