import Foundation
import PostgresNIO
import ProctorCore

/// A parsed `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=MODE]` address
/// (`postgresql://` works too).
///
/// `schema` keeps Proctor's tables in their own PostgreSQL schema (created when missing), so one
/// database can hold several stores or other programs' tables. `sslmode` follows libpq's names:
/// `disable`, `prefer` (the default: TLS when the server offers it), `require` (TLS, any
/// certificate), `verify-full` (TLS with a verified certificate for the host).
public struct PostgresURL: Sendable, Hashable {
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// The PostgreSQL schema for Proctor's tables; nil uses the connection's default (`public`).
    public var schema: String?
    public var sslMode: SSLMode

    /// Parses an address; a malformed one is an `invalidArgument` error that never shows the password.
    public init(_ string: String) throws {
        let shown = Self.redact(string)
        func bad(_ detail: String) -> ProctorError {
            .invalidArgument(
                "invalid PostgreSQL address '\(shown)': \(detail) "
                    + "(expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME])",
                field: "store")
        }
        guard let components = URLComponents(string: string), let scheme = components.scheme?.lowercased() else {
            throw bad("not a URL")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw bad("the scheme must be postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else { throw bad("no host") }
        guard let user = components.user, !user.isEmpty else { throw bad("no user") }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.contains("/") else { throw bad("the path must be just the database name") }
        self.database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        self.schema = nil
        self.sslMode = .prefer
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "schema":
                guard Self.isPlainIdentifier(value) else {
                    throw bad("schema '\(value)' must be lowercase letters, digits and _ (at most 63)")
                }
                schema = value
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    let known = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw bad("sslmode '\(value)' is not one of \(known)")
                }
                sslMode = mode
            default:
                throw bad("unknown option '\(item.name)' (known: schema, sslmode)")
            }
        }
    }

    /// The address for messages: the password replaced by `***`.
    public var redacted: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.host = host
        components.port = port
        components.user = user
        if password != nil { components.percentEncodedPassword = "***" }
        components.path = "/" + database
        var items: [URLQueryItem] = []
        if let schema { items.append(URLQueryItem(name: "schema", value: schema)) }
        if sslMode != .prefer { items.append(URLQueryItem(name: "sslmode", value: sslMode.rawValue)) }
        if !items.isEmpty { components.queryItems = items }
        return components.string ?? "postgres://\(user)@\(host):\(port)/\(database)"
    }

    /// Replaces the password in any URL-like string (also one that does not parse) by `***`.
    public static func redact(_ string: String) -> String {
        guard let schemeEnd = string.range(of: "://") else { return string }
        let rest = string[schemeEnd.upperBound...]
        // The credentials end at the last '@' before the path.
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@"),
            let colon = rest[..<at].firstIndex(of: ":")
        else { return string }
        return String(string[..<rest.index(after: colon)]) + "***" + String(string[at...])
    }

    /// Lowercase letters, digits and `_`, not starting with a digit: safe to use unquoted in SQL.
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 63 else { return false }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789_")
        return !CharacterSet.decimalDigits.contains(first) && name.unicodeScalars.allSatisfy(allowed.contains)
    }

    // MARK: postgres-nio configurations

    private var tlsConfiguration: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if sslMode != .verifyFull { tls.certificateVerification = .none }
        return tls
    }

    private var startupParameters: [(String, String)] {
        schema.map { [("search_path", $0)] } ?? []
    }

    func connectionConfiguration(connectTimeout: TimeInterval) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: tlsConfiguration))
        case .require, .verifyFull: tls = .require(try NIOSSLContext(configuration: tlsConfiguration))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .milliseconds(Int64(connectTimeout * 1000))
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    func clientConfiguration(connectTimeout: TimeInterval, maximumConnections: Int) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(tlsConfiguration)
        case .require, .verifyFull: tls = .require(tlsConfiguration)
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .milliseconds(Int64(connectTimeout * 1000))
        configuration.options.additionalStartupParameters = startupParameters
        configuration.options.maximumConnections = maximumConnections
        return configuration
    }
}
