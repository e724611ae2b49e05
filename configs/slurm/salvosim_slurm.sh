# shellcheck shell=bash
# What the batch scripts of configs/slurm/ decide, as functions of Slurm's environment
# variables, so that it can be tested without Slurm (tests/python/test_slurm_recipes.py).
# Sourced by sweep_array.sbatch, merge.sbatch and sweep_mpi.sbatch; each function reports a
# refusal on standard error and returns 2 (bad input, as salvosim does).

salvosim_slurm_refuse() {
  echo "salvosim-slurm: $*" >&2
  return 2
}

# N, the number of shards: the array's own size, for an array 1-N without gaps. A rerun of some
# tasks (sbatch --array=3,5) is a smaller array, so it names N in SHARDS, as merge.sbatch prints.
salvosim_slurm_shard_count() {
  local task=${SLURM_ARRAY_TASK_ID:-}
  [[ $task =~ ^[0-9]+$ ]] || { salvosim_slurm_refuse "not a Slurm array task (SLURM_ARRAY_TASK_ID is '$task'): submit with sbatch --array=1-N"; return; }
  if [[ -n ${SHARDS:-} ]]; then
    [[ $SHARDS =~ ^[1-9][0-9]*$ ]] || { salvosim_slurm_refuse "SHARDS must be a positive integer, got '$SHARDS'"; return; }
    ((task >= 1 && task <= SHARDS)) ||
      { salvosim_slurm_refuse "array task $task is not a shard of 1 to $SHARDS (SHARDS=$SHARDS)"; return; }
    echo "$SHARDS"
    return
  fi
  local count=${SLURM_ARRAY_TASK_COUNT:-} low=${SLURM_ARRAY_TASK_MIN:-} high=${SLURM_ARRAY_TASK_MAX:-}
  [[ $count =~ ^[0-9]+$ && $low =~ ^[0-9]+$ && $high =~ ^[0-9]+$ ]] ||
    { salvosim_slurm_refuse "SLURM_ARRAY_TASK_COUNT, _MIN and _MAX are not all set: not a Slurm job array"; return; }
  ((low == 1)) ||
    { salvosim_slurm_refuse "the array starts at $low, not 1: task I runs shard I of N, so submit --array=1-N"; return; }
  ((count == high - low + 1)) || {
    salvosim_slurm_refuse "the array has gaps ($count tasks from $low to $high): submit --array=1-N;" \
      "to rerun some shards of N, give N: SHARDS=N sbatch --array=3,5 ..."
    return
  }
  echo "$high"
}

# The shard file of shard I of N in a directory; merge.sbatch finds N again from these names.
salvosim_slurm_shard_file() {
  echo "$1/shard-$2-of-$3.h5"
}

# The memory limit for each salvosim process, from the allocation (Slurm gives megabytes):
# --mem (SLURM_MEM_PER_NODE) or --mem-per-cpu (SLURM_MEM_PER_CPU, times the task's CPUs), shared
# by the processes on a node (the argument, 1 by default). Empty when the allocation sets none
# (or --mem=0, the whole node): salvosim then takes the machine's or its cgroup's limit.
salvosim_slurm_memory_limit() {
  local per_node=${1:-1} megabytes
  if [[ -n ${SLURM_MEM_PER_NODE:-} ]]; then
    megabytes=$SLURM_MEM_PER_NODE
  elif [[ -n ${SLURM_MEM_PER_CPU:-} ]]; then
    megabytes=$((SLURM_MEM_PER_CPU * ${SLURM_CPUS_PER_TASK:-1} * per_node))
  else
    return 0
  fi
  [[ $megabytes =~ ^[0-9]+$ ]] || { salvosim_slurm_refuse "the allocation's memory is not a number of megabytes: '$megabytes'"; return; }
  ((megabytes > 0)) || return 0
  echo "$((megabytes / per_node))M"
}

# Exports SALVOSIM_MAX_MEMORY from the allocation, so that salvosim refuses at once a sweep that
# would not fit (docs/model.md §2.6) instead of being killed by the out-of-memory handler.
salvosim_slurm_export_memory_limit() {
  local limit
  limit=$(salvosim_slurm_memory_limit "$@") || return
  if [[ -n $limit ]]; then
    export SALVOSIM_MAX_MEMORY=$limit
    echo "salvosim-slurm: memory limit $limit per process (SALVOSIM_MAX_MEMORY, from the allocation)" >&2
  fi
}

# After the sweep's step: exit code 143 is salvosim stopped by SIGTERM, which --signal=TERM@120
# sends to the steps (not to this shell) before the time limit, having checkpointed its points.
# The task is then requeued to go on from them (--resume), at most MAX_REQUEUES times in all
# (a point longer than the time limit would never finish). scancel signals this shell too, so a
# cancelled task ends here and is not requeued. Returns the step's status.
salvosim_slurm_after_step() {
  local status=$1 restarts=${SLURM_RESTART_COUNT:-0} limit=${MAX_REQUEUES:-5}
  if ((status == 143)); then
    if ((restarts < limit)); then
      echo "salvosim-slurm: stopped before the time limit; requeueing job $SLURM_JOB_ID" \
        "(restart $((restarts + 1)) of at most $limit) to go on from its checkpoints" >&2
      scontrol requeue "$SLURM_JOB_ID" || echo "salvosim-slurm: scontrol requeue failed: resubmit the task" >&2
    else
      echo "salvosim-slurm: stopped before the time limit after $restarts restarts (MAX_REQUEUES=$limit):" \
        "not requeued; raise --time, or resubmit the task to go on from its checkpoints" >&2
    fi
  fi
  return "$status"
}

# N for the merge: from the names of the shard files and checkpoints in the directory (every
# task names its own), or SHARDS when given. Refuses a directory that holds shards of several N.
salvosim_slurm_shards_in() {
  local dir=$1 path name found=()
  if [[ -n ${SHARDS:-} ]]; then
    [[ $SHARDS =~ ^[1-9][0-9]*$ ]] || { salvosim_slurm_refuse "SHARDS must be a positive integer, got '$SHARDS'"; return; }
    echo "$SHARDS"
    return
  fi
  for path in "$dir"/shard-*-of-*.h5 "$dir"/shard-*-of-*.h5.checkpoint; do
    name=${path##*/}
    [[ -e $path && $name =~ ^shard-[0-9]+-of-([0-9]+)\.h5(\.checkpoint)?$ ]] || continue
    [[ " ${found[*]} " == *" ${BASH_REMATCH[1]} "* ]] || found+=("${BASH_REMATCH[1]}")
  done
  ((${#found[@]} > 0)) || { salvosim_slurm_refuse "no shard files (shard-I-of-N.h5) in $dir: did the array run, with this OUT_DIR?"; return; }
  ((${#found[@]} == 1)) ||
    { salvosim_slurm_refuse "$dir holds shards of several sweeps (of ${found[*]} shards): give SHARDS=N, or one OUT_DIR per sweep"; return; }
  echo "${found[0]}"
}

# Checks that every shard file of N is in the directory, then merges them into OUT. A shard
# missing (its task failed, or never ran) or incomplete (stopped, its points in a checkpoint) is
# named, with the sbatch command that reruns those tasks, and the merge refused (exit code 2).
salvosim_slurm_merge() {
  local dir=$1 out=$2 shards i file files=() missing=()
  shards=$(salvosim_slurm_shards_in "$dir") || return
  for ((i = 1; i <= shards; i++)); do
    file=$(salvosim_slurm_shard_file "$dir" "$i" "$shards")
    if [[ -f $file ]]; then
      files+=("$file")
    elif [[ -d $file.checkpoint ]]; then
      echo "salvosim-slurm: shard $i of $shards is incomplete: no $file, its completed points are in $file.checkpoint" >&2
      missing+=("$i")
    else
      echo "salvosim-slurm: shard $i of $shards is missing: no $file" >&2
      missing+=("$i")
    fi
  done
  if ((${#missing[@]} > 0)); then
    local list
    list=$(IFS=,; echo "${missing[*]}")
    echo "salvosim-slurm: ${#missing[@]} of $shards shards to run (again; each goes on from its checkpoint), then merge again:" >&2
    echo "  $(salvosim_slurm_rerun_command "$list" "$shards")" >&2
    return 2
  fi
  srun --ntasks=1 "${SALVOSIM:-salvosim}" merge "${files[@]}" --out "$out"
}

# The command that reruns array tasks LIST (e.g. 3,5) as shards of N, with this job's settings.
salvosim_slurm_rerun_command() {
  printf 'SHARDS=%s SWEEP=%q OUT_DIR=%q SALVOSIM=%q sbatch --array=%s %q' "$2" "${SWEEP:-}" "${OUT_DIR:-}" \
    "${SALVOSIM:-salvosim}" "$1" "${ARRAY_SCRIPT:-configs/slurm/sweep_array.sbatch}"
}
