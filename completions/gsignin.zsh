#compdef gsignin

autoload -U is-at-least

_gsignin() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_gsignin_commands" \
"*::: :->gsignin" \
&& ret=0
    case $state in
    (gsignin)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:gsignin-command-$line[1]:"
        case $line[1] in
            (exchange)
_arguments "${_arguments_options[@]}" : \
'--redirect-uri=[The redirect_uri the code was issued for; empty for a mobile serverAuthCode]:URI:_default' \
'*--expect-scope=[Warn when the granted scopes lack SCOPE (repeatable)]:SCOPE:_default' \
'*--require-scope=[Exit 4 (scope_missing) unless the grant holds SCOPE (repeatable); tokens still stored]:SCOPE:_default' \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--show-tokens[Also print the access token and the ID token]' \
'--show-refresh-token[Also print the refresh token]' \
'--require-refresh-token[Exit 4 (no_refresh_token) unless the sign-in holds a refresh token]' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::code -- The serverAuthCode, a redirect URL holding `code=`, or `-` for stdin (a code that starts with `-` goes after `--`):_default' \
&& ret=0
;;
(login)
_arguments "${_arguments_options[@]}" : \
'*--scope=[A scope to request (repeatable) \[default\: openid email profile drive.appdata\]]:SCOPE:_default' \
'--port=[Listen on this port of 127.0.0.1 (a web client'\''s registered loopback redirect) \[default\: a free port for a Desktop client; the registered one for a web client\]]:N:_default' \
'--login-hint=[Preselect this account on the sign-in page]:EMAIL:_default' \
'--wait=[Seconds to wait for the browser to come back (1 to 86400)]:SECS:_default' \
'*--expect-scope=[Warn when the granted scopes lack SCOPE (repeatable)]:SCOPE:_default' \
'*--require-scope=[Exit 4 (scope_missing) unless the grant holds SCOPE (repeatable); tokens still stored]:SCOPE:_default' \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--no-browser[Do not open a browser\: print the URL, and also accept the redirect URL pasted back]' \
'--show-tokens[Also print the access token and the ID token]' \
'--show-refresh-token[Also print the refresh token]' \
'--require-refresh-token[Exit 4 (no_refresh_token) unless the sign-in holds a refresh token]' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(receive)
_arguments "${_arguments_options[@]}" : \
'--port=[Port to listen on (0 picks a free one)]:N:_default' \
'--bind=[Address to listen on; anything but loopback needs --tls (and gets a pairing token)]:ADDR:_default' \
'--write-cert=[Write the --tls certificate (PEM) to PATH, for the debug build to trust]:PATH:_files' \
'*--require-scope=[Exit 4 (scope_missing) unless the grant holds SCOPE (repeatable); tokens still stored]:SCOPE:_default' \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--tls[Serve HTTPS with a throw-away self-signed certificate (its SHA-256 fingerprint is printed)]' \
'--keep[Serve until interrupted, storing each user under a profile named by their email]' \
'--require-refresh-token[Exit 4 (no_refresh_token) unless the sign-in holds a refresh token]' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(refresh)
_arguments "${_arguments_options[@]}" : \
'(--show-tokens --show-refresh-token)--print=[Print only this raw token on stdout, for \`\$(...)\` in scripts]:WHAT:(access-token id-token)' \
'*--require-scope=[Exit 4 (scope_missing) unless the grant holds SCOPE (repeatable); tokens still stored]:SCOPE:_default' \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--show-tokens[Also print the new access token and ID token]' \
'--show-refresh-token[Also print the refresh token (the new one, when the issuer rotated it)]' \
'--require-refresh-token[Exit 4 (no_refresh_token) unless the sign-in holds a refresh token]' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
'--min-valid=[Use the cached token only if it stays valid this many seconds more]:SECS:_default' \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--id-token[Print the ID token instead of the access token]' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--check[Also refresh each profile to prove its refresh token works]' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(revoke)
_arguments "${_arguments_options[@]}" : \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--local[Only delete what is stored; do not call the issuer]' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(drive-appfolder)
_arguments "${_arguments_options[@]}" : \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--list[List the files in appDataFolder (every page)]' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(api)
_arguments "${_arguments_options[@]}" : \
'-X+[The HTTP method \[default\: GET, or POST with --input\]]:METHOD:_default' \
'--method=[The HTTP method \[default\: GET, or POST with --input\]]:METHOD:_default' \
'*-f+[A string field\: KEY=VALUE (nested keys as gh\: a\[b\]=v, a\[\]=v)]:KEY=VALUE:_default' \
'*--raw-field=[A string field\: KEY=VALUE (nested keys as gh\: a\[b\]=v, a\[\]=v)]:KEY=VALUE:_default' \
'*-F+[A typed field\: a number, true, false, null, or @FILE for a file'\''s content (@- stdin)]:KEY=VALUE:_default' \
'*--field=[A typed field\: a number, true, false, null, or @FILE for a file'\''s content (@- stdin)]:KEY=VALUE:_default' \
'*-H+[A request header, '\''Name\: value'\'' (repeatable; never Authorization)]:NAME: VALUE:_default' \
'*--header=[A request header, '\''Name\: value'\'' (repeatable; never Authorization)]:NAME: VALUE:_default' \
'--input=[The request body from FILE, or - for stdin (fields then go to the query)]:FILE|-:_files' \
'-q+[Filter each page'\''s JSON with a jq expression (strings print raw)]:EXPR:_default' \
'--jq=[Filter each page'\''s JSON with a jq expression (strings print raw)]:EXPR:_default' \
'*--allow-host=[Also send the token to HOST (repeatable); the transport rule still applies]:HOST:_default' \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--paginate[Follow nextPageToken (GET) and print every page]' \
'-i[Print the status line and the headers before the body]' \
'--include[Print the status line and the headers before the body]' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':target -- A path under --api-url (drive/v3/about), or a whole https URL:_default' \
&& ret=0
;;
(whoami)
_arguments "${_arguments_options[@]}" : \
'--audience=[The expected \`aud\` \[default\: the client secret'\''s client_id\]]:ID:_default' \
'--hd=[Require this Google Workspace domain in the \`hd\` claim]:DOMAIN:_default' \
'--now=[Judge time claims at this instant instead of now]:RFC3339:_default' \
'--jwks=[Verify against a saved JWKS file instead of fetching the issuer'\''s keys]:FILE:_files' \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--no-verify[Decode only, without verifying anything]' \
'(--audience --hd --no-verify --now --jwks)--access-token[Inspect an access token (TOKEN, \`-\` for stdin, or the profile'\''s) at the issuer'\''s tokeninfo or introspection endpoint]' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::token -- An ID token (or with --access-token an access token), or `-` to read one token per line from stdin; none\: the profile'\''s:_default' \
&& ret=0
;;
(emulator)
_arguments "${_arguments_options[@]}" : \
'--port=[Port on 127.0.0.1 (0 picks a free one)]:N:_default' \
'--write-client-secret=[Write a client secret file for the emulator'\''s web client to PATH]:PATH:_files' \
'--write-installed-client-secret=[Write a client secret file for the emulator'\''s Desktop client (any loopback port) to PATH]:PATH:_files' \
'--write-ca=[Where --tls writes its CA certificate \[default\: a file in the temp dir\]]:PATH:_files' \
'--iss=[The \`iss\` of ID tokens (and discovery'\''s \`issuer\`)\: Google'\''s (what Google'\''s own libraries verify), its legacy spelling, or \`url\` (the emulator'\''s URL, for strict OpenID clients)]:ISS:(https\://accounts.google.com accounts.google.com url)' \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--auto-approve[The authorization page approves at once, as the login_hint user (else alice@example.com)]' \
'--rotate-refresh-tokens[Issue a new refresh token on every refresh (reuse of a replaced one revokes the grant)]' \
'--testing-mode[Behave like an app in Google'\''s Testing status\: refresh tokens expire after 7 days]' \
'--tls[Serve HTTPS with a throw-away CA (written to --write-ca, for SSL_CERT_FILE)]' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(demo)
_arguments "${_arguments_options[@]}" : \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':shell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
'--client-secret=[Google client secret file (\`web\` or \`installed\` form) \[default\: client_secret.json in the config dir\]]:PATH:_files' \
'--profile=[Which stored sign-in to use or write]:NAME:_default' \
'--store=[Where secrets live; \`file\` is an explicit opt-in (mode 0600 files)]:STORE:((keyring\:"The OS keyring (Secret Service, Keychain, Credential Manager)"
file\:"Files of mode 0600 in the data dir"))' \
'--issuer=[OpenID issuer; any other than Google'\''s is found through its discovery document \[default\: https\://accounts.google.com, or the profile'\''s own\]]:URL:_default' \
'--api-url=[Base URL for \`gsignin api\` paths without a host]:URL:_default' \
'--drive-url=[Drive API base URL]:URL:_default' \
'--color=[Colour human output\: on a terminal (auto, unless NO_COLOR is set), always, or never]:WHEN:(auto always never)' \
'--timeout=[Seconds to wait for each HTTP request (1 to 3600)]:SECS:_default' \
'--home=[One folder that replaces the config, cache and data dirs]:HOME:_files' \
'--json[Machine output on stdout\: one JSON document (JSON Lines for many inputs)]' \
'-v[Show HTTP requests and responses on stderr, every secret redacted]' \
'--verbose[Show HTTP requests and responses on stderr, every secret redacted]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_gsignin__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:gsignin-help-command-$line[1]:"
        case $line[1] in
            (exchange)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(login)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(receive)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(refresh)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(revoke)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(drive-appfolder)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(api)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(whoami)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(emulator)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(demo)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_gsignin_commands] )) ||
_gsignin_commands() {
    local commands; commands=(
'exchange:Trade a one-time serverAuthCode for tokens and store the refresh token' \
'login:Sign in through the browser (loopback redirect, PKCE) and store the sign-in' \
'receive:Be the app'\''s backend\: receive a serverAuthCode by POST and exchange it at once' \
'refresh:Get a new access token (and ID token) with the stored refresh token' \
'token:Print the profile'\''s access token (or ID token) alone, refreshed only when needed' \
'status:List the stored sign-ins (never a secret); --check proves each refresh token works' \
'revoke:Revoke the sign-in at the issuer, then delete everything stored for the profile' \
'drive-appfolder:Call Drive for the user offline\: show the app data folder, or list its files' \
'api:Call any Google API with the stored sign-in, as \`gh api\` does for GitHub' \
'whoami:Verify an ID token and show its claims, or show who the stored sign-in is' \
'emulator:Run a local Google Sign-In emulator on 127.0.0.1' \
'demo:Run the whole job against an in-process emulator in a throw-away home' \
'completions:Print a shell completion script' \
'man:Print the man page (roff)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'gsignin commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__api_commands] )) ||
_gsignin__subcmd__api_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin api commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__completions_commands] )) ||
_gsignin__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin completions commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__demo_commands] )) ||
_gsignin__subcmd__demo_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin demo commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__drive-appfolder_commands] )) ||
_gsignin__subcmd__drive-appfolder_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin drive-appfolder commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__emulator_commands] )) ||
_gsignin__subcmd__emulator_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin emulator commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__exchange_commands] )) ||
_gsignin__subcmd__exchange_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin exchange commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help_commands] )) ||
_gsignin__subcmd__help_commands() {
    local commands; commands=(
'exchange:Trade a one-time serverAuthCode for tokens and store the refresh token' \
'login:Sign in through the browser (loopback redirect, PKCE) and store the sign-in' \
'receive:Be the app'\''s backend\: receive a serverAuthCode by POST and exchange it at once' \
'refresh:Get a new access token (and ID token) with the stored refresh token' \
'token:Print the profile'\''s access token (or ID token) alone, refreshed only when needed' \
'status:List the stored sign-ins (never a secret); --check proves each refresh token works' \
'revoke:Revoke the sign-in at the issuer, then delete everything stored for the profile' \
'drive-appfolder:Call Drive for the user offline\: show the app data folder, or list its files' \
'api:Call any Google API with the stored sign-in, as \`gh api\` does for GitHub' \
'whoami:Verify an ID token and show its claims, or show who the stored sign-in is' \
'emulator:Run a local Google Sign-In emulator on 127.0.0.1' \
'demo:Run the whole job against an in-process emulator in a throw-away home' \
'completions:Print a shell completion script' \
'man:Print the man page (roff)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'gsignin help commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__api_commands] )) ||
_gsignin__subcmd__help__subcmd__api_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help api commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__completions_commands] )) ||
_gsignin__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help completions commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__demo_commands] )) ||
_gsignin__subcmd__help__subcmd__demo_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help demo commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__drive-appfolder_commands] )) ||
_gsignin__subcmd__help__subcmd__drive-appfolder_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help drive-appfolder commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__emulator_commands] )) ||
_gsignin__subcmd__help__subcmd__emulator_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help emulator commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__exchange_commands] )) ||
_gsignin__subcmd__help__subcmd__exchange_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help exchange commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__help_commands] )) ||
_gsignin__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help help commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__login_commands] )) ||
_gsignin__subcmd__help__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help login commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__man_commands] )) ||
_gsignin__subcmd__help__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help man commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__receive_commands] )) ||
_gsignin__subcmd__help__subcmd__receive_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help receive commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__refresh_commands] )) ||
_gsignin__subcmd__help__subcmd__refresh_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help refresh commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__revoke_commands] )) ||
_gsignin__subcmd__help__subcmd__revoke_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help revoke commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__status_commands] )) ||
_gsignin__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help status commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__token_commands] )) ||
_gsignin__subcmd__help__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help token commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__help__subcmd__whoami_commands] )) ||
_gsignin__subcmd__help__subcmd__whoami_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin help whoami commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__login_commands] )) ||
_gsignin__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin login commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__man_commands] )) ||
_gsignin__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin man commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__receive_commands] )) ||
_gsignin__subcmd__receive_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin receive commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__refresh_commands] )) ||
_gsignin__subcmd__refresh_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin refresh commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__revoke_commands] )) ||
_gsignin__subcmd__revoke_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin revoke commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__status_commands] )) ||
_gsignin__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin status commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__token_commands] )) ||
_gsignin__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin token commands' commands "$@"
}
(( $+functions[_gsignin__subcmd__whoami_commands] )) ||
_gsignin__subcmd__whoami_commands() {
    local commands; commands=()
    _describe -t commands 'gsignin whoami commands' commands "$@"
}

if [ "$funcstack[1]" = "_gsignin" ]; then
    _gsignin "$@"
else
    compdef _gsignin gsignin
fi
