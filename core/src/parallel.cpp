#include "salvosim/parallel.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#if SALVOSIM_WITH_TBB
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#endif

namespace salvosim {

int worker_count(int threads) {
  if (threads < 0 || threads > max_threads) {
    throw std::invalid_argument("threads must be an integer in [0, " + std::to_string(max_threads) +
                                "] (0: every core), got " + std::to_string(threads));
  }
#if SALVOSIM_WITH_TBB
  return threads == 0 ? tbb::this_task_arena::max_concurrency() : threads;
#else
  return 1;
#endif
}

#if SALVOSIM_WITH_TBB
// An arena of exactly `workers` slots: current_thread_index() is then a slot in [0, workers)
// that no other task running at the same time holds. TBB caps its threads at the core count
// unless told otherwise; a user asking for more gets what was asked.
struct WorkerPool::Arena {
  explicit Arena(int workers)
      : allow(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(workers)), arena(workers) {}
  tbb::global_control allow;
  tbb::task_arena arena;
};
#else
struct WorkerPool::Arena {};
#endif

WorkerPool::WorkerPool(int threads) : workers_(worker_count(threads)) {
#if SALVOSIM_WITH_TBB
  if (workers_ > 1) arena_ = std::make_unique<Arena>(workers_);
#endif
}

WorkerPool::~WorkerPool() = default;

void WorkerPool::blocks(std::int64_t begin, std::int64_t end, std::int64_t grain,
                        const std::function<void(std::int64_t, std::int64_t, int)>& work) {
  if (grain < 1) throw std::invalid_argument("WorkerPool::blocks: grain must be >= 1");
  if (end <= begin) return;
#if SALVOSIM_WITH_TBB
  if (arena_) {
    arena_->arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<std::int64_t>(begin, end, static_cast<std::size_t>(grain)),
          [&](const tbb::blocked_range<std::int64_t>& range) {
            work(range.begin(), range.end(), tbb::this_task_arena::current_thread_index());
          },
          tbb::simple_partitioner());
    });
    return;
  }
#endif
  for (std::int64_t b = begin; b < end; b += grain) work(b, std::min(end, b + grain), 0);
}

}  // namespace salvosim
