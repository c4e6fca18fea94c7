import ArgumentParser

/// How commands reach OpenAI-compatible servers; shared by every command that calls models.
struct HTTPOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Environment variable holding the API key for HTTP models (never stored or logged).",
            valueName: "name"))
    var apiKeyEnv: String?

    @Option(help: ArgumentHelp("Seconds allowed for one HTTP call (default 120).", valueName: "seconds"))
    var requestTimeout: Double?

    @Option(help: ArgumentHelp("Most HTTP requests in flight per endpoint (default 8).", valueName: "n"))
    var concurrency: Int?

    func validate() throws {
        if let requestTimeout, !(requestTimeout > 0) {
            throw ValidationError("--request-timeout must be more than 0 seconds (got \(requestTimeout))")
        }
        if let concurrency, concurrency < 1 {
            throw ValidationError("--concurrency must be at least 1 (got \(concurrency))")
        }
    }

    /// Hands the options to the factory that builds the HTTP backends.
    func apply(to factory: BackendFactory) {
        factory.apiKeyEnv = apiKeyEnv
        factory.requestTimeout = requestTimeout
        factory.httpConcurrency = concurrency
    }
}
