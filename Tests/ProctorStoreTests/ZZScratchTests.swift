import Foundation
import ProctorCore
import ProctorPostgres
import Testing

@Test func scratchPrintErrors() async throws {
    let listener = try SilentListener()
    defer { listener.close() }
    for url in ["postgres://proctor:s3cret-pw@127.0.0.1:1/none", "postgres://proctor:s3cret-pw@127.0.0.1:\(listener.port)/db",
        "postgres://proctor:s3cret-pw@127.0.0.1:54329/nodb", "postgres://nobody:s3cret-pw@127.0.0.1:54329/proctor_test",
        "postgres://u:s3cret-pw@no-such-host.invalid/db", "postgres://proctor:proctor@127.0.0.1:54329/proctor_test?sslmode=require"] {
        let start = ContinuousClock.now
        do {
            try await PostgresStore.withStore(url: url, logger: testLogger, connectTimeout: 1) { _ in }
            print("SCRATCH ok \(url)")
        } catch {
            print("SCRATCH \(ContinuousClock.now - start): \(error)")
        }
    }
}
