# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_gsignin_global_optspecs
    string join \n client-secret= profile= store= issuer= api-url= drive-url= json v/verbose color= timeout= home= h/help V/version
end

function __fish_gsignin_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_gsignin_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_gsignin_using_subcommand
    set -l cmd (__fish_gsignin_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c gsignin -n "__fish_gsignin_needs_command" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_needs_command" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_needs_command" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_needs_command" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_needs_command" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_needs_command" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_needs_command" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_needs_command" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_needs_command" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_needs_command" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_needs_command" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_needs_command" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "exchange" -d 'Trade a one-time serverAuthCode for tokens and store the refresh token'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "login" -d 'Sign in through the browser (loopback redirect, PKCE) and store the sign-in'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "receive" -d 'Be the app\'s backend: receive a serverAuthCode by POST and exchange it at once'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "refresh" -d 'Get a new access token (and ID token) with the stored refresh token'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "token" -d 'Print the profile\'s access token (or ID token) alone, refreshed only when needed'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "status" -d 'List the stored sign-ins (never a secret); --check proves each refresh token works'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "revoke" -d 'Revoke the sign-in at the issuer, then delete everything stored for the profile'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "drive-appfolder" -d 'Call Drive for the user offline: show the app data folder, or list its files'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "api" -d 'Call any Google API with the stored sign-in, as `gh api` does for GitHub'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "whoami" -d 'Verify an ID token and show its claims, or show who the stored sign-in is'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "emulator" -d 'Run a local Google Sign-In emulator on 127.0.0.1'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "demo" -d 'Run the whole job against an in-process emulator in a throw-away home'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c gsignin -n "__fish_gsignin_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l redirect-uri -d 'The redirect_uri the code was issued for; empty for a mobile serverAuthCode' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l expect-scope -d 'Warn when the granted scopes lack SCOPE (repeatable)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l require-scope -d 'Exit 4 (scope_missing) unless the grant holds SCOPE (repeatable); tokens still stored' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l show-tokens -d 'Also print the access token and the ID token'
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l show-refresh-token -d 'Also print the refresh token'
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l require-refresh-token -d 'Exit 4 (no_refresh_token) unless the sign-in holds a refresh token'
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand exchange" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l scope -d 'A scope to request (repeatable) [default: openid email profile drive.appdata]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l port -d 'Listen on this port of 127.0.0.1 (a web client\'s registered loopback redirect) [default: a free port for a Desktop client; the registered one for a web client]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l login-hint -d 'Preselect this account on the sign-in page' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l wait -d 'Seconds to wait for the browser to come back (1 to 86400)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l expect-scope -d 'Warn when the granted scopes lack SCOPE (repeatable)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l require-scope -d 'Exit 4 (scope_missing) unless the grant holds SCOPE (repeatable); tokens still stored' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l no-browser -d 'Do not open a browser: print the URL, and also accept the redirect URL pasted back'
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l show-tokens -d 'Also print the access token and the ID token'
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l show-refresh-token -d 'Also print the refresh token'
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l require-refresh-token -d 'Exit 4 (no_refresh_token) unless the sign-in holds a refresh token'
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand login" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l port -d 'Port to listen on (0 picks a free one)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l bind -d 'Address to listen on; anything but loopback needs --tls (and gets a pairing token)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l write-cert -d 'Write the --tls certificate (PEM) to PATH, for the debug build to trust' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l require-scope -d 'Exit 4 (scope_missing) unless the grant holds SCOPE (repeatable); tokens still stored' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l tls -d 'Serve HTTPS with a throw-away self-signed certificate (its SHA-256 fingerprint is printed)'
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l keep -d 'Serve until interrupted, storing each user under a profile named by their email'
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l require-refresh-token -d 'Exit 4 (no_refresh_token) unless the sign-in holds a refresh token'
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand receive" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l print -d 'Print only this raw token on stdout, for `$(...)` in scripts' -r -f -a "access-token\t''
id-token\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l require-scope -d 'Exit 4 (scope_missing) unless the grant holds SCOPE (repeatable); tokens still stored' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l show-tokens -d 'Also print the new access token and ID token'
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l show-refresh-token -d 'Also print the refresh token (the new one, when the issuer rotated it)'
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l require-refresh-token -d 'Exit 4 (no_refresh_token) unless the sign-in holds a refresh token'
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand refresh" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -l min-valid -d 'Use the cached token only if it stays valid this many seconds more' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -l id-token -d 'Print the ID token instead of the access token'
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand token" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -l check -d 'Also refresh each profile to prove its refresh token works'
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand status" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -l local -d 'Only delete what is stored; do not call the issuer'
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand revoke" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -l list -d 'List the files in appDataFolder (every page)'
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand drive-appfolder" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -s X -l method -d 'The HTTP method [default: GET, or POST with --input]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -s f -l raw-field -d 'A string field: KEY=VALUE (nested keys as gh: a[b]=v, a[]=v)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -s F -l field -d 'A typed field: a number, true, false, null, or @FILE for a file\'s content (@- stdin)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -s H -l header -d 'A request header, \'Name: value\' (repeatable; never Authorization)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l input -d 'The request body from FILE, or - for stdin (fields then go to the query)' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -s q -l jq -d 'Filter each page\'s JSON with a jq expression (strings print raw)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l allow-host -d 'Also send the token to HOST (repeatable); the transport rule still applies' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l paginate -d 'Follow nextPageToken (GET) and print every page'
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -s i -l include -d 'Print the status line and the headers before the body'
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand api" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l audience -d 'The expected `aud` [default: the client secret\'s client_id]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l hd -d 'Require this Google Workspace domain in the `hd` claim' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l now -d 'Judge time claims at this instant instead of now' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l jwks -d 'Verify against a saved JWKS file instead of fetching the issuer\'s keys' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l no-verify -d 'Decode only, without verifying anything'
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l access-token -d 'Inspect an access token (TOKEN, `-` for stdin, or the profile\'s) at the issuer\'s tokeninfo or introspection endpoint'
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand whoami" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l port -d 'Port on 127.0.0.1 (0 picks a free one)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l write-client-secret -d 'Write a client secret file for the emulator\'s web client to PATH' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l write-installed-client-secret -d 'Write a client secret file for the emulator\'s Desktop client (any loopback port) to PATH' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l write-ca -d 'Where --tls writes its CA certificate [default: a file in the temp dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l iss -d 'The `iss` of ID tokens (and discovery\'s `issuer`): Google\'s (what Google\'s own libraries verify), its legacy spelling, or `url` (the emulator\'s URL, for strict OpenID clients)' -r -f -a "https://accounts.google.com\t''
accounts.google.com\t''
url\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l auto-approve -d 'The authorization page approves at once, as the login_hint user (else alice@example.com)'
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l rotate-refresh-tokens -d 'Issue a new refresh token on every refresh (reuse of a replaced one revokes the grant)'
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l testing-mode -d 'Behave like an app in Google\'s Testing status: refresh tokens expire after 7 days'
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l tls -d 'Serve HTTPS with a throw-away CA (written to --write-ca, for SSL_CERT_FILE)'
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand emulator" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand demo" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand completions" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -l client-secret -d 'Google client secret file (`web` or `installed` form) [default: client_secret.json in the config dir]' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -l profile -d 'Which stored sign-in to use or write' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -l store -d 'Where secrets live; `file` is an explicit opt-in (mode 0600 files)' -r -f -a "keyring\t'The OS keyring (Secret Service, Keychain, Credential Manager)'
file\t'Files of mode 0600 in the data dir'"
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -l issuer -d 'OpenID issuer; any other than Google\'s is found through its discovery document [default: https://accounts.google.com, or the profile\'s own]' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -l api-url -d 'Base URL for `gsignin api` paths without a host' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -l drive-url -d 'Drive API base URL' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -l color -d 'Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -l timeout -d 'Seconds to wait for each HTTP request (1 to 3600)' -r
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -l home -d 'One folder that replaces the config, cache and data dirs' -r -F
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -l json -d 'Machine output on stdout: one JSON document (JSON Lines for many inputs)'
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -s v -l verbose -d 'Show HTTP requests and responses on stderr, every secret redacted'
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gsignin -n "__fish_gsignin_using_subcommand man" -s V -l version -d 'Print version'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "exchange" -d 'Trade a one-time serverAuthCode for tokens and store the refresh token'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "login" -d 'Sign in through the browser (loopback redirect, PKCE) and store the sign-in'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "receive" -d 'Be the app\'s backend: receive a serverAuthCode by POST and exchange it at once'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "refresh" -d 'Get a new access token (and ID token) with the stored refresh token'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "token" -d 'Print the profile\'s access token (or ID token) alone, refreshed only when needed'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "status" -d 'List the stored sign-ins (never a secret); --check proves each refresh token works'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "revoke" -d 'Revoke the sign-in at the issuer, then delete everything stored for the profile'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "drive-appfolder" -d 'Call Drive for the user offline: show the app data folder, or list its files'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "api" -d 'Call any Google API with the stored sign-in, as `gh api` does for GitHub'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "whoami" -d 'Verify an ID token and show its claims, or show who the stored sign-in is'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "emulator" -d 'Run a local Google Sign-In emulator on 127.0.0.1'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "demo" -d 'Run the whole job against an in-process emulator in a throw-away home'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "man" -d 'Print the man page (roff)'
complete -c gsignin -n "__fish_gsignin_using_subcommand help; and not __fish_seen_subcommand_from exchange login receive refresh token status revoke drive-appfolder api whoami emulator demo completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
