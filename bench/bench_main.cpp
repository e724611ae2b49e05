// The main() of every benchmark program: Google Benchmark's, with the run labelled by the
// instruction set the batched draws use (bench_common.hpp).
#include <benchmark/benchmark.h>

#include "bench_common.hpp"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  salvosim::bench::label_run();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
