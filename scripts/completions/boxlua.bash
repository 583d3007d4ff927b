# bash completion for boxlua: subcommands, options, profile names, files for SCRIPT and PLAN.
# Installed as share/bash-completion/completions/boxlua (scripts/install, scripts/package-deb).
# The option lists are the command's own tables (a test in CLITests compares them).

_boxlua_run_options='-e -l -i -v -E -W -h --dry-run --verbose --quiet --version --help --plan --as-user --profile --audit-log --protect --max-deletes --sandbox --sandbox='
_boxlua_apply_options='--stop-on-error --verbose --quiet --help --profile --audit-log --protect --sandbox --sandbox='
_boxlua_sandbox_options='--help --port --seed --generate --save --faults --jwt-config'
_boxlua_login_options='--help --verbose --quiet --profile --as-user --code'
_boxlua_whoami_options='--help --verbose --quiet --profile --as-user'
_boxlua_snapshot_options='--help --verbose --quiet --profile --events-days'
_boxlua_subcommands='apply sandbox login whoami snapshot'
# Options whose value is the next argument (the others are flags or take '=VALUE').
_boxlua_value_options='-e -l --plan --as-user --profile --audit-log --protect --max-deletes --port --seed --save --faults --jwt-config --code --events-days --generate'

# The profile names of config.toml: its [profiles.NAME] tables, read at completion time.
_boxlua_profiles() {
    local config="${XDG_CONFIG_HOME:-$HOME/.config}/boxlua/config.toml"
    [ -r "$config" ] || return 0
    sed -n 's/^[[:space:]]*\[[[:space:]]*profiles\.\(.*[^[:space:]]\)[[:space:]]*\][[:space:]]*\(#.*\)\{0,1\}$/\1/p' "$config" |
        sed 's/^"\(.*\)"$/\1/'
}

# COMPREPLY: the profile names starting with $1, one a word even when a name holds spaces.
_boxlua_complete_profiles() {
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$(_boxlua_profiles)" -- "$1"))
}

_boxlua() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local command='' operand='' i=1 word

    # `--name=value`: bash splits it at '=' (COMP_WORDBREAKS); complete the value.
    if [ "$cur" = = ] || [ "$prev" = = ]; then
        local option=${COMP_WORDS[COMP_CWORD - 1]}
        [ "$cur" = = ] && cur='' || option=${COMP_WORDS[COMP_CWORD - 2]}
        case $option in
            --profile) _boxlua_complete_profiles "$cur" ;;
            --sandbox | --plan | --audit-log | --seed | --save | --jwt-config)
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -- "$cur")) ;;
            *) COMPREPLY=() ;;
        esac
        return 0
    fi

    # The subcommand (the first argument that is not an option or an option's value), and
    # whether SCRIPT or PLAN has been given before the word being completed.
    while [ $i -lt $COMP_CWORD ]; do
        word=${COMP_WORDS[i]}
        case " $_boxlua_value_options " in
            *" $word "*) i=$((i + 2)); continue ;;
        esac
        if [ "$word" = -- ] && [ -z "$command" ]; then operand=script; break; fi
        case $word in
            -* | =) ;;
            *)
                if [ -z "$command" ] && [ -z "$operand" ] && [[ " $_boxlua_subcommands " == *" $word "* ]]; then
                    command=$word
                elif [ "$command" = apply ] || [ "$command" = snapshot ] || [ -z "$command" ]; then
                    operand=$word
                    [ -z "$command" ] && break
                fi ;;
        esac
        i=$((i + 1))
    done

    case $prev in
        --profile) _boxlua_complete_profiles "$cur"; return 0 ;;
        --plan | --audit-log | --seed | --save | --jwt-config | -l)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0 ;;
        -e | --as-user | --protect | --max-deletes | --port | --faults | --code | --events-days | --generate) COMPREPLY=(); return 0 ;;
    esac

    # After the script, every word is the script's: files.
    if [ -z "$command" ] && [ -n "$operand" ]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return 0
    fi

    local options
    case $command in
        '') options=$_boxlua_run_options ;;
        apply) options=$_boxlua_apply_options ;;
        sandbox) options=$_boxlua_sandbox_options ;;
        login) options=$_boxlua_login_options ;;
        whoami) options=$_boxlua_whoami_options ;;
        snapshot) options=$_boxlua_snapshot_options ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        # `--sandbox=` takes its value after '=': no space after it.
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        return 0
    fi
    case $command in
        '')  # SCRIPT, or a subcommand
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -W "$_boxlua_subcommands" -- "$cur") $(compgen -f -- "$cur")) ;;
        apply | snapshot)  # PLAN; the FILE to write
            if [ -z "$operand" ]; then
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -- "$cur"))
            else
                COMPREPLY=()
            fi ;;
        *) COMPREPLY=() ;;
    esac
    return 0
}

complete -F _boxlua boxlua
