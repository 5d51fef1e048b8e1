// The Ceph RADOS backend (backend.h), for coordinators that keep no state of their own.
// Construct it with OpenRadosBackend(). This header includes no librados header:
// rados_backend.cc is the only file that does.
//
// Layout in the pool (and namespace), with the engine's KeySplitter:
//  - one object per group (an engine partition), named "g" + hex(group id); its omap keys are
//    a key's space followed by the bytes after the group id, its values the values. A
//    partition's head rows and chunks are in its one object, so a seal is one atomic object
//    operation;
//  - one index object per family (an engine table), named "f" + hex(family id); its omap keys
//    are the group ids of the family that were ever written, values empty. A write adds the
//    groups it touches to their index (idempotently) before writing them, so an ordered walk
//    over a family never misses a written group;
//  - one object "m" for the shared keys (catalog, format record), omap keys = the keys.
//
// Writes: a batch is grouped by object; each object gets one ObjectWriteOperation applying its
// entries in batch order (atomic for that object), and the objects are written in parallel. A
// batch is atomic per object, not as a whole: after an error, some objects may hold their part
// (WriteReporting says which entries were written).
// An acknowledged write is on every acting replica of its placement group (`sync` adds
// nothing). A range deletion lists the keys it covers, then removes them.
//
// Snapshots: per object, as backend.h describes. A batch holding a deletion also sets the
// object's xattr "q.gen" to a fresh random value; a read through a snapshot reads that xattr in
// the same operation as the omap keys and compares it with the value pinned at the snapshot's
// first read of the object (kConflict when it changed).
//
// Errors: -ETIMEDOUT (rados.op_timeout passed; the operation may still be applied later) is
// kTimeout, -ENOSPC/-EDQUOT kNoSpace ("disk full"), anything else kIoError.
#pragma once

#include <memory>
#include <string>

#include "storage/backend/backend.h"

namespace quanta::storage {

struct RadosOptions {
  std::string conf;             // ceph.conf path (empty: librados' default search)
  std::string pool;             // required
  std::string user = "admin";   // cephx id, without "client."
  std::string name_space;       // RADOS namespace (empty = the default one)
  int op_timeout_ms = 10000;    // every OSD and monitor operation (rounded up to seconds)
};

// Connects to the cluster and opens the pool. kTimeout if the monitors do not answer within
// op_timeout, kInvalidArgument for a missing pool or configuration, kIoError otherwise.
Result<std::unique_ptr<Backend>> OpenRadosBackend(const RadosOptions& options);

}  // namespace quanta::storage
