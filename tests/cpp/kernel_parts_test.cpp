// The parts the fast kernel is built from (issue 4), each against an independent reference:
// batched Philox (rng.hpp draw_blocks and its AVX2/AVX-512 versions in core/src/philox_simd.hpp)
// against draw_block one block at a time; the integer Bernoulli test against the double
// comparison it replaces; the normal quantile (AS 241) against values from mpmath; and the
// linear-time request ordering (core/src/time_sort.hpp) against std::stable_sort; the index
// lists (core/src/index_lists.hpp), portable and AVX-512, against a plain filter; the channel
// test of the unbound path (core/src/channel_bound.hpp) against a ring of channels.
// The private headers come from core/src (tests/cpp/CMakeLists.txt puts it on the path).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <tuple>
#include <vector>

#include "channel_bound.hpp"
#include "index_lists.hpp"
#include "philox_simd.hpp"
#include "salvosim/names.hpp"
#include "salvosim/rng.hpp"
#include "threat_loops.hpp"
#include "time_sort.hpp"

namespace salvosim {
namespace {

constexpr std::uint64_t seed = 0x5a17'05e1'd00d'2024ull;

// ---------------------------------------------------------------------------------------
// Batched Philox.

struct Batch {
  explicit Batch(std::vector<std::uint32_t> t) : threats(std::move(t)) {
    for (auto& w : words) w.assign(threats.size() + guard, 0xdeadbeefu);  // and guard entries after
  }
  BlockColumns columns() { return {{words[0].data(), words[1].data(), words[2].data(), words[3].data()}}; }
  static constexpr std::size_t guard = 8;  // a vector's width of entries that must stay untouched
  std::vector<std::uint32_t> threats;
  std::vector<std::uint32_t> words[4];
};

using BatchFunction = void (*)(std::uint64_t, std::uint64_t, const std::uint32_t*, std::size_t, std::uint32_t, Purpose,
                               std::uint32_t, BlockColumns);

// Every block of the batch equals draw_block's, for sizes around the vector widths (4, 8) and
// counter fields at their extremes.
void expect_same_as_draw_block(BatchFunction draw) {
  for (std::size_t n : {0u, 1u, 3u, 4u, 5u, 7u, 8u, 9u, 16u, 17u, 320u}) {
    std::vector<std::uint32_t> threats(n);
    for (std::size_t k = 0; k < n; ++k) threats[k] = static_cast<std::uint32_t>(k * 2654435761u);  // scattered
    if (n > 2) threats[1] = 0xffffffffu;
    for (const auto& [trial, layer, purpose, sub] :
         {std::tuple{std::uint64_t{0}, 0u, Purpose::threat, 0u},
          std::tuple{std::uint64_t{0xfedc'ba98'7654'3210ull}, 254u, Purpose::engagement, max_sub_in_stream - 1},
          std::tuple{std::uint64_t{12345}, 3u, Purpose::layer, 0u}}) {
      Batch batch(threats);
      draw(seed, trial, batch.threats.data(), n, layer, purpose, sub, batch.columns());
      std::size_t wrong = 0;
      for (std::size_t k = 0; k < n; ++k) {
        const PhiloxCounter block = draw_block(seed, trial, threats[k], layer, purpose, sub);
        for (std::size_t w = 0; w < 4; ++w) wrong += batch.words[w][k] != block[w];
      }
      EXPECT_EQ(wrong, 0u) << "n " << n << ", layer " << layer;
      for (std::size_t w = 0; w < 4; ++w) {
        EXPECT_EQ(std::count(batch.words[w].begin() + static_cast<std::ptrdiff_t>(n), batch.words[w].end(),
                             0xdeadbeefu),
                  static_cast<std::ptrdiff_t>(Batch::guard))
            << "written past the batch: n " << n << ", word " << w;
      }
    }
  }
}

TEST(DrawBlocks, PortableBatchEqualsDrawBlock) { expect_same_as_draw_block(draw_blocks); }

#if SALVOSIM_HAVE_PHILOX_SIMD
TEST(DrawBlocks, Avx2BatchEqualsDrawBlock) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "this CPU has no AVX2";
  expect_same_as_draw_block(detail::draw_blocks_avx2);
}

TEST(DrawBlocks, Avx512BatchEqualsDrawBlock) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512f")) GTEST_SKIP() << "this CPU has no AVX-512";
  expect_same_as_draw_block(detail::draw_blocks_avx512);
}
#endif

// ---------------------------------------------------------------------------------------
// Bernoulli thresholds: u < bernoulli_threshold(p) exactly when to_unit(u) < p.

TEST(BernoulliThreshold, AgreesWithTheDoubleComparison) {
  std::vector<double> ps = {0.0,  1.0,       0.5,     0.25,          0.1,     0.9,    0.95,
                            0.97, 1.0 / 3.0, 0x1p-32, 1.0 - 0x1p-32, 0x1p-33, 1e-300, 0.7 + 0x1p-40};
  std::vector<std::uint32_t> us = {0u, 1u, 2u, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu};
  for (double p : ps) {
    // The words on either side of the threshold are where an error would show.
    const std::uint64_t t = bernoulli_threshold(p);
    EXPECT_LE(t, bernoulli_always);
    for (std::int64_t d = -2; d <= 2; ++d) {
      const std::int64_t u = static_cast<std::int64_t>(t) + d;
      if (u >= 0 && u <= 0xffffffff) us.push_back(static_cast<std::uint32_t>(u));
    }
  }
  for (double p : ps) {
    for (std::uint32_t u : us) {
      EXPECT_EQ(u < bernoulli_threshold(p), to_unit(u) < p) << "p " << p << ", u " << u;
    }
  }
  EXPECT_EQ(bernoulli_threshold(0.0), 0u);                // never
  EXPECT_EQ(bernoulli_threshold(1.0), bernoulli_always);  // always
}

// ---------------------------------------------------------------------------------------
// The normal quantile, AS 241.

TEST(NormalQuantile, MatchesHighPrecisionValues) {
  // Reference values from mpmath at 40 digits (sqrt(2) * erfinv(2p - 1)), rounded to doubles.
  // AS 241 claims about 1e-16 relative accuracy; 4e-16 allows two ulps.
  struct Case {
    double p, z;
  };
  const Case cases[] = {
      {0.5, 0.0},
      {0.975, 1.959963984540054},
      {0.025, -1.959963984540054},
      {0.075, -1.439531470938456},  // the edge of the central branch
      {0.925, 1.4395314709384561},
      {0.0749999, -1.4395321773759007},         // just into the tail
      {1e-12, -7.034483825301132},              // the second branch's far end
      {1e-20, -9.262340089798409},              // the third branch
      {to_open_unit(0u), -6.3379577545537895},  // the extremes of to_open_unit
      {to_open_unit(0xffffffffu), 6.3379577545537895},
      {0.8125000001164153, 0.8871465594513911},
  };
  for (const Case& c : cases) {
    EXPECT_NEAR(normal_quantile(c.p), c.z, 4e-16 * std::max(1.0, std::abs(c.z))) << "p " << c.p;
  }
}

TEST(NormalQuantile, IsOddAndIncreasing) {
  double previous = -INFINITY;
  for (std::uint64_t word = 0; word <= 0xffffffffu; word += 0x00fff001u) {
    const auto u = static_cast<std::uint32_t>(word);
    const double p = to_open_unit(u);
    const double z = normal_quantile(p);
    EXPECT_GT(z, previous) << "u " << u;
    EXPECT_EQ(normal_quantile(1.0 - p), -z) << "u " << u;  // 1 - p is exact here
    previous = z;
  }
}

// rng.hpp's own logarithm (fdlibm's method), which the tail branches use so that the quantile is
// the same with every C library: within 1 ulp of std::log (glibc's, itself within 1 ulp of
// the exact value) over normal and subnormal numbers alike.
TEST(NormalQuantile, OwnLogarithmIsWithinOneUlpOfStdLog) {
  std::mt19937_64 random(11);
  double worst = 0.0;
  for (int k = 0; k < 200000; ++k) {
    const double x =
        std::ldexp(1.0 + static_cast<double>(random() >> 11) * 0x1p-53, static_cast<int>(random() % 2098) - 1074);
    if (!(x > 0.0) || !std::isfinite(x)) continue;
    const double expected = std::log(x), got = detail::log_positive(x);
    const double ulp = std::nextafter(std::abs(expected), INFINITY) - std::abs(expected);
    worst = std::max(worst, std::abs(got - expected) / ulp);
  }
  EXPECT_LE(worst, 1.0);
  EXPECT_EQ(detail::log_positive(1.0), 0.0);
  EXPECT_EQ(detail::log_positive(2.0), std::log(2.0));
}

// The central and tail branches alone, as the kernel evaluates them for a whole batch.
TEST(NormalQuantile, BranchesAreTheSameFunction) {
  for (double p : {0.0751, 0.2, 0.5, 0.77, 0.9249}) {
    EXPECT_EQ(normal_quantile_central(p - 0.5), normal_quantile(p)) << "p " << p;
  }
  for (double p : {1e-10, 0.01, 0.0749, 0.9251, 0.999}) {
    EXPECT_EQ(normal_quantile_tail(p), normal_quantile(p)) << "p " << p;
  }
}

// ---------------------------------------------------------------------------------------
// Ordering requests by (time, index): detail::order_by_time against std::stable_sort.

std::vector<std::uint32_t> reference_order(const std::vector<double>& time) {
  std::vector<std::uint32_t> order(time.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return time[a] < time[b]; });
  return order;
}

std::vector<std::uint32_t> fast_order(const std::vector<double>& time) {
  const std::size_t n = time.size();
  std::vector<std::uint32_t> order(n + 1);
  std::vector<std::uint32_t> keys(n), counts(detail::time_sort_buckets(n));
  double low = INFINITY, high = -INFINITY;
  for (double t : time) {
    low = std::min(low, t);
    high = std::max(high, t);
  }
  detail::order_by_time(time.data(), n, low, high, order.data(), keys.data(), counts.data());
  order.resize(n);
  return order;
}

TEST(OrderByTime, MatchesStableSortOnManyShapes) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (std::size_t n : {0u, 1u, 2u, 5u, 15u, 16u, 17u, 40u, 63u, 64u, 65u, 150u, 1000u, 5000u, 70000u}) {
    std::vector<std::vector<double>> shapes;
    std::vector<double> t(n);
    for (double& x : t) x = 1000.0 + 30000.0 * uniform(random);  // spread out
    shapes.push_back(t);
    for (double& x : t) x = (uniform(random) < 0.5 ? 28800.0 : 29400.0) + 30.0 * normal(random);  // two waves
    shapes.push_back(t);
    for (double& x : t) x = std::floor(10.0 * uniform(random));  // many exact ties
    shapes.push_back(t);
    for (double& x : t) x = 5000.0 + 1e-9 * normal(random);  // bunched within a grid step...
    if (n > 0) t[0] = -1e6;                                  // ...by one far outlier
    shapes.push_back(t);
    for (std::size_t k = 0; k < n; ++k) t[k] = -static_cast<double>(k);  // reversed, negative
    shapes.push_back(t);
    for (std::size_t k = 0; k < n; ++k) t[k] = k % 2 == 0 ? 0.0 : -0.0;  // signed zeros tie
    shapes.push_back(t);
    std::fill(t.begin(), t.end(), 42.0);  // all equal
    shapes.push_back(t);
    for (std::size_t s = 0; s < shapes.size(); ++s) {
      EXPECT_EQ(fast_order(shapes[s]), reference_order(shapes[s])) << "n " << n << ", shape " << s;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Index lists: the portable loops and their AVX-512 versions against a plain filter, for
// lengths around the 16-lane groups, from offsets, with rare, common and certain passes.

struct IndexListCase {
  std::size_t first, end;
  std::uint32_t limit;  // of the threshold tests; also the low end of list_outside's range
};

std::vector<IndexListCase> index_list_cases() {
  std::vector<IndexListCase> cases;
  for (std::size_t first : {0u, 3u, 16u}) {
    for (std::size_t length : {0u, 1u, 15u, 16u, 17u, 31u, 32u, 33u, 100u, 1000u}) {
      for (std::uint32_t limit : {0u, 0x08000000u, 0x80000000u, 0xffffffffu})
        cases.push_back({first, first + length, limit});
    }
  }
  return cases;
}

template <typename Lister>
void expect_index_lists(Lister lister) {
  std::mt19937 random(11);
  for (const IndexListCase& c : index_list_cases()) {
    std::vector<std::uint8_t> alive(c.end), defended(c.end), tier(c.end);
    std::vector<std::uint32_t> a(c.end), b(c.end);
    for (std::size_t i = 0; i < c.end; ++i) {
      alive[i] = random() % 4 != 0;
      defended[i] = random() % 2;
      tier[i] = static_cast<std::uint8_t>(random() % max_tiers);
      a[i] = static_cast<std::uint32_t>(random());
      b[i] = static_cast<std::uint32_t>(random());
    }
    // Each list is appended after two entries already there.
    auto expect = [&](auto keep, auto run, const char* what) {
      std::vector<std::uint32_t> wanted = {7, 9};
      for (std::size_t i = c.first; i < c.end; ++i) {
        if (keep(i)) wanted.push_back(static_cast<std::uint32_t>(i));
      }
      std::vector<std::uint32_t> list(2 + c.end, 0xdeadbeefu);
      list[0] = 7;
      list[1] = 9;
      const std::size_t count = run(list.data());
      list.resize(count);
      EXPECT_EQ(list, wanted) << what << ": first " << c.first << ", end " << c.end << ", limit " << c.limit;
    };
    expect([&](std::size_t i) { return alive[i] != 0; },
           [&](std::uint32_t* list) { return lister.alive(alive.data(), nullptr, c.first, c.end, list, 2); }, "alive");
    expect([&](std::size_t i) { return alive[i] && defended[i]; },
           [&](std::uint32_t* list) { return lister.alive(alive.data(), defended.data(), c.first, c.end, list, 2); },
           "alive and defended");
    // Masks of low tiers only (the AVX-512 lanes' case), of high tiers only, and of both.
    for (const std::uint64_t mask : {std::uint64_t{0b1011}, std::uint64_t{0x8000000100000000}, ~std::uint64_t{0x5}}) {
      expect([&](std::size_t i) { return alive[i] && ((mask >> tier[i]) & 1); },
             [&](std::uint32_t* list) {
               return lister.alive_in_tiers(alive.data(), tier.data(), mask, c.first, c.end, list, 2);
             },
             "alive in tiers");
    }
    for (const bool always : {false, true}) {
      // A threshold of 2^32 is always passed.
      const detail::Threshold32 a_threshold(always ? std::uint64_t{1} << 32 : c.limit), b_threshold(0x60000000u);
      expect([&](std::size_t k) { return (a[k] < c.limit || always) && b[k] < 0x60000000u; },
             [&](std::uint32_t* list) {
               return lister.below(a.data(), a_threshold, b.data(), b_threshold, c.first, c.end, list, 2);
             },
             always ? "below, a always" : "below");
    }
    const std::uint32_t low = c.limit / 2, high = c.limit / 2 + 0x40000000u;
    expect([&](std::size_t k) { return a[k] < low || a[k] > high; },
           [&](std::uint32_t* list) { return lister.outside(a.data(), low, high, c.first, c.end, list, 2); },
           "outside");
  }
}

struct PortableLists {
  static auto alive(auto... x) { return detail::list_alive_portable(x...); }
  static auto alive_in_tiers(auto... x) { return detail::list_alive_in_tiers_portable(x...); }
  static auto below(auto... x) { return detail::list_below_portable(x...); }
  static auto outside(auto... x) { return detail::list_outside_portable(x...); }
};

TEST(IndexLists, PortableMatchesFilter) { expect_index_lists(PortableLists{}); }

#if SALVOSIM_HAVE_INDEX_LISTS_AVX512
struct Avx512Lists {
  static auto alive(auto... x) { return detail::list_alive_avx512(x...); }
  static auto alive_in_tiers(auto... x) { return detail::list_alive_in_tiers_avx512(x...); }
  static auto below(auto... x) { return detail::list_below_avx512(x...); }
  static auto outside(auto... x) { return detail::list_outside_avx512(x...); }
};

TEST(IndexLists, Avx512MatchesFilter) {
  if (!__builtin_cpu_supports("avx512f")) GTEST_SKIP() << "this CPU has no AVX-512";
  expect_index_lists(Avx512Lists{});
}
#endif

// ---------------------------------------------------------------------------------------
// The threats' loops (threat_loops.hpp): the AVX-512 versions give the plain ones' arrays bit
// for bit, over groups of every length up to 40 at offsets that are not multiples of 16,
// thresholds of probability 0, 1 and between (words at and around them), uniform and wave
// launches, with and without the aim flag.

#if SALVOSIM_HAVE_THREAT_LOOPS_X86
// The arrays of one run of the loops over n threats.
struct ThreatLoopArrays {
  explicit ThreatLoopArrays(std::size_t n)
      : launch(n),
        impact(n),
        failure(n),
        release(n),
        launched(n),
        fails(n),
        defended(n),
        engaged(n),
        alive(n),
        killer(n) {}
  detail::ThreatArrays view(const std::array<std::vector<std::uint32_t>, 4>& words) {
    return {{words[0].data(), words[1].data(), words[2].data(), words[3].data()},
            launch.data(),
            impact.data(),
            failure.data(),
            release.data(),
            launched.data(),
            fails.data(),
            defended.data(),
            engaged.data(),
            alive.data(),
            killer.data()};
  }
  std::vector<double> launch, impact, failure, release;
  std::vector<std::uint8_t> launched, fails, defended, engaged, alive;
  std::vector<std::int16_t> killer;
};

template <typename T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

TEST(ThreatLoops, Avx512GivesThePlainLoopsBits) {
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") ||
      !__builtin_cpu_supports("avx512vl")) {
    GTEST_SKIP() << "this CPU has no AVX-512 with BW and VL";
  }
  std::mt19937_64 random(seed);
  const std::array<std::uint64_t, 5> thresholds{0, 1, 0x80000000u, 0xffffffffu, std::uint64_t{1} << 32};
  for (int round = 0; round < 3000; ++round) {
    const std::size_t first = std::array<std::size_t, 4>{0, 1, 5, 13}[round % 4];
    const std::size_t end = first + static_cast<std::size_t>(random() % 41);
    const std::size_t n = end + 3;  // beyond the group: must stay as it was
    std::array<std::vector<std::uint32_t>, 4> words;
    for (auto& column : words) {
      column.resize(n);
      for (auto& word : column) {
        // Words at and next to the thresholds, and anywhere.
        const std::uint32_t near = static_cast<std::uint32_t>(thresholds[random() % 4]) + (random() % 3) - 1;
        word = random() % 2 == 0 ? near : static_cast<std::uint32_t>(random());
      }
    }
    const detail::GroupDraws draws{std::uniform_real_distribution<double>(-1e4, 1e4)(random),
                                   std::array<double, 3>{0.0, 3600.0, 1e-7}[random() % 3],
                                   detail::Threshold32(thresholds[random() % thresholds.size()]),
                                   detail::Threshold32(thresholds[random() % thresholds.size()]),
                                   detail::Threshold32(thresholds[random() % thresholds.size()]),
                                   random() % 2 == 0};
    const bool uniform_launch = random() % 2 == 0;
    std::vector<double> normal(n);
    for (double& z : normal) z = std::normal_distribution<double>(0.0, 2.0)(random);
    const double mean = std::uniform_real_distribution<double>(0.0, 2e4)(random);
    const double sd = std::array<double, 3>{0.0, 60.0, 1800.0}[random() % 3];

    ThreatLoopArrays plain(n), wide(n);
    for (ThreatLoopArrays* arrays : {&plain, &wide}) {
      // The same starting contents, waves' launch times in place, a marker beyond the group.
      for (std::size_t i = 0; i < n; ++i) {
        arrays->launch[i] = 100.0 + static_cast<double>(i);
        arrays->defended[i] = 7;
      }
      const detail::ThreatArrays view = arrays->view(words);
      if (arrays == &plain) {
        detail::group_draws_portable(draws, uniform_launch, view, first, end);
        detail::impact_times_portable(mean, sd, normal.data(), view, first, end);
        detail::failure_times_portable(view, first, end);
      } else {
        detail::group_draws_avx512(draws, uniform_launch, view, first, end);
        detail::impact_times_avx512(mean, sd, normal.data(), view, first, end);
        detail::failure_times_avx512(view, first, end);
      }
    }
    const std::string where =
        "round " + std::to_string(round) + ", threats [" + std::to_string(first) + ", " + std::to_string(end) + ")";
    EXPECT_TRUE(same_bits(plain.launch, wide.launch)) << where;
    EXPECT_TRUE(same_bits(plain.release, wide.release)) << where;
    EXPECT_TRUE(same_bits(plain.impact, wide.impact)) << where;
    EXPECT_TRUE(same_bits(plain.failure, wide.failure)) << where;
    EXPECT_TRUE(same_bits(plain.launched, wide.launched)) << where;
    EXPECT_TRUE(same_bits(plain.fails, wide.fails)) << where;
    EXPECT_TRUE(same_bits(plain.defended, wide.defended)) << where;
    EXPECT_TRUE(same_bits(plain.engaged, wide.engaged)) << where;
    EXPECT_TRUE(same_bits(plain.alive, wide.alive)) << where;
    EXPECT_TRUE(same_bits(plain.killer, wide.killer)) << where;
  }
}
#endif

// ---------------------------------------------------------------------------------------
// The other loops of threat_loops.hpp, each version against a plain reference written here
// (the flight-time normals against normal_quantile itself), element by element, with entries
// beyond the range handed over left as they were.

using NormalsFunction = void (*)(const std::uint32_t*, std::size_t, const std::uint32_t*, std::size_t, double*,
                                 double*);

// normal[k] is normal_quantile(to_open_unit(word[k])) bit for bit, with the tails listed as the
// kernel lists them (the words outside the central branch), for batches of every length up to
// 69 of words anywhere, at the extremes and around the branches' split.
void expect_normals_of_each_word(NormalsFunction normals) {
  std::mt19937_64 random(seed);
  // to_open_unit(u) - 0.5 = -0.425 between u = 322122546 and 322122547 (and the mirror image).
  const std::array<std::uint32_t, 4> special{0, 0xffffffffu, 322122547u, 0xffffffffu - 322122547u};
  constexpr double marker = -1234.5;
  for (int round = 0; round < 400; ++round) {
    const std::size_t n = random() % 70;
    std::vector<std::uint32_t> words(n);
    for (auto& word : words) {
      const auto near = static_cast<std::uint32_t>(special[random() % special.size()] + (random() % 7) - 3);
      word = random() % 3 == 0 ? near : static_cast<std::uint32_t>(random());
    }
    std::vector<std::uint32_t> tails;
    for (std::size_t k = 0; k < n; ++k) {
      if (!(std::abs(to_open_unit(words[k]) - 0.5) <= normal_quantile_split))
        tails.push_back(static_cast<std::uint32_t>(k));
    }
    std::vector<double> tail_values(n), normal(n + 8, marker);
    normals(words.data(), n, tails.data(), tails.size(), tail_values.data(), normal.data());
    std::size_t wrong = 0;
    for (std::size_t k = 0; k < n; ++k) {
      wrong += std::bit_cast<std::uint64_t>(normal[k]) !=
               std::bit_cast<std::uint64_t>(normal_quantile(to_open_unit(words[k])));
    }
    EXPECT_EQ(wrong, 0u) << "round " << round << ", n " << n;
    EXPECT_EQ(std::count(normal.begin() + static_cast<std::ptrdiff_t>(n), normal.end(), marker), 8)
        << "written past the batch: round " << round;
  }
}

using TiersFunction = void (*)(const std::uint32_t*, const std::uint32_t*, std::size_t, std::uint64_t, std::size_t,
                               std::size_t, std::uint8_t*, std::uint8_t*);

// tier[i] is the number of limits word[i] is not below (limits never decrease), defended[i]
// bit tier[i] of the mask, for 0 to 63 limits (both sides of 32, where the loops change lanes),
// repeated limits, limits 0 and 2^32 - 1, and words at and around them.
void expect_tiers_by_counting(TiersFunction tiers) {
  std::mt19937_64 random(seed);
  constexpr std::uint8_t marker = 0xee;
  for (int round = 0; round < 600; ++round) {
    const std::size_t n_limits = std::array<std::size_t, 8>{0, 1, 2, 5, 31, 32, 40, 63}[round % 8];
    std::vector<std::uint32_t> limits(n_limits);
    for (auto& limit : limits) {
      const std::uint64_t pick = random() % 4;
      limit = pick == 0 ? 0u : pick == 1 ? 0xffffffffu : static_cast<std::uint32_t>(random());
    }
    std::sort(limits.begin(), limits.end());
    const std::size_t first = std::array<std::size_t, 4>{0, 1, 7, 16}[random() % 4];
    const std::size_t end = first + random() % 41;
    std::vector<std::uint32_t> words(end + 3);
    for (auto& word : words) {
      const bool near = n_limits > 0 && random() % 2 == 0;
      word = near ? limits[random() % n_limits] + static_cast<std::uint32_t>(random() % 3) - 1
                  : static_cast<std::uint32_t>(random());
    }
    const std::uint64_t defended_tiers = random();
    std::vector<std::uint8_t> tier(end + 3, marker), defended(end + 3, marker);
    tiers(words.data(), limits.data(), n_limits, defended_tiers, first, end, tier.data(), defended.data());
    std::size_t wrong = 0, touched = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (i < first || i >= end) {
        touched += tier[i] != marker || defended[i] != marker;
        continue;
      }
      const auto expected = static_cast<std::size_t>(
          std::count_if(limits.begin(), limits.end(), [&](std::uint32_t limit) { return words[i] >= limit; }));
      wrong += tier[i] != expected || defended[i] != ((defended_tiers >> expected) & 1U);
    }
    EXPECT_EQ(wrong, 0u) << "round " << round << ", " << n_limits << " limits";
    EXPECT_EQ(touched, 0u) << "written outside the group: round " << round;
  }
}

using TierSlotsFunction = void (*)(const std::uint8_t*, const std::uint8_t*, const std::uint8_t*, const std::uint8_t*,
                                   const std::int16_t*, const std::uint8_t*, std::uint32_t, std::size_t,
                                   std::uint32_t*);

// slot[i] is tier * width plus the key record_tier_fates counts by: killer + 2 * fate_count if
// intercepted (by layer killer), else engaged * fate_count + the fate, for every combination of
// the flags, killers from -1 to 254 and tiers to 63.
void expect_tier_slots_by_fate(TierSlotsFunction tier_slots) {
  std::mt19937_64 random(seed);
  constexpr std::uint32_t marker = 0xdeadbeefu;
  for (int round = 0; round < 300; ++round) {
    const std::size_t n = random() % 70;
    std::vector<std::uint8_t> launched(n), fails(n), defended(n), engaged(n), tier(n);
    std::vector<std::int16_t> killer(n);
    for (std::size_t i = 0; i < n; ++i) {
      launched[i] = random() % 2;
      fails[i] = random() % 2;
      defended[i] = random() % 2;
      engaged[i] = random() % 2;
      killer[i] = random() % 2 == 0 ? std::int16_t{-1} : static_cast<std::int16_t>(random() % 255);
      tier[i] = random() % 64;
    }
    const auto width = static_cast<std::uint32_t>(2 * fate_count + 1 + random() % 300);
    std::vector<std::uint32_t> slot(n + 16, marker);
    tier_slots(launched.data(), fails.data(), defended.data(), engaged.data(), killer.data(), tier.data(), width, n,
               slot.data());
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < n; ++i) {
      Fate fate = Fate::launch_failure;
      if (launched[i] != 0)
        fate = fails[i] != 0 ? Fate::flight_failure : defended[i] != 0 ? Fate::leaked_defended : Fate::leaked_open;
      const std::uint32_t key =
          killer[i] >= 0 ? static_cast<std::uint32_t>(killer[i] + 2 * fate_count)
                         : static_cast<std::uint32_t>(engaged[i] * fate_count + static_cast<std::int64_t>(fate));
      wrong += slot[i] != tier[i] * width + key;
    }
    EXPECT_EQ(wrong, 0u) << "round " << round << ", n " << n;
    EXPECT_EQ(std::count(slot.begin() + static_cast<std::ptrdiff_t>(n), slot.end(), marker), 16)
        << "written past the batch: round " << round;
  }
}

TEST(ThreatLoops, PortableNormalsTiersAndTierSlots) {
  expect_normals_of_each_word(detail::first_normals_portable);
  expect_tiers_by_counting(detail::tiers_portable);
  expect_tier_slots_by_fate(detail::tier_slots_portable);
}

#if SALVOSIM_HAVE_THREAT_LOOPS_X86
TEST(ThreatLoops, Avx2NormalsTiersAndTierSlots) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "this CPU has no AVX2";
  expect_normals_of_each_word(detail::first_normals_avx2);
  expect_tiers_by_counting(detail::tiers_avx2);
  expect_tier_slots_by_fate(detail::tier_slots_avx2);
}

TEST(ThreatLoops, Avx512NormalsTiersAndTierSlots) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw")) {
    GTEST_SKIP() << "this CPU has no AVX-512 with BW";
  }
  expect_normals_of_each_word(detail::first_normals_avx512);
  expect_tiers_by_counting(detail::tiers_avx512);
  expect_tier_slots_by_fate(detail::tier_slots_avx512);
}
#endif

// ---------------------------------------------------------------------------------------
// The channel test: whenever it passes, a ring of that many channels serving engagements of
// length e at the given starts (in order of start) delays none of them. Over many shapes:
// spread or bunched starts, ties, spans far wider than the buckets (aliasing), far from zero,
// and buckets sized for only part of the span (the kernel sizes them by the first requests).

TEST(ChannelBound, PassesOnlyWhereNoEngagementWaits) {
  std::mt19937_64 random(seed);
  std::vector<std::uint32_t> counts(detail::ChannelBound::storage_size);
  std::int64_t passed = 0, refused = 0;
  for (int round = 0; round < 20000; ++round) {
    const double e = std::array<double, 4>{0.5, 20.0, 120.0, 1e-3}[round % 4];
    const std::size_t n = 1 + random() % 200;
    const double span = e * std::array<double, 5>{0.5, 3.0, 30.0, 3000.0, 1e6}[random() % 5];
    const double offset = std::array<double, 3>{0.0, -5e4, 1e7}[random() % 3];
    std::vector<double> starts(n);
    for (double& start : starts) {
      start = offset + span * std::uniform_real_distribution<double>(0.0, 1.0)(random);
      if (random() % 8 == 0) start = offset + std::floor(start - offset);  // ties
    }
    std::sort(starts.begin(), starts.end());
    // Up to 16 channels, and sometimes far more than the starts need (coarse buckets).
    const std::size_t channels = round % 5 == 0 ? 8 + random() % 200 : 1 + random() % 16;

    std::vector<double> ring(channels, -std::numeric_limits<double>::infinity());
    bool waited = false;
    for (std::size_t j = 0; j < n; ++j) {
      double& end = ring[j % channels];
      waited |= end > starts[j];
      end = std::max(starts[j], end) + e;
    }
    detail::ChannelBound bound(counts.data());
    const double sized_to = round % 3 == 0 ? starts[n / 2] : starts.back();
    if (!bound.reset(starts.front(), sized_to, e, round % 3 == 0 ? n / 2 + 1 : n, channels)) {
      ++refused;
      continue;
    }
    for (const double start : starts) bound.add(start);
    if (bound.fits(starts.back())) {
      ++passed;
      EXPECT_FALSE(waited) << "round " << round << ": " << n << " starts over " << span << ", e " << e << ", "
                           << channels << " channels";
    } else {
      ++refused;
    }
  }
  EXPECT_GT(passed, 2000);  // not vacuous
  EXPECT_GT(refused, 2000);
}

// Starts that fit exactly, C at a time, e apart, pass where the buckets are fine enough to
// see it: the test refuses no more than a window's worth of bucket slack demands.
TEST(ChannelBound, PassesSpreadStartsAndRefusesBunchedOnes) {
  std::vector<std::uint32_t> counts(detail::ChannelBound::storage_size);
  detail::ChannelBound bound(counts.data());
  // 100 starts 10 s apart, engagements of 10 s: one channel is enough (back to back), but a
  // window of 5 buckets of 2.5 s sees two starts; so 2 channels pass, 1 is refused.
  ASSERT_TRUE(bound.reset(0.0, 990.0, 10.0, 100, 2));
  for (int k = 0; k < 100; ++k) bound.add(10.0 * k);
  EXPECT_TRUE(bound.fits(990.0));
  ASSERT_TRUE(bound.reset(0.0, 990.0, 10.0, 100, 1));
  for (int k = 0; k < 100; ++k) bound.add(10.0 * k);
  EXPECT_FALSE(bound.fits(990.0));
  // 50 starts within 1 s: 49 channels are too few.
  ASSERT_TRUE(bound.reset(0.0, 0.98, 10.0, 50, 49));
  for (int k = 0; k < 50; ++k) bound.add(0.02 * k);
  EXPECT_FALSE(bound.fits(0.98));
  ASSERT_TRUE(bound.reset(0.0, 0.98, 10.0, 50, 50));
  for (int k = 0; k < 50; ++k) bound.add(0.02 * k);
  EXPECT_TRUE(bound.fits(0.98));
  // Too far from zero for the margin: refused outright, or at the end for a late start.
  EXPECT_FALSE(bound.reset(1e20, 1e20, 1.0, 1, 1));
  ASSERT_TRUE(bound.reset(0.0, 1.0, 1.0, 2, 2));
  bound.add(0.0);
  bound.add(1e20);
  EXPECT_FALSE(bound.fits(1e20));
}

// Where the channels are plentiful the buckets are coarse (about e wide, windows of two): 100
// starts 10 s apart with engagements of 10 s and 40 channels pass; two bunches of 30 within
// one engagement time, 25 s apart, are refused with 40 (the coarse windows see both bunches)
// and pass with 60.
TEST(ChannelBound, CoarseBucketsWherePlentyOfChannels) {
  std::vector<std::uint32_t> counts(detail::ChannelBound::storage_size);
  detail::ChannelBound bound(counts.data());
  ASSERT_TRUE(bound.reset(0.0, 990.0, 10.0, 100, 40));
  for (int k = 0; k < 100; ++k) bound.add(10.0 * k);
  EXPECT_TRUE(bound.fits(990.0));
  std::vector<double> bunched;
  for (int k = 0; k < 30; ++k) bunched.push_back(1000.0 + 0.1 * k);
  for (int k = 0; k < 30; ++k) bunched.push_back(1012.0 + 0.1 * k);
  for (const std::size_t channels : {std::size_t{40}, std::size_t{60}}) {
    ASSERT_TRUE(bound.reset(0.0, 1015.0, 10.0, 60, channels));
    for (const double start : bunched) bound.add(start);
    EXPECT_EQ(bound.fits(1015.0), channels == 60) << channels << " channels";
  }
  // Coarse buckets still see a real wait: 41 starts within 5 s (engagements of 10 s, 40
  // channels: the 41st waits) among stragglers over a long span, sparse on average.
  std::vector<double> straggling;
  for (int k = 0; k < 20; ++k) straggling.push_back(5000.0 * k);
  for (int k = 0; k < 41; ++k) straggling.push_back(50000.5 + 0.12 * k);
  ASSERT_TRUE(bound.reset(0.0, 95000.0, 10.0, straggling.size(), 40));
  for (const double start : straggling) bound.add(start);
  EXPECT_FALSE(bound.fits(95000.0));
}

}  // namespace
}  // namespace salvosim
