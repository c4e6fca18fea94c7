import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ProctorCore

/// One HTTP request and its whole answer, under a deadline. Failures come out as
/// `ProctorError` (`.timeout`, `.httpTransport`, `.malformedResponse`, `.invalidArgument`)
/// or as `CancellationError` when the calling task was cancelled.
struct HTTPExchange: Sendable {
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    let client: HTTPClient
    let logger: Logger
    /// Seconds from sending to the last byte of the answer.
    let timeout: Double
    let maxResponseBytes: Int
    /// Extra seconds the overall timer waits beyond the client's deadline.
    static let grace = 0.1

    func send(method: HTTPMethod, url: String, headers: HTTPHeaders, body: [UInt8]?) async throws -> Response {
        let seconds = timeout
        do {
            return try await withThrowingTaskGroup(of: Response.self) { group in
                group.addTask {
                    try await self.perform(method: method, url: url, headers: headers, body: body)
                }
                // The client's deadline covers the response head; this one also covers a stalled body.
                // It fires a little later so the client's own, more specific error (such as a refused
                // connection it kept retrying) wins when both are due.
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds + Self.grace))
                    throw ProctorError.timeout(url: url, seconds: seconds)
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw CancellationError() }
                return first
            }
        } catch {
            throw Self.classify(error, url: url, timeout: seconds, maxResponseBytes: maxResponseBytes)
        }
    }

    private func perform(
        method: HTTPMethod, url: String, headers: HTTPHeaders, body: [UInt8]?
    ) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let deadline = NIODeadline.now() + .nanoseconds(Int64((timeout * 1e9).rounded()))
        let response = try await client.execute(request, deadline: deadline, logger: logger)
        let bytes = try await response.body.collect(upTo: maxResponseBytes)
        return Response(status: Int(response.status.code), headers: response.headers, body: bytes)
    }

    /// Maps whatever one attempt threw onto the errors callers see.
    static func classify(_ error: Error, url: String, timeout: Double, maxResponseBytes: Int) -> Error {
        if error is CancellationError || Task.isCancelled { return CancellationError() }
        if let error = error as? ProctorError { return error }
        if error is NIOTooManyBytesError {
            return ProctorError.malformedResponse(url: url, detail: "body larger than \(maxResponseBytes) bytes")
        }
        if let error = error as? HTTPClientError {
            let timeouts: [HTTPClientError] = [
                .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout,
                .tlsHandshakeTimeout,
            ]
            if timeouts.contains(error) { return ProctorError.timeout(url: url, seconds: timeout) }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) {
                return ProctorError.invalidArgument("not a usable URL: \(url)", field: "baseURL")
            }
            if error == .remoteConnectionClosed {
                return ProctorError.httpTransport(
                    url: url, detail: "the server closed the connection without answering")
            }
        }
        // Refused, reset and other connection failures: worth another try.
        return ProctorError.httpTransport(url: url, detail: String(describing: error))
    }
}
