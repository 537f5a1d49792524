#compdef workerman-ops
# Zsh completion for workerman-ops. Load it with
#   source <(workerman-ops completion zsh)
# in ~/.zshrc after compinit, or save the output as _workerman-ops in a directory of $fpath.
# The candidates (commands, options, host and group names from the config) come from the program
# itself: `workerman-ops __complete zsh INDEX WORDS...` prints one per line, or __files__ for a file.

_workerman_ops() {
  local -a candidates
  candidates=("${(@f)$("${words[1]}" __complete zsh $((CURRENT - 1)) "${words[@]}" 2>/dev/null)}")
  if [[ "${candidates[1]}" == __files__ ]]; then
    _files
    return
  fi
  candidates=(${candidates:#})
  (( ${#candidates} )) && compadd -- "${candidates[@]}"
}

if [[ "${funcstack[1]}" == _workerman-ops ]]; then
  _workerman_ops "$@"
else
  compdef _workerman_ops workerman-ops
fi
