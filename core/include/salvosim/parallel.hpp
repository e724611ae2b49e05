// The one place that knows how work is spread over threads (oneTBB, or serial when built
// with -DSALVOSIM_WITH_TBB=OFF). Nothing else in salvosim includes a TBB header.
#pragma once

#include <cstdint>
#include <functional>

namespace salvosim {

// The most worker threads a run may ask for: beyond it, thread start-up itself fails.
inline constexpr int max_threads = 4096;

// How many workers `threads` means: threads in [1, max_threads] as given, 0 for every core
// available; std::invalid_argument otherwise.
int worker_count(int threads);

// Calls work(block_begin, block_end, worker) over [begin, end) split into blocks of at most
// `grain`, on worker_count(threads) workers. `worker` is in [0, worker_count(threads)) and no
// two calls running at the same time share it, so callers keep one scratch state per worker.
// Which worker runs which block is not deterministic: results must not depend on it.
void parallel_blocks(std::int64_t begin, std::int64_t end, std::int64_t grain, int threads,
                     const std::function<void(std::int64_t, std::int64_t, int)>& work);

}  // namespace salvosim
