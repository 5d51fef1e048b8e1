#include "service/request_context.h"

namespace quanta::service {
namespace {
thread_local RequestContext current;
}  // namespace

const char* TransportName(Transport transport) {
  switch (transport) {
    case Transport::kInproc: return "inproc";
    case Transport::kPb: return "pb";
    case Transport::kTtb: return "ttb";
    case Transport::kHttp: return "http";
    case Transport::kCount: break;
  }
  return "unknown";
}

const RequestContext& CurrentRequest() { return current; }

ScopedRequest::ScopedRequest(Transport transport, std::string_view peer) : saved_(current) {
  current = RequestContext{transport, peer};
}

ScopedRequest::~ScopedRequest() { current = saved_; }

}  // namespace quanta::service
