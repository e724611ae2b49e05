#include "salvosim/report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "config_detail.hpp"
#include "salvosim/names.hpp"
#include "salvosim/tallies.hpp"

namespace salvosim {
namespace {

std::string fixed(double value, int decimals) {
  if (std::isnan(value)) return "-";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string mean_pm_se(double mean, double se, int decimals) {
  return fixed(mean, decimals) + " ± " + fixed(se, decimals);
}

// Columns padded to their widest cell; the first column left-aligned, the others right.
class TextTable {
 public:
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  std::string str() const {
    std::vector<std::size_t> width;
    for (const auto& r : rows_) {
      for (std::size_t c = 0; c < r.size(); ++c) {
        if (c >= width.size()) width.push_back(0);
        width[c] = std::max(width[c], display_width(r[c]));
      }
    }
    std::string out;
    for (const auto& r : rows_) {
      std::string line;
      for (std::size_t c = 0; c < r.size(); ++c) {
        const std::string pad(width[c] - display_width(r[c]), ' ');
        line += c == 0 ? r[c] + pad : "  " + pad + r[c];
      }
      out += line + "\n";
    }
    return out;
  }

 private:
  // Counts UTF-8 code points, not bytes, so that "±" takes one column.
  static std::size_t display_width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
    return n;
  }
  std::vector<std::vector<std::string>> rows_;
};

std::string json_string(const std::string& s) { return detail::quoted(s); }

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

std::string json_mean_se(double mean, double se) {
  return "{\"mean\": " + json_number(mean) + ", \"se\": " + json_number(se) + "}";
}

// Joins "key": value pairs into an object.
std::string json_object(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out = "{";
  for (std::size_t k = 0; k < members.size(); ++k) {
    out += (k ? ", " : "") + json_string(members[k].first) + ": " + members[k].second;
  }
  return out + "}";
}

std::string json_precision(const PrecisionInfo& p) {
  std::vector<std::pair<std::string, std::string>> targets;
  for (const SeTarget& t : p.targets) {
    targets.emplace_back(t.statistic, "{\"target\": " + json_number(t.target) + ", \"se\": " + json_number(t.se) + "}");
  }
  return json_object({{"reached", p.reached ? "true" : "false"},
                      {"batch_trials", std::to_string(p.batch_trials)},
                      {"max_trials", std::to_string(p.max_trials)},
                      {"targets", json_object(targets)}});
}

std::string json_fates(const Results& r, std::int64_t sel) {
  std::vector<std::pair<std::string, std::string>> fates;
  for (std::int64_t f = 0; f < fate_count; ++f) {
    fates.emplace_back(fate_names[f], json_mean_se(r.value("fate_mean", {sel, f}), r.value("fate_se", {sel, f})));
  }
  fates.emplace_back("engaged", json_mean_se(r.value("engaged_mean", {sel}), r.value("engaged_se", {sel})));
  return json_object(fates);
}

// "[a, b]", appended piece by piece (GCC 12 at -O3 warns falsely on long + chains).
std::string json_pair(double a, double b) {
  std::string out = "[";
  out += json_number(a);
  out += ", ";
  out += json_number(b);
  out += "]";
  return out;
}

std::string json_rates(const Results& r, std::int64_t sel) {
  std::vector<std::pair<std::string, std::string>> rates;
  const std::int64_t median = 2;  // reported_quantiles: {0.025, 0.05, 0.5, 0.95, 0.975}
  for (std::int64_t k = 0; k < rate_count; ++k) {
    rates.emplace_back(rate_names[k], json_object({{"mean", json_number(r.value("rate_mean", {sel, k}))},
                                                   {"se", json_number(r.value("rate_se", {sel, k}))},
                                                   {"ci95", json_pair(r.value("rate_ci95_low", {sel, k}),
                                                                      r.value("rate_ci95_high", {sel, k}))},
                                                   {"median", json_number(r.value("rate_quantile", {sel, k, median}))},
                                                   {"interval95", json_pair(r.value("rate_quantile", {sel, k, 0}),
                                                                            r.value("rate_quantile", {sel, k, 4}))},
                                                   {"trials", json_number(r.value("rate_trials", {sel, k}))}}));
  }
  return json_object(rates);
}

bool is_campaign(const Results& r) {
  for (const Coordinate& c : r.coordinates) {
    if (c.name == "salvo") return true;
  }
  return false;
}

// A layer's counters as JSON: the campaign's (`prefix` "", index {l}) or a salvo's
// (`prefix` "salvo_", index {s, l}, with the magazine at the salvo's start).
std::string json_layer(const Results& r, const std::string& prefix, std::int64_t salvo, std::int64_t l) {
  const bool per_salvo = !prefix.empty();
  std::vector<std::pair<std::string, std::string>> metrics;
  auto value = [&](const std::string& name, std::int64_t m) {
    return per_salvo ? r.value(prefix + name, {salvo, l, m}) : r.value(prefix + name, {l, m});
  };
  auto layer_value = [&](const std::string& name) {
    return per_salvo ? r.value(prefix + name, {salvo, l}) : r.value(prefix + name, {l});
  };
  for (std::int64_t m = 0; m < layer_metric_count; ++m) {
    metrics.emplace_back(layer_metric_names[m], json_mean_se(value("layer_mean", m), value("layer_se", m)));
  }
  metrics.emplace_back("cost", json_mean_se(layer_value("interceptor_cost_mean"), layer_value("interceptor_cost_se")));
  if (per_salvo) {
    metrics.emplace_back("magazine", json_mean_se(layer_value("magazine_mean"), layer_value("magazine_se")));
  }
  return json_object(metrics);
}

// Each salvo of a campaign: its threats' fates and rates, its layers and costs.
std::string json_salvos(const Results& r) {
  const Coordinate& salvos = r.coordinate("salvo");
  const Coordinate& layers = r.coordinate("layer");
  std::vector<std::pair<std::string, std::string>> entries;
  for (std::int64_t s = 0; s < salvos.size(); ++s) {
    const std::int64_t sel = r.index("selection", std::string(selection_salvo_prefix) + salvos.labels[s]);
    std::vector<std::pair<std::string, std::string>> layer_entries;
    for (std::int64_t l = 0; l < layers.size(); ++l)
      layer_entries.emplace_back(layers.labels[l], json_layer(r, "salvo_", s, l));
    entries.emplace_back(salvos.labels[s], json_object({{"start", json_number(r.value("salvo_start", {s}))},
                                                        {"total", json_fates(r, sel)},
                                                        {"layers", json_object(layer_entries)},
                                                        {"interceptor_cost",
                                                         json_mean_se(r.value("salvo_total_interceptor_cost_mean", {s}),
                                                                      r.value("salvo_total_interceptor_cost_se", {s}))},
                                                        {"threat_cost", json_number(r.value("salvo_threat_cost", {s}))},
                                                        {"rates", json_rates(r, sel)}}));
  }
  return json_object(entries);
}

// The table of each salvo's layers: magazine at the salvo's start, then the counters.
std::string salvo_layer_table(const Results& r) {
  const Coordinate& salvos = r.coordinate("salvo");
  const Coordinate& layers = r.coordinate("layer");
  TextTable table;
  std::vector<std::string> head{"salvo", "layer", "magazine at start"};
  for (const char* name : layer_metric_names) head.emplace_back(name);
  head.emplace_back("interceptor cost");
  table.row(head);
  for (std::int64_t s = 0; s < salvos.size(); ++s) {
    for (std::int64_t l = 0; l < layers.size(); ++l) {
      std::vector<std::string> row{l == 0 ? salvos.labels[s] : "", layers.labels[l],
                                   mean_pm_se(r.value("salvo_magazine_mean", {s, l}),
                                              r.value("salvo_magazine_se", {s, l}), 2)};
      for (std::int64_t m = 0; m < layer_metric_count; ++m) {
        row.push_back(mean_pm_se(r.value("salvo_layer_mean", {s, l, m}), r.value("salvo_layer_se", {s, l, m}), 2));
      }
      row.push_back(
          mean_pm_se(r.value("salvo_interceptor_cost_mean", {s, l}), r.value("salvo_interceptor_cost_se", {s, l}), 0));
      table.row(row);
    }
  }
  return "Layers per trial in each salvo: mean ± standard error (magazine \"-\": unlimited)\n" + table.str();
}

bool has_tiers(const Results& r) { return r.has_array("damage_mean"); }

// Each declared tier: its value, the fates and rates of the threats aimed at it.
std::string json_tiers(const Results& r) {
  const Coordinate& tiers = r.coordinate("tier");
  std::vector<std::pair<std::string, std::string>> entries;
  for (std::int64_t t = 0; t < tiers.size(); ++t) {
    const std::int64_t sel = r.index("selection", std::string(selection_tier_prefix) + tiers.labels[t]);
    entries.emplace_back(tiers.labels[t], json_object({{"value", json_number(r.value("tier_value", {t}))},
                                                       {"fates", json_fates(r, sel)},
                                                       {"rates", json_rates(r, sel)}}));
  }
  return json_object(entries);
}

// The value-weighted damage of every selection, by its label.
std::string json_damage(const Results& r) {
  const Coordinate& selections = r.coordinate("selection");
  std::vector<std::pair<std::string, std::string>> entries;
  for (std::int64_t s = 0; s < selections.size(); ++s) {
    entries.emplace_back(selections.labels[s], json_mean_se(r.value("damage_mean", {s}), r.value("damage_se", {s})));
  }
  return json_object(entries);
}

std::string damage_table(const Results& r) {
  const Coordinate& selections = r.coordinate("selection");
  const Coordinate& tiers = r.coordinate("tier");
  std::string values;
  for (std::int64_t t = 0; t < tiers.size(); ++t) {
    values += (t ? ", " : "") + tiers.labels[t] + " " + detail::format_number(r.value("tier_value", {t}));
  }
  TextTable table;
  std::vector<std::string> head{"group", "damage"};
  for (const std::string& tier : tiers.labels) head.push_back("leaked on " + tier);
  table.row(head);
  for (std::int64_t s = 0; s < selections.size(); ++s) {
    std::vector<std::string> row{selections.labels[s],
                                 mean_pm_se(r.value("damage_mean", {s}), r.value("damage_se", {s}), 2)};
    for (std::int64_t t = 0; t < tiers.size(); ++t) {
      row.push_back(mean_pm_se(r.value("tier_leaked_mean", {s, t}), r.value("tier_leaked_se", {s, t}), 2));
    }
    table.row(row);
  }
  return "Value-weighted damage per trial: mean ± standard error (the value of an impact on each tier: " + values +
         ")\n" + table.str();
}

}  // namespace

std::string format_table(const Results& r) {
  const Coordinate& selections = r.coordinate("selection");
  const Coordinate& layers = r.coordinate("layer");
  const auto n_layers = layers.size();
  const bool campaign = is_campaign(r);
  std::ostringstream out;
  out << "salvosim " << r.info.salvosim_version << ": scenario \"" << r.info.scenario_name << "\", " << r.info.trials
      << " trials, seed " << r.info.seed << "\n\n";

  out << "Threats per trial: mean ± standard error [5%, 50%, 95% of trials]\n";
  TextTable fates;
  std::vector<std::string> header{"group"};
  for (const char* name : fate_names) header.emplace_back(name);
  header.emplace_back("engaged");
  fates.row(header);
  for (std::int64_t s = 0; s < selections.size(); ++s) {
    std::vector<std::string> row{selections.labels[s]};
    for (std::int64_t f = 0; f < fate_count; ++f) {
      row.push_back(mean_pm_se(r.value("fate_mean", {s, f}), r.value("fate_se", {s, f}), 2) + " [" +
                    fixed(r.value("fate_quantile", {s, f, 1}), 0) + ", " +
                    fixed(r.value("fate_quantile", {s, f, 2}), 0) + ", " +
                    fixed(r.value("fate_quantile", {s, f, 3}), 0) + "]");
    }
    row.push_back(mean_pm_se(r.value("engaged_mean", {s}), r.value("engaged_se", {s}), 2));
    fates.row(row);
  }
  out << fates.str() << "\n";
  if (has_tiers(r)) out << damage_table(r) << "\n";

  if (n_layers > 0) {
    out << "Intercepts per trial, by layer (mean)\n";
    TextTable by_layer;
    std::vector<std::string> head{"group"};
    for (const auto& name : layers.labels) head.push_back(name);
    by_layer.row(head);
    for (std::int64_t s = 0; s < selections.size(); ++s) {
      std::vector<std::string> row{selections.labels[s]};
      for (std::int64_t l = 0; l < n_layers; ++l) row.push_back(fixed(r.value("intercepts_mean", {s, l}), 2));
      by_layer.row(row);
    }
    out << by_layer.str() << "\n";

    out << "Layers per trial: mean ± standard error (missed requests by cause)\n";
    TextTable table;
    std::vector<std::string> head2{"layer"};
    for (const char* name : layer_metric_names) head2.emplace_back(name);
    head2.emplace_back("interceptor cost");
    table.row(head2);
    for (std::int64_t l = 0; l < n_layers; ++l) {
      std::vector<std::string> row{layers.labels[l]};
      for (std::int64_t m = 0; m < layer_metric_count; ++m) {
        row.push_back(mean_pm_se(r.value("layer_mean", {l, m}), r.value("layer_se", {l, m}), 2));
      }
      row.push_back(mean_pm_se(r.value("interceptor_cost_mean", {l}), r.value("interceptor_cost_se", {l}), 0));
      table.row(row);
    }
    out << table.str();
    out << "total interceptor cost per trial: "
        << mean_pm_se(r.value("total_interceptor_cost_mean", {}), r.value("total_interceptor_cost_se", {}), 0)
        << "; threat cost of the " << (campaign ? "campaign" : "salvo") << ": " << fixed(r.value("threat_cost", {}), 0)
        << "\n\n";
    if (campaign) out << salvo_layer_table(r) << "\n";
  }

  out << "Interception rates: mean ± standard error (95% confidence interval of the mean)\n"
         "  launched = intercepted / launched; engaged = intercepted / engaged at least once;\n"
         "  threatening = intercepted / (intercepted + leaked into defended areas)\n";
  TextTable rates;
  std::vector<std::string> head3{"group"};
  for (const char* name : rate_names) head3.emplace_back(name);
  rates.row(head3);
  for (std::int64_t s = 0; s < selections.size(); ++s) {
    std::vector<std::string> row{selections.labels[s]};
    for (std::int64_t k = 0; k < rate_count; ++k) {
      row.push_back(mean_pm_se(r.value("rate_mean", {s, k}), r.value("rate_se", {s, k}), 4) + " (" +
                    fixed(r.value("rate_ci95_low", {s, k}), 4) + ", " + fixed(r.value("rate_ci95_high", {s, k}), 4) +
                    ")");
    }
    rates.row(row);
  }
  out << rates.str();
  if (r.info.precision.used()) out << "\n" << precision_summary(r.info) << "\n";
  return out.str();
}

std::string precision_summary(const RunInfo& info) {
  const PrecisionInfo& p = info.precision;
  std::ostringstream out;
  if (p.reached) {
    out << "precision target reached after " << info.trials << " trials (batches of " << p.batch_trials << ")";
  } else {
    out << "precision target not reached: stopped at " << info.trials << " trials, the most allowed (batches of "
        << p.batch_trials << ")";
  }
  for (const SeTarget& t : p.targets) {
    char text[96];
    std::snprintf(text, sizeof text, " se %.4g %s %.4g", t.se, t.se <= t.target ? "<=" : ">", t.target);
    out << "; " << t.statistic << text;
  }
  return out.str();
}

std::string format_json(const Results& r) {
  const Coordinate& selections = r.coordinate("selection");
  const Coordinate& layers = r.coordinate("layer");
  std::vector<std::pair<std::string, std::string>> groups, classes, group_rates, layer_entries;
  std::string total_fates, total_rates;
  for (std::int64_t s = 0; s < selections.size(); ++s) {
    const std::string& label = selections.labels[s];
    if (label == selection_all) {
      total_fates = json_fates(r, s);
      total_rates = json_rates(r, s);
    } else if (label.rfind(selection_class_prefix, 0) == 0) {
      classes.emplace_back(label.substr(selection_class_prefix.size()), json_fates(r, s));
    } else if (label.rfind(selection_salvo_prefix, 0) == 0 || label.rfind(selection_tier_prefix, 0) == 0) {
      continue;  // under "salvos" or "tiers"
    } else {
      groups.emplace_back(label, json_fates(r, s));
      group_rates.emplace_back(label, json_rates(r, s));
    }
  }
  for (std::int64_t l = 0; l < layers.size(); ++l)
    layer_entries.emplace_back(layers.labels[l], json_layer(r, "", 0, l));
  std::vector<std::pair<std::string, std::string>> members{
      {"salvosim_version", json_string(r.info.salvosim_version)},
      {"git_sha1", json_string(r.info.git_sha1)},
      {"scenario", json_string(r.info.scenario_name)},
      {"source", json_string(r.info.source_name)},
      {"trials", std::to_string(r.info.trials)},
      {"first_trial", std::to_string(r.info.first_trial)},
      {"seed", std::to_string(r.info.seed)},
      {"groups", json_object(groups)},
      {"classes", json_object(classes)},
      {"total", total_fates},
      {"layers", json_object(layer_entries)},
      {"interceptor_cost",
       json_mean_se(r.value("total_interceptor_cost_mean", {}), r.value("total_interceptor_cost_se", {}))},
      {"threat_cost", json_number(r.value("threat_cost", {}))},
      {"rates", total_rates},
      {"group_rates", json_object(group_rates)},
  };
  if (r.info.precision.used()) members.emplace_back("precision", json_precision(r.info.precision));
  if (is_campaign(r)) members.emplace_back("salvos", json_salvos(r));
  if (has_tiers(r)) {
    members.emplace_back("tiers", json_tiers(r));
    members.emplace_back("damage", json_damage(r));
  }
  return json_object(members) + "\n";
}

}  // namespace salvosim
