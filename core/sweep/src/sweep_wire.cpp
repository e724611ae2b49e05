#include "sweep_wire.hpp"

#include <stdexcept>
#include <utility>

namespace salvosim::detail {
namespace {

// Every member of Tallies, in one order for packing and unpacking alike: a member added to
// Tallies must be added here (tests/cpp/sweep_test.cpp checks that a round trip summarizes
// to the same bytes).
template <class Visitor>
void visit_members(Tallies& tallies, Visitor&& visit) {
  visit.scalar(tallies.trials);
  visit.moments(tallies.fates);
  visit.histograms(tallies.fate_histograms);
  visit.moments(tallies.engaged);
  visit.moments(tallies.intercepts);
  visit.moments(tallies.layer_metrics);
  visit.histograms(tallies.fired_histograms);
  for (std::int64_t& value : tallies.fired_cross) visit.scalar(value);
  for (RateTally& rate : tallies.rates) {
    visit.scalar(rate.defined);
    visit.scalar(rate.fixed.sum);
    visit.scalar(rate.fixed.sum_squares);
    visit.rate_histogram(rate.bins);
  }
  // Campaigns of two salvos or more only (empty otherwise: nothing packed).
  visit.moments(tallies.salvo_layer_metrics);
  visit.moments(tallies.salvo_magazines);
  for (std::int64_t& value : tallies.salvo_fired_cross) visit.scalar(value);
  // Scenarios with declared tiers only (empty otherwise).
  visit.moments(tallies.tier_leaks);
  for (std::int64_t& value : tallies.tier_leaks_cross) visit.scalar(value);
}

struct Packer {
  std::vector<std::int64_t>& out;
  void scalar(std::int64_t value) { out.push_back(value); }
  void moments(const std::vector<Moments>& all) {
    for (const Moments& m : all) {
      out.push_back(m.sum);
      out.push_back(m.sum_squares);
    }
  }
  void histogram(const Histogram& h) {
    out.push_back(static_cast<std::int64_t>(h.counts.size()));
    out.insert(out.end(), h.counts.begin(), h.counts.end());
  }
  void histograms(const std::vector<Histogram>& all) {
    for (const Histogram& h : all) histogram(h);
  }
  void rate_histogram(const RateBins& bins) { histogram(bins.histogram()); }  // counts per bin, either form
};

struct Unpacker {
  const std::int64_t* at;
  const std::int64_t* end;
  std::int64_t next() {
    if (at == end) throw std::runtime_error("packed tallies end too soon (tallies of another scenario?)");
    return *at++;
  }
  void scalar(std::int64_t& value) { value = next(); }
  void moments(std::vector<Moments>& all) {
    for (Moments& m : all) {
      m.sum = next();
      m.sum_squares = next();
    }
  }
  void histogram(Histogram& h) {
    const std::int64_t size = next();
    if (size < 0 || size > end - at) throw std::runtime_error("packed tallies hold a histogram of a bad size");
    h.counts.assign(at, at + size);
    at += size;
  }
  void histograms(std::vector<Histogram>& all) {
    for (Histogram& h : all) histogram(h);
  }
  void rate_histogram(RateBins& bins) {
    Histogram counts;
    histogram(counts);
    bins.assign(std::move(counts));
  }
};

}  // namespace

void pack_tallies(const Tallies& tallies, std::vector<std::int64_t>& out) {
  // visit_members takes a mutable Tallies so that one walk serves both directions; the
  // packer only reads.
  visit_members(const_cast<Tallies&>(tallies), Packer{out});
}

Tallies unpack_tallies(const Plan& plan, const std::int64_t* begin, const std::int64_t* end) {
  Tallies tallies(plan);
  Unpacker unpacker{begin, end};
  visit_members(tallies, unpacker);
  if (unpacker.at != end) throw std::runtime_error("packed tallies are longer than this scenario's");
  return tallies;
}

}  // namespace salvosim::detail
