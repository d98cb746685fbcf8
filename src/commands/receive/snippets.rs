//! What `receive` prints for the app's developer: the URLs that reach it from an Android
//! emulator, an iOS simulator and a device, and code that posts the serverAuthCode the way
//! Google's sample does (with X-Requested-With).

/// The URLs to post to: (where from, URL).
pub fn urls(scheme: &str, bind: std::net::IpAddr, port: u16, path: &str) -> Vec<(String, String)> {
    let url = |host: &str| format!("{scheme}://{host}:{port}{path}");
    let mut out = Vec::new();
    if bind.is_loopback() || bind.is_unspecified() {
        out.push(("the Android emulator".into(), url("10.0.2.2")));
        out.push(("the iOS simulator".into(), url("localhost")));
        out.push((
            format!("an Android device over USB (after `adb reverse tcp:{port} tcp:{port}`)"),
            url("localhost"),
        ));
    }
    if !bind.is_loopback() {
        let host = if bind.is_unspecified() {
            "THIS-MACHINE-IP".to_string()
        } else if bind.is_ipv6() {
            format!("[{bind}]")
        } else {
            bind.to_string()
        };
        out.push(("a device on the network".into(), url(&host)));
    }
    out
}

/// Kotlin (OkHttp) and Swift (URLSession) that post the code; `pairing` adds the header a
/// non-loopback `receive` requires.
pub fn code(url: &str, pairing: Option<&str>) -> String {
    let kotlin_auth = pairing
        .map(|t| format!("\n    .header(\"Authorization\", \"Bearer {t}\")"))
        .unwrap_or_default();
    let swift_auth = pairing
        .map(|t| {
            format!("\nrequest.setValue(\"Bearer {t}\", forHTTPHeaderField: \"Authorization\")")
        })
        .unwrap_or_default();
    format!(
        "// Kotlin (OkHttp), off the main thread:\n\
         val request = Request.Builder()\n    .url(\"{url}\")\n    .header(\"X-Requested-With\", \"XMLHttpRequest\"){kotlin_auth}\n    \
         .post(FormBody.Builder().add(\"code\", account.serverAuthCode!!).build())\n    .build()\n\
         OkHttpClient().newCall(request).execute().use {{ Log.d(\"gsignin\", it.body!!.string()) }}\n\
         \n\
         // Swift (URLSession):\n\
         var request = URLRequest(url: URL(string: \"{url}\")!)\n\
         request.httpMethod = \"POST\"\n\
         request.setValue(\"XMLHttpRequest\", forHTTPHeaderField: \"X-Requested-With\"){swift_auth}\n\
         request.setValue(\"application/json\", forHTTPHeaderField: \"Content-Type\")\n\
         request.httpBody = try JSONSerialization.data(withJSONObject: [\"code\": serverAuthCode])\n\
         URLSession.shared.dataTask(with: request) {{ data, _, _ in print(String(decoding: data ?? Data(), as: UTF8.self)) }}.resume()\n"
    )
}
