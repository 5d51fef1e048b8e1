// The version of Quanta's programs (quantad --version, quanta-admin status, packages).
#pragma once

namespace quanta {

inline constexpr const char* kQuantaVersion = "0.1.0";

}  // namespace quanta
