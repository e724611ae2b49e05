// Running a sweep on a team of processes.
//
// The work is cut into items: whole points, or when points are few for the team, ranges of
// a point's trials. Items are handed out costliest first (an estimate: point_cost) as
// processes become free, which keeps every process busy until the end however unequal the
// points are. Rank 0 hands them out and works too, between items of its own checking for
// finished work; each worker holds one item in reserve when items are many, so it never waits
// for rank 0. Finished items come back to rank 0 as exact integer tallies; a point whose
// items are all back is summarized once, checkpointed and kept. Which process ran which
// trials therefore changes no byte of the results.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "salvosim/parallel.hpp"
#include "salvosim/plan.hpp"
#include "salvosim/run.hpp"
#include "salvosim/simulate.hpp"
#include "salvosim/sweep.hpp"
#include "salvosim/team.hpp"
#include "sweep_assembly.hpp"
#include "sweep_checkpoint.hpp"
#include "sweep_wire.hpp"

namespace salvosim {
namespace {

using namespace detail;

// A point is cut into ranges of trials only when the team has more than a quarter as many
// processes as there are points, and never into ranges under this many trials.
constexpr std::int64_t items_per_rank = 4;
constexpr std::int64_t min_item_trials = 1024;
// Rank 0 runs its own items in slices of this many trials, and answers workers between
// slices (a fraction of a second on the scenarios salvosim is for).
constexpr std::int64_t rank0_slice_trials = 1024;

// Messages: [kind, item, reply] from rank 0; [kind, item, tallies...] to it. A sweep stopped by a
// signal ends on every rank: rank 0 (told by its progress callback, or by a worker's
// msg_cancelled) sends msg_cancel to each worker still at work and waits for its msg_cancelled,
// the last message a worker sends; a worker told to stop by its own callback sends
// msg_cancelled at once and waits for msg_cancel, the last message rank 0 sends it. So no
// message is left in flight, MPI ends normally on every rank, and each rank throws RunCancelled.
enum Message : std::int64_t { msg_work = 1, msg_stop = 2, msg_result = 3, msg_cancel = 4, msg_cancelled = 5 };

struct WorkItem {
  std::int64_t point = 0;
  std::int64_t first_trial = 0;
  std::int64_t trials = 0;
  double cost = 0.0;
};

// The same list on every rank: items refer to one another by index.
std::vector<WorkItem> make_items(const ExpandedSweep& sweep, const std::vector<std::int64_t>& points, int ranks) {
  const auto count = static_cast<std::int64_t>(points.size());
  const std::int64_t wanted = ranks > 1 ? items_per_rank * ranks : 1;
  const std::int64_t pieces = count > 0 && count < wanted ? (wanted + count - 1) / count : 1;
  std::vector<WorkItem> items;
  for (std::int64_t p : points) {
    const std::int64_t trials = sweep.points[static_cast<std::size_t>(p)].trials;
    const std::int64_t m = std::max<std::int64_t>(1, std::min(pieces, trials / min_item_trials));
    for (std::int64_t j = 0; j < m; ++j) {
      const std::int64_t first = trials * j / m;
      const std::int64_t end = trials * (j + 1) / m;
      items.push_back({p, first, end - first, point_cost(sweep.scenarios[static_cast<std::size_t>(p)], end - first)});
    }
  }
  std::stable_sort(items.begin(), items.end(), [](const WorkItem& a, const WorkItem& b) { return a.cost > b.cost; });
  return items;
}

RunOptions run_options(const SweepPoint& point, std::int64_t first, std::int64_t trials, int threads) {
  RunOptions options;
  options.trials = trials;
  options.seed = point.seed;
  options.first_trial = static_cast<std::uint64_t>(first);
  options.threads = threads;
  return options;
}

class Driver {
 public:
  Driver(const SweepSpec& spec, const SweepOptions& options, Team& team, const SweepProgressCallback& progress)
      : spec_(spec), options_(options), team_(team), progress_(progress), start_(Clock::now()) {
    // Every rank expands and checks the sweep the same way, so a bad sweep fails everywhere
    // alike, before any message is sent.
    check_shard(options.shard);
    sweep_ = expand_sweep(spec);
    points_ = shard_points(sweep_, options.shard);
    items_ = make_items(sweep_, points_, team.size());
  }

  std::optional<SweepResults> run() {
    if (team_.rank() != 0) {
      work();
      return std::nullopt;
    }
    try {
      prepare();
    } catch (...) {
      for (int w = 1; w < team_.size(); ++w) team_.send(w, {msg_stop, -1, 0});
      throw;
    }
    if (team_.size() == 1) return coordinate_keeping_checkpoints();
    try {
      return coordinate_keeping_checkpoints();
    } catch (const RunCancelled&) {
      try {
        cancel_workers();
      } catch (const std::exception& error) {
        team_.abort(1, error.what());
      }
      throw;
    } catch (const std::exception& error) {
      team_.abort(1, error.what());
    }
    std::abort();  // not reached: Team::abort ends the process (GCC does not take [[noreturn]] through a virtual call)
  }

 private:
  using Clock = std::chrono::steady_clock;

  // A point being gathered on rank 0.
  struct Pending {
    std::unique_ptr<Plan> plan;
    std::optional<Tallies> tallies;
    std::int64_t items_left = 0;
  };

  // ----- rank 0

  void prepare() {
    if (!options_.checkpoint_dir.empty()) {
      checkpoints_.emplace(options_.checkpoint_dir, options_.resume, sweep_info(), options_.checkpoint_seconds);
      if (options_.resume) done_ = checkpoints_->completed(sweep_, points_);
    }
    resumed_ = static_cast<std::int64_t>(done_.size());
    for (std::size_t k = 0; k < items_.size(); ++k) {
      const WorkItem& item = items_[k];
      if (done_.count(item.point) != 0) continue;
      queue_.push_back(static_cast<std::int64_t>(k));
      pending_[item.point].items_left += 1;
      cost_total_ += item.cost;
    }
  }

  // Stopped (Ctrl-C), it first writes the points completed and not yet checkpointed. Done, it
  // does not: the sweep file is written next, and should that fail, what is lost is at most
  // checkpoint_seconds of points, as when a sweep is killed (docs/sweeps.md).
  SweepResults coordinate_keeping_checkpoints() {
    try {
      return coordinate();
    } catch (const RunCancelled&) {
      if (checkpoints_) checkpoints_->flush(provenance());
      throw;
    }
  }

  SweepResults coordinate() {
    if (!report_progress(0.0)) throw RunCancelled();  // what there is to do, before any of it
    const int workers = team_.size() - 1;
    held_.assign(static_cast<std::size_t>(team_.size()), 0);
    stopped_.assign(static_cast<std::size_t>(team_.size()), false);
    cancelled_.assign(static_cast<std::size_t>(team_.size()), false);
    // Each worker starts with one item, and with a second in reserve when there are enough
    // to go round; the reserve hides the time rank 0 takes to answer.
    for (int round = 0; round < 2; ++round) {
      if (round == 1 && static_cast<std::int64_t>(queue_.size()) <= 2 * workers) break;
      for (int w = 1; w <= workers; ++w) {
        if (!queue_.empty()) {
          hand_out(w, 0);
        } else if (round == 0) {
          send_stop(w, 0);
        }
      }
    }
    while (!queue_.empty()) {
      const std::int64_t k = queue_.front();
      queue_.pop_front();
      run_own(items_[static_cast<std::size_t>(k)]);
    }
    while (std::any_of(held_.begin(), held_.end(), [](std::int64_t n) { return n > 0; })) serve(team_.receive());
    return assemble();
  }

  void send_stop(int worker, std::int64_t reply) {
    team_.send(worker, {msg_stop, -1, reply});
    stopped_[static_cast<std::size_t>(worker)] = true;
  }

  // Every worker still at work told to stop, and its last message (msg_cancelled) received:
  // results on the way are dropped (the points not complete are run again on --resume).
  void cancel_workers() {
    std::vector<bool> waiting(static_cast<std::size_t>(team_.size()), false);
    for (int w = 1; w < team_.size(); ++w) {
      const auto k = static_cast<std::size_t>(w);
      const bool finished = stopped_.size() > k && stopped_[k] && held_[k] == 0;  // it has ended, or is ending
      if (finished) continue;
      team_.send(w, {msg_cancel, -1, 0});
      waiting[k] = cancelled_.size() <= k || !cancelled_[k];
    }
    while (std::any_of(waiting.begin(), waiting.end(), [](bool w) { return w; })) {
      const TeamMessage message = team_.receive();
      if (!message.data.empty() && message.data[0] == msg_cancelled) {
        waiting.at(static_cast<std::size_t>(message.from)) = false;
      }
    }
  }

  void hand_out(int worker, std::int64_t reply) {
    team_.send(worker, {msg_work, queue_.front(), reply});
    queue_.pop_front();
    ++held_[static_cast<std::size_t>(worker)];
  }

  // A worker's finished item: keep it and give the worker the next (or tell it to stop).
  void serve(const TeamMessage& message) {
    const std::vector<std::int64_t>& data = message.data;
    if (!data.empty() && data[0] == msg_cancelled) {  // a worker stopped by a signal: the sweep stops
      cancelled_.at(static_cast<std::size_t>(message.from)) = true;
      throw RunCancelled();
    }
    const auto items = static_cast<std::int64_t>(items_.size());
    if (data.size() < 2 || data[0] != msg_result || data[1] < 0 || data[1] >= items) {
      throw std::runtime_error("rank 0 received a malformed message from rank " + std::to_string(message.from));
    }
    const WorkItem& item = items_[static_cast<std::size_t>(data[1])];
    Pending& pending = pending_plan(item.point);
    deliver(item, unpack_tallies(*pending.plan, data.data() + 2, data.data() + data.size()));
    --held_[static_cast<std::size_t>(message.from)];
    if (!queue_.empty()) {
      hand_out(message.from, 1);
    } else {
      send_stop(message.from, 1);
    }
  }

  void serve_waiting() {
    while (std::optional<TeamMessage> message = team_.poll()) serve(*message);
  }

  Pending& pending_plan(std::int64_t point) {
    Pending& pending = pending_.at(point);
    if (!pending.plan) {
      pending.plan = std::make_unique<Plan>(compile(sweep_.scenarios[static_cast<std::size_t>(point)]));
    }
    return pending;
  }

  // Rank 0's own item: in one go alone (run_trials reports between its chunks), else in
  // slices with workers served between them.
  void run_own(const WorkItem& item) {
    Pending& pending = pending_plan(item.point);
    const SweepPoint& point = sweep_.points[static_cast<std::size_t>(item.point)];
    if (team_.size() == 1) {
      const auto report = [&](std::int64_t done, std::int64_t total) {
        return report_progress(item.cost * static_cast<double>(done) / static_cast<double>(total));
      };
      deliver(item, run_trials(*pending.plan, run_options(point, item.first_trial, item.trials, options_.threads), {},
                               report));
      return;
    }
    Tallies tallies(*pending.plan);
    for (std::int64_t done = 0; done < item.trials;) {
      const std::int64_t slice = std::min(rank0_slice_trials, item.trials - done);
      tallies.merge(run_trials(*pending.plan, run_options(point, item.first_trial + done, slice, options_.threads)));
      done += slice;
      serve_waiting();
      if (!report_progress(item.cost * static_cast<double>(done) / static_cast<double>(item.trials))) {
        throw RunCancelled();
      }
    }
    deliver(item, std::move(tallies));
  }

  // An item's tallies, added to its point's; a point complete is summarized and saved.
  void deliver(const WorkItem& item, Tallies tallies) {
    Pending& pending = pending_plan(item.point);
    if (pending.tallies) {
      pending.tallies->merge(tallies);
    } else {
      pending.tallies.emplace(std::move(tallies));  // exact integers: the same as added to zeros
    }
    trials_done_ += item.trials;
    cost_done_ += item.cost;
    if (--pending.items_left == 0) {
      const SweepPoint& point = sweep_.points[static_cast<std::size_t>(item.point)];
      RunInfo info = made_here(sweep_.scenarios[static_cast<std::size_t>(item.point)].name, point.scenario_text,
                               spec_.name + " point " + std::to_string(point.index), point.seed, point.trials);
      Results results = summarize_for_sweep(*pending.plan, *pending.tallies, std::move(info));
      if (checkpoints_ && checkpoints_->add(point, results)) checkpoints_->flush(provenance());
      done_.emplace(item.point, std::move(results));
      pending_.erase(item.point);
    }
    if (!report_progress(0.0)) throw RunCancelled();
  }

  // Provenance: what ran, made by this salvosim, now, on these threads.
  RunInfo made_here(std::string name, std::string text, std::string source, std::uint64_t seed,
                    std::int64_t trials) const {
    RunInfo info;
    info.scenario_name = std::move(name);
    info.scenario_text = std::move(text);
    info.source_name = std::move(source);
    info.seed = seed;
    info.trials = trials;
    info.threads = worker_count(options_.threads);
    stamp_made_by(info);
    return info;
  }

  bool report_progress(double in_flight_cost) {
    if (!progress_) return true;
    SweepProgress p;
    p.points_done = static_cast<std::int64_t>(done_.size());
    p.points_total = static_cast<std::int64_t>(points_.size());
    p.points_resumed = resumed_;
    p.trials_done = trials_done_;
    p.fraction_done = cost_total_ > 0 ? std::min(1.0, (cost_done_ + in_flight_cost) / cost_total_) : 1.0;
    p.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return progress_(p);
  }

  // What the sweep's results (and its checkpoints) say about it.
  SweepInfo sweep_info() const {
    SweepInfo info;
    info.name = spec_.name;
    info.description = spec_.description;
    info.mode = spec_.mode;
    info.axes = spec_.axes;
    for (SweepAxis& axis : info.axes) axis.position = {};
    info.points = static_cast<std::int64_t>(sweep_.points.size());
    info.shard = options_.shard;
    info.id = sweep_.id;
    info.text = spec_.source_text;
    info.source_name = spec_.source_name;
    info.base_text = sweep_.base_text;
    info.base_source = spec_.base_source;
    info.ranks = team_.size();
    return info;
  }

  // The provenance of the sweep's results: this salvosim, now, and the base scenario.
  RunInfo provenance() const {
    return made_here(spec_.name, sweep_.base_text, spec_.base_source, spec_.seed, spec_.trials);
  }

  SweepResults assemble() {
    std::vector<SweepPoint> points;
    std::vector<Results> per_point;
    for (std::int64_t p : points_) {
      points.push_back(sweep_.points[static_cast<std::size_t>(p)]);
      per_point.push_back(std::move(done_.at(p)));
    }
    return assemble_sweep(sweep_info(), std::move(points), per_point, provenance());
  }

  // ----- the other ranks

  void work() {
    try {
      work_until_stopped();
    } catch (const RunCancelled&) {
      throw;
    } catch (const std::exception& error) {
      team_.abort(1, error.what());
    }
  }

  // Asked to stop by rank 0 (msg_cancel) or by its own progress callback: either way it ends
  // with msg_cancelled sent and msg_cancel received, and throws RunCancelled.
  void work_until_stopped() {
    bool cancel_received = false;
    const auto end_cancelled = [&] {
      team_.send(0, {msg_cancelled, -1});
      while (!cancel_received) {
        const TeamMessage message = team_.receive();
        cancel_received = !message.data.empty() && message.data[0] == msg_cancel;
      }
      throw RunCancelled();
    };
    const auto keep_going = [&](std::int64_t, std::int64_t) { return !progress_ || progress_(SweepProgress{}); };
    try {
      std::deque<std::int64_t> mine;
      bool stopped = false;
      std::int64_t unanswered = 0;  // results sent that rank 0 has not answered yet
      const auto take = [&](const TeamMessage& message) {
        const std::vector<std::int64_t>& data = message.data;
        if (data.size() == 3 && data[0] == msg_cancel) {
          cancel_received = true;
          throw RunCancelled();
        }
        if (data.size() != 3 || (data[0] != msg_work && data[0] != msg_stop)) {
          throw std::runtime_error("a malformed message from rank " + std::to_string(message.from));
        }
        unanswered -= data[2];
        if (data[0] == msg_stop) {
          stopped = true;
        } else {
          mine.push_back(data[1]);
        }
      };
      std::optional<std::int64_t> plan_point;
      std::unique_ptr<Plan> plan;
      while (true) {
        while (std::optional<TeamMessage> message = team_.poll()) take(*message);
        if (mine.empty()) {
          if (stopped && unanswered == 0) return;
          take(team_.receive());
          continue;
        }
        const WorkItem& item = items_.at(static_cast<std::size_t>(mine.front()));
        std::vector<std::int64_t> message{msg_result, mine.front()};
        mine.pop_front();
        if (plan_point != item.point) {
          plan = std::make_unique<Plan>(compile(sweep_.scenarios[static_cast<std::size_t>(item.point)]));
          plan_point = item.point;
        }
        const SweepPoint& point = sweep_.points[static_cast<std::size_t>(item.point)];
        pack_tallies(run_trials(*plan, run_options(point, item.first_trial, item.trials, options_.threads), {},
                                keep_going),
                     message);
        team_.send(0, std::move(message));
        ++unanswered;
      }
    } catch (const RunCancelled&) {
      end_cancelled();
    }
  }

  const SweepSpec& spec_;
  const SweepOptions& options_;
  Team& team_;
  const SweepProgressCallback& progress_;
  Clock::time_point start_;

  ExpandedSweep sweep_;
  std::vector<std::int64_t> points_;  // this shard's
  std::vector<WorkItem> items_;

  // Rank 0 only.
  std::optional<Checkpoints> checkpoints_;
  std::map<std::int64_t, Results> done_;  // point -> its statistics (trimmed)
  std::map<std::int64_t, Pending> pending_;
  std::deque<std::int64_t> queue_;  // items not handed out yet
  std::vector<std::int64_t> held_;  // [rank]: items handed out and not yet back
  std::vector<bool> stopped_;       // [rank]: told msg_stop (it ends once held_ is 0)
  std::vector<bool> cancelled_;     // [rank]: sent msg_cancelled (stopped by a signal)
  std::int64_t resumed_ = 0, trials_done_ = 0;
  double cost_total_ = 0.0, cost_done_ = 0.0;
};

}  // namespace

std::optional<SweepResults> run_sweep(const SweepSpec& spec, const SweepOptions& options, Team& team,
                                      const SweepProgressCallback& progress) {
  return Driver(spec, options, team, progress).run();
}

SweepResults run_sweep(const SweepSpec& spec, const SweepOptions& options, const SweepProgressCallback& progress) {
  SoloTeam team;
  return *run_sweep(spec, options, team, progress);
}

}  // namespace salvosim
