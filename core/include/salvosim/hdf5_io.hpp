// Results files in HDF5, laid out as docs/hdf5-format.md describes (sweep files: salvosim/sweep_file.hpp):
// self-describing, with provenance, units and named dimensions, readable by h5py and by xarray (h5netcdf) without help.
// The HDF5 library stays behind this header: callers never see an hid_t.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "salvosim/plan.hpp"
#include "salvosim/results.hpp"
#include "salvosim/simulate.hpp"

namespace salvosim {

// A file a reader cannot use: missing, not HDF5, damaged (its checksum does not match its
// bytes, or it ends early), not a salvosim file of the kind wanted, of another major version,
// or without a dataset or attribute the reader needs, or with one of the wrong type or shape.
// The message starts with the file's name and names the path inside it. The command line
// reports it as bad input (exit code 2); Python raises salvosim.BadFileError.
class BadFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The layout's version, stored as the root attribute `version`. A change that old readers
// would misread bumps the major; adding datasets or attributes bumps the minor. Minor 1 added
// the datasets of campaigns of two salvos or more; minor 2 the checksum in the user block
// (docs/hdf5-format.md#the-checksum); minor 3 the datasets of declared tiers, written only
// for a scenario that declares them (other files stay 1.2).
inline constexpr int results_format_major = 1;
inline constexpr int results_format_minor = 2;
inline constexpr int results_format_minor_with_tiers = 3;
// A run to a precision target (its /precision group), whether or not it has tiers.
inline constexpr int results_format_minor_with_precision = 4;

// Writes one results file. It is written under a temporary name beside `path`
// (`<path>.<pid>.partial`) and renamed to `path` only by finish(): destroyed unfinished (an
// error, a cancelled run), it removes the temporary file, so a file at `path` is always whole.
//
// With per_trial and/or per_threat, feed it every chunk of the run in trial order (as the
// ChunkSink of run_trials, with keep_records / keep_outcomes set): rows are appended to the
// file chunk by chunk, so memory stays flat however many trials are run.
//
// Every failure throws std::runtime_error naming the file and what went wrong.
class ResultsFileWriter {
 public:
  ResultsFileWriter(const std::string& path, const Plan& plan, bool per_trial, bool per_threat);
  ResultsFileWriter(ResultsFileWriter&&) noexcept;
  ResultsFileWriter& operator=(ResultsFileWriter&&) noexcept;
  ~ResultsFileWriter();

  // Appends the chunk's per-trial records and/or per-threat outcomes. Chunks must follow one
  // another without gaps.
  void write_chunk(const TrialChunk& chunk);
  // Writes the provenance (from results.info: the one copy of it) and the summary, closes the
  // file and renames it to `path`. With per-trial data, the rows written must be the results'
  // trials [info.first_trial, info.first_trial + info.trials).
  void finish(const Results& results);

  // The temporary name the file is written under until finish().
  const std::string& temporary_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A results file with the summary only (no per-trial or per-threat data).
void write_results(const std::string& path, const Plan& plan, const Results& results);

// The summary arrays, their coordinates and the RunInfo of a results file. Throws
// BadFileError for a file it cannot use: every dataset, attribute, type and shape it relies
// on is checked, and the checksum (files of format 1.2 on) before HDF5 reads the file.
Results read_results(const std::string& path);

}  // namespace salvosim
