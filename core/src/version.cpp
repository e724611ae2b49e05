#include "salvosim/version.hpp"

#include <ctime>

#include "salvosim/git_sha1.hpp"
#include "salvosim/version_config.hpp"

namespace salvosim {

std::string version() { return SALVOSIM_VERSION_STRING; }
std::string git_sha1() { return SALVOSIM_GIT_SHA1_STRING; }

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace salvosim
