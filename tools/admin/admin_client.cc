#include "admin_client.h"

#include <chrono>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace quanta::admin {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

Result<AdminAnswer> AdminClient::Call(const std::string& command,
                                      const std::string& json_body) const {
  const std::string where = host_ + ":" + std::to_string(port_);
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::error_code ec;
  auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
  if (ec) return Status(ErrorCode::kIoError, "cannot resolve " + host_ + ": " + ec.message());
  stream.expires_after(std::chrono::seconds(timeout_seconds_));
  stream.connect(endpoints, ec);
  if (ec) return Status(ErrorCode::kIoError, "cannot connect to " + where + ": " + ec.message());

  bhttp::request<bhttp::string_body> request(bhttp::verb::post, "/admin/v1/" + command, 11);
  request.set(bhttp::field::host, where);
  request.set(bhttp::field::authorization, "Bearer " + token_);
  request.set(bhttp::field::content_type, "application/json");
  request.body() = json_body;
  request.prepare_payload();
  bhttp::write(stream, request, ec);
  if (ec) return Status(ErrorCode::kIoError, "cannot send to " + where + ": " + ec.message());

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64ull << 20);  // answers are small: print-users, status, progress
  bhttp::read(stream, buffer, parser, ec);
  if (ec) return Status(ErrorCode::kIoError, "no answer from " + where + ": " + ec.message());
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  AdminAnswer answer;
  answer.status = static_cast<int>(parser.get().result_int());
  answer.body = std::move(parser.get().body());
  return answer;
}

}  // namespace quanta::admin
