# fish completion for boxlua: subcommands, options, profile names, files for SCRIPT and PLAN.
# Installed as share/fish/vendor_completions.d/boxlua.fish (scripts/install, scripts/package-deb).
# The option lists are the command's own tables (a test in CLITests compares them).

# The profile names of config.toml: its [profiles.NAME] tables, read at completion time.
function __boxlua_profiles
    set -l home $HOME/.config
    set -q XDG_CONFIG_HOME; and set home $XDG_CONFIG_HOME
    set -l config $home/boxlua/config.toml
    test -r $config; or return
    sed -n 's/^[[:space:]]*\[[[:space:]]*profiles\.\(.*[^[:space:]]\)[[:space:]]*\][[:space:]]*\(#.*\)\{0,1\}$/\1/p' $config |
        sed 's/^"\(.*\)"$/\1/'
end

# The subcommand on the command line (the first argument that is not an option or an
# option's value); "run" when it is a script, or nothing yet.
function __boxlua_command
    set -l words (commandline -opc)
    set -e words[1]
    while set -q words[1]
        switch $words[1]
            case -e -l --plan --as-user --profile --audit-log --protect --max-deletes --port --seed --save --faults --jwt-config --code --events-days --generate
                set -e words[1]
            case apply sandbox login whoami snapshot
                echo $words[1]
                return
            case -- -
                echo run
                return
            case '-*'
            case '*'
                echo run
                return
        end
        set -e words[1]
    end
    echo none
end

function __boxlua_is -a name
    test (__boxlua_command) = $name
end

complete -c boxlua -n '__boxlua_is none' -f -a apply -d 'send the changes of a plan'
complete -c boxlua -n '__boxlua_is none' -f -a sandbox -d 'serve the Box emulator on 127.0.0.1'
complete -c boxlua -n '__boxlua_is none' -f -a login -d 'sign in with OAuth 2.0 and store the tokens'
complete -c boxlua -n '__boxlua_is none' -f -a whoami -d 'print the signed-in user'
complete -c boxlua -n '__boxlua_is none' -f -a snapshot -d 'write the signed-in enterprise as a sandbox seed'
complete -c boxlua -n '__boxlua_is none' -F

# A Lua run (before the script).
complete -c boxlua -n '__boxlua_is none' -s e -x -d 'run CHUNK'
complete -c boxlua -n '__boxlua_is none' -s l -x -d 'require MOD into the global MOD'
complete -c boxlua -n '__boxlua_is none' -s i -d 'enter the REPL after running the script'
complete -c boxlua -n '__boxlua_is none' -s v -l version -d 'print the version'
complete -c boxlua -n '__boxlua_is none' -s E -d 'ignore LUA_PATH and LUA_CPATH'
complete -c boxlua -n '__boxlua_is none' -s W -d 'turn Lua warnings on'
complete -c boxlua -n '__boxlua_is none' -s h -l help -d 'print the help'
complete -c boxlua -n '__boxlua_is none' -l dry-run -d 'changes are printed, recorded and not sent'
complete -c boxlua -n '__boxlua_is none' -l plan -r -F -d 'dry run that writes the changes to FILE'
complete -c boxlua -n '__boxlua_is none' -l as-user -x -d 'send every call as the user ID'
complete -c boxlua -n '__boxlua_is none' -l profile -x -a '(__boxlua_profiles)' -d 'use that profile of the config file'
complete -c boxlua -n '__boxlua_is none' -l sandbox -d 'run against an in-process Box emulator (--sandbox=SEED)'
complete -c boxlua -n '__boxlua_is none' -l max-deletes -x -d 'stop before deleting more than N users'
complete -c boxlua -n '__boxlua_is none' -l protect -x -d 'never change this user'
complete -c boxlua -n '__boxlua_is none' -l audit-log -r -F -d 'where live changes are logged'
complete -c boxlua -n '__boxlua_is none' -l verbose -d 'HTTP trace and Lua tracebacks on stderr'
complete -c boxlua -n '__boxlua_is none' -l quiet -d 'only errors on stderr'

# apply PLAN
complete -c boxlua -n '__boxlua_is apply' -F
complete -c boxlua -n '__boxlua_is apply' -l stop-on-error -d 'stop at the first change that fails'
complete -c boxlua -n '__boxlua_is apply' -l verbose -d 'HTTP trace on stderr'
complete -c boxlua -n '__boxlua_is apply' -l quiet -d 'only errors on stderr'
complete -c boxlua -n '__boxlua_is apply' -l help -d 'print the help'
complete -c boxlua -n '__boxlua_is apply' -l profile -x -a '(__boxlua_profiles)' -d 'use that profile of the config file'
complete -c boxlua -n '__boxlua_is apply' -l audit-log -r -F -d 'where the changes are logged'
complete -c boxlua -n '__boxlua_is apply' -l protect -x -d 'never change this user'
complete -c boxlua -n '__boxlua_is apply' -l sandbox -d 'apply to a fresh Box emulator (--sandbox=SEED)'

# sandbox
complete -c boxlua -n '__boxlua_is sandbox' -f
complete -c boxlua -n '__boxlua_is sandbox' -l help -d 'print the help'
complete -c boxlua -n '__boxlua_is sandbox' -l port -x -d 'the port on 127.0.0.1 (0: a free one)'
complete -c boxlua -n '__boxlua_is sandbox' -l seed -r -F -d 'load the enterprise from a JSON seed'
complete -c boxlua -n '__boxlua_is sandbox' -l generate -x -d 'start with a generated enterprise (users=N,events=M,days=D)'
complete -c boxlua -n '__boxlua_is sandbox' -l save -r -F -d 'write the state here when it stops'
complete -c boxlua -n '__boxlua_is sandbox' -l faults -x -d 'inject faults'
complete -c boxlua -n '__boxlua_is sandbox' -l jwt-config -r -F -d 'the JWT config to create once and trust'

# login and whoami
for command in login whoami
    complete -c boxlua -n "__boxlua_is $command" -f
    complete -c boxlua -n "__boxlua_is $command" -l help -d 'print the help'
    complete -c boxlua -n "__boxlua_is $command" -l verbose -d 'HTTP trace on stderr'
    complete -c boxlua -n "__boxlua_is $command" -l quiet -d 'only errors on stderr'
    complete -c boxlua -n "__boxlua_is $command" -l profile -x -a '(__boxlua_profiles)' -d 'use that profile of the config file'
    complete -c boxlua -n "__boxlua_is $command" -l as-user -x -d 'as the user ID'
end
complete -c boxlua -n '__boxlua_is login' -l code -x -d 'the authorization code'

# snapshot FILE
complete -c boxlua -n '__boxlua_is snapshot' -F
complete -c boxlua -n '__boxlua_is snapshot' -l help -d 'print the help'
complete -c boxlua -n '__boxlua_is snapshot' -l verbose -d 'HTTP trace on stderr'
complete -c boxlua -n '__boxlua_is snapshot' -l quiet -d 'only errors on stderr'
complete -c boxlua -n '__boxlua_is snapshot' -l profile -x -a '(__boxlua_profiles)' -d 'use that profile of the config file'
complete -c boxlua -n '__boxlua_is snapshot' -l events-days -x -d 'LOGIN events of the last N days'
