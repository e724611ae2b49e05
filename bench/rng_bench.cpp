// Random numbers: the cost of one Philox block drawn alone (draw_block) and in batches across
// threats as the kernel draws them (the portable draw_blocks, and its AVX2 and AVX-512
// versions, each checked against draw_block), and of one normal variate by Box-Muller and by
// inversion (normal_quantile). Items are blocks of four 32-bit words, or normals.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "philox_simd.hpp"
#include "salvosim/rng.hpp"

namespace salvosim {
namespace {

constexpr std::uint64_t seed = 0x5eed;

void BM_DrawBlockAlone(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  std::uint64_t trial = 0;
  for (auto _ : state) {
    for (std::uint32_t i = 0; i < n; ++i) benchmark::DoNotOptimize(draw_block(seed, trial, i, 3, Purpose::layer, 0));
    ++trial;
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_DrawBlockAlone)->Arg(320);

struct Batch {
  explicit Batch(std::size_t n)
      : threats(n),
        words{std::vector<std::uint32_t>(n), std::vector<std::uint32_t>(n), std::vector<std::uint32_t>(n),
              std::vector<std::uint32_t>(n)} {
    for (std::size_t k = 0; k < n; ++k) threats[k] = static_cast<std::uint32_t>(3 * k);
  }
  BlockColumns columns() { return {{words[0].data(), words[1].data(), words[2].data(), words[3].data()}}; }
  std::vector<std::uint32_t> threats;
  std::vector<std::uint32_t> words[4];
};

// True when `batch` holds exactly the blocks draw_block gives: every batched path must.
bool matches_draw_block(Batch& batch, std::size_t n, std::uint64_t trial) {
  for (std::size_t k = 0; k < n; ++k) {
    const PhiloxCounter block = draw_block(seed, trial, batch.threats[k], 3, Purpose::layer, 0);
    for (std::size_t w = 0; w < 4; ++w) {
      if (batch.words[w][k] != block[w]) return false;
    }
  }
  return true;
}

using BatchFunction = void (*)(std::uint64_t, std::uint64_t, const std::uint32_t*, std::size_t, std::uint32_t, Purpose,
                               std::uint32_t, BlockColumns);

void run_batches(benchmark::State& state, BatchFunction draw) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Batch batch(n);
  std::uint64_t trial = 0;
  for (auto _ : state) {
    draw(seed, trial++, batch.threats.data(), n, 3, Purpose::layer, 0, batch.columns());
    benchmark::DoNotOptimize(batch.words[0].data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  if (!matches_draw_block(batch, n, trial - 1)) state.SkipWithError("the batch differs from draw_block");
}

void BM_DrawBlocksPortable(benchmark::State& state) { run_batches(state, draw_blocks); }
BENCHMARK(BM_DrawBlocksPortable)->Arg(37)->Arg(320)->Arg(10000);

#if SALVOSIM_HAVE_PHILOX_SIMD
bool cpu_supports(const char* isa) {
  __builtin_cpu_init();
  if (std::string(isa) == "avx512f") return __builtin_cpu_supports("avx512f");
  return __builtin_cpu_supports("avx2");
}

void BM_DrawBlocksAvx2(benchmark::State& state) {
  if (!cpu_supports("avx2")) return state.SkipWithError("this CPU has no AVX2");
  run_batches(state, detail::draw_blocks_avx2);
}
BENCHMARK(BM_DrawBlocksAvx2)->Arg(37)->Arg(320)->Arg(10000);

void BM_DrawBlocksAvx512(benchmark::State& state) {
  if (!cpu_supports("avx512f")) return state.SkipWithError("this CPU has no AVX-512");
  run_batches(state, detail::draw_blocks_avx512);
}
BENCHMARK(BM_DrawBlocksAvx512)->Arg(37)->Arg(320)->Arg(10000);
#endif

// Uniform words for the normal benchmarks, made once.
std::vector<std::uint32_t> some_words(std::size_t n) {
  std::vector<std::uint32_t> words;
  for (std::uint32_t k = 0; words.size() < n; ++k) {
    for (std::uint32_t u : draw_block(seed, 0, k, 0, Purpose::flight_time, 0)) words.push_back(u);
  }
  return words;
}

void BM_NormalBoxMuller(benchmark::State& state) {
  const std::vector<std::uint32_t> words = some_words(1024);
  for (auto _ : state) {
    double sum = 0.0;
    for (std::size_t k = 0; k < words.size(); k += 2) {
      const auto [z0, z1] = box_muller(to_open_unit(words[k]), to_open_unit(words[k + 1]));
      sum += z0 + z1;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(words.size()));
}
BENCHMARK(BM_NormalBoxMuller);

void BM_NormalInversion(benchmark::State& state) {
  const std::vector<std::uint32_t> words = some_words(1024);
  for (auto _ : state) {
    double sum = 0.0;
    for (const std::uint32_t u : words) sum += normal_quantile(to_open_unit(u));
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(words.size()));
}
BENCHMARK(BM_NormalInversion);

}  // namespace
}  // namespace salvosim
