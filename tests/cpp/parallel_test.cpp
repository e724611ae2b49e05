// WorkerPool (parallel.hpp): one pool serves many calls, each covering its range exactly once,
// in blocks no larger than the grain, on workers numbered below workers().
#include "salvosim/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace salvosim {
namespace {

TEST(WorkerPool, ManyCallsEachCoverTheirRangeOnce) {
  for (const int threads : {1, 2, 4}) {
    WorkerPool pool(threads);
    EXPECT_EQ(pool.workers(), worker_count(threads));
    for (int call = 0; call < 200; ++call) {
      const std::int64_t begin = call, end = call + 1 + call % 97, grain = 1 + call % 7;
      std::vector<std::atomic<int>> seen(static_cast<std::size_t>(end));
      std::atomic<bool> bad_block{false}, bad_worker{false};
      pool.blocks(begin, end, grain, [&](std::int64_t b, std::int64_t e, int worker) {
        if (b < begin || e > end || e - b > grain || e <= b) bad_block = true;
        if (worker < 0 || worker >= pool.workers()) bad_worker = true;
        for (std::int64_t k = b; k < e; ++k) ++seen[static_cast<std::size_t>(k)];
      });
      EXPECT_FALSE(bad_block) << threads << " threads, call " << call;
      EXPECT_FALSE(bad_worker) << threads << " threads, call " << call;
      for (std::int64_t k = 0; k < end; ++k) {
        ASSERT_EQ(seen[static_cast<std::size_t>(k)], k >= begin ? 1 : 0) << threads << " threads, call " << call;
      }
    }
  }
}

TEST(WorkerPool, RefusesBadThreadsAndGrain) {
  EXPECT_THROW(WorkerPool(-1), std::invalid_argument);
  EXPECT_THROW(WorkerPool(max_threads + 1), std::invalid_argument);
  WorkerPool pool(2);
  EXPECT_THROW(pool.blocks(0, 10, 0, [](std::int64_t, std::int64_t, int) {}), std::invalid_argument);
  int calls = 0;
  pool.blocks(5, 5, 1, [&](std::int64_t, std::int64_t, int) { ++calls; });  // an empty range: no call
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace salvosim
