// The one place that knows how work is spread over threads (oneTBB, or serial when built
// with -DSALVOSIM_WITH_TBB=OFF). Nothing else in salvosim includes a TBB header.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

namespace salvosim {

// The most worker threads a run may ask for: beyond it, thread start-up itself fails.
inline constexpr int max_threads = 4096;

// How many workers `threads` means: threads in [1, max_threads] as given, 0 for every core
// available; std::invalid_argument otherwise.
int worker_count(int threads);

// worker_count(threads) workers for any number of calls of blocks(): the threads' arena is set
// up once, for a whole run of many chunks (set up again for every chunk, it grew a two-thread
// run's memory by about 1 MiB a million trials).
class WorkerPool {
 public:
  explicit WorkerPool(int threads);  // std::invalid_argument as worker_count
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int workers() const { return workers_; }

  // Calls work(block_begin, block_end, worker) over [begin, end) split into blocks of at most
  // `grain` (>= 1). `worker` is in [0, workers()) and no two calls running at the same time
  // share it, so callers keep one scratch state per worker. Which worker runs which block is
  // not deterministic: results must not depend on it.
  void blocks(std::int64_t begin, std::int64_t end, std::int64_t grain,
              const std::function<void(std::int64_t, std::int64_t, int)>& work);

 private:
  struct Arena;  // parallel.cpp: the only place that knows oneTBB
  int workers_;
  std::unique_ptr<Arena> arena_;  // null with one worker
};

}  // namespace salvosim
