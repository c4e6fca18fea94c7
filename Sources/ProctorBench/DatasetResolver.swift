import Foundation
import Logging
import ProctorCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Fetches one URL into a local file. ProctorBench ships `URLSessionDownloader`; tests and
/// the CLI may pass their own (an AsyncHTTPClient one, a recording fake).
public protocol DatasetDownloader: Sendable {
    /// Writes the body of `url` to `destination` (the parent folder exists). Throws on any
    /// non-200 answer or transport failure.
    func download(_ url: String, to destination: String) async throws
}

/// Downloads with Foundation's `URLSession` (FoundationNetworking on Linux). Chosen so the
/// benchmark module needs no NIO dependency; the files are small (at most tens of MB).
public struct URLSessionDownloader: DatasetDownloader {
    public var timeoutSeconds: Double

    public init(timeoutSeconds: Double = 120) { self.timeoutSeconds = timeoutSeconds }

    public func download(_ url: String, to destination: String) async throws {
        guard let address = URL(string: url) else {
            throw ProctorError.invalidArgument("not a URL: \(url)", field: "url")
        }
        var request = URLRequest(url: address)
        request.timeoutInterval = timeoutSeconds
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw ProctorError.httpTransport(url: url, detail: "\(error.localizedDescription)")
        }
        if let http = response as? HTTPURLResponse, http.statusCode != 200 {
            throw ProctorError.httpStatus(
                http.statusCode, url: url, body: String(decoding: data.prefix(200), as: UTF8.self))
        }
        do {
            try data.write(to: URL(fileURLWithPath: destination), options: .atomic)
        } catch {
            throw ProctorError.ioFailure(destination, detail: "\(error.localizedDescription)")
        }
    }
}

/// Finds the local file for a dataset path: in the data directory, then in the download
/// cache, then (when allowed) by downloading it into the cache.
public struct DatasetResolver: Sendable {
    /// The `--data-dir` folder laid out like `shared/data` (`arc/…`, `mmlu/test/…`).
    public var dataDirectory: String?
    /// Where downloads go, by the same relative paths (default `~/.cache/proctor/datasets`).
    public var cacheDirectory: String
    /// nil means offline: a missing file is an error that says where to put it.
    public var downloader: (any DatasetDownloader)?
    public var logger: Logger

    public init(
        dataDirectory: String?, cacheDirectory: String = DatasetResolver.defaultCacheDirectory,
        downloader: (any DatasetDownloader)? = URLSessionDownloader(), logger: Logger
    ) {
        self.dataDirectory = dataDirectory
        self.cacheDirectory = cacheDirectory
        self.downloader = downloader
        self.logger = logger
    }

    /// `$XDG_CACHE_HOME/proctor/datasets`, else `~/.cache/proctor/datasets`.
    public static var defaultCacheDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        return base + "/proctor/datasets"
    }

    /// The local path of `relativePath`, downloading `url` into the cache when needed.
    public func localPath(for relativePath: String, url: String?, task: String) async throws -> String {
        let manager = FileManager.default
        if let dataDirectory {
            let candidate = (dataDirectory as NSString).appendingPathComponent(relativePath)
            if manager.fileExists(atPath: candidate) { return candidate }
        }
        let cached = (cacheDirectory as NSString).appendingPathComponent(relativePath)
        if manager.fileExists(atPath: cached) { return cached }
        let whereToPut =
            dataDirectory.map { "put it at \(($0 as NSString).appendingPathComponent(relativePath))" }
            ?? "pass --data-dir DIR with the file at DIR/\(relativePath)"
        guard let url else {
            throw ProctorError.fileNotFound(
                relativePath,
                what: "data file of task '\(task)' (no download source is known for it; \(whereToPut))")
        }
        guard let downloader else {
            throw ProctorError.fileNotFound(
                relativePath,
                what: "data file of task '\(task)' (offline: \(whereToPut), or download \(url) to \(cached))")
        }
        do {
            try manager.createDirectory(
                atPath: (cached as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw ProctorError.ioFailure(cached, detail: "\(error.localizedDescription)")
        }
        logger.info("downloading dataset file", metadata: ["task": "\(task)", "url": "\(url)", "to": "\(cached)"])
        do {
            try await downloader.download(url, to: cached)
        } catch let error as ProctorError {
            try? manager.removeItem(atPath: cached)
            throw ProctorError.fileNotFound(
                relativePath,
                what: "data file of task '\(task)' (download of \(url) failed: \(error.message); \(whereToPut))")
        }
        return cached
    }

    /// Loads every row of `spec`, resolving (and if needed downloading) its files.
    public func rows(for spec: DatasetSpec, task: String) async throws -> [DatasetRow] {
        let path = try await localPath(for: spec.path, url: spec.url, task: task)
        var labelsPath: String? = nil
        if let labels = spec.labels { labelsPath = try await localPath(for: labels.path, url: labels.url, task: task) }
        return try DatasetLoader.load(spec, path: path, labelsPath: labelsPath)
    }
}
