# shellcheck shell=bash
# Bash completion for workerman-ops. Load it with
#   source <(workerman-ops completion bash)
# in ~/.bashrc, or save the output as ~/.local/share/bash-completion/completions/workerman-ops.
# The candidates (commands, options, host and group names from the config) come from the program
# itself: `workerman-ops __complete bash INDEX WORDS...` prints one per line, or __files__ for a file.

_workerman_ops() {
    local cur="${COMP_WORDS[COMP_CWORD]}"
    local line
    local -a candidates=()
    while IFS= read -r line; do
        candidates+=("$line")
    done < <("${COMP_WORDS[0]}" __complete bash "$COMP_CWORD" "${COMP_WORDS[@]}" 2>/dev/null)
    if [[ "${candidates[0]-}" == "__files__" ]]; then
        candidates=()
        compopt -o filenames 2>/dev/null || true
        while IFS= read -r line; do
            candidates+=("$line")
        done < <(compgen -f -- "$cur")
    fi
    COMPREPLY=("${candidates[@]}")
}

complete -F _workerman_ops workerman-ops
