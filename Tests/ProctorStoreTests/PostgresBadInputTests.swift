import Foundation
import ProctorCore
import ProctorPostgres
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("PostgreSQL store bad input")
struct PostgresBadInputTests {
    // No wall-clock bounds here (a loaded 2-core CI machine makes them flaky): the messages say
    // which failure happened, and the second test's names the 1-second connect timeout it used.
    @Test func unreachableServerFailsWithoutShowingThePassword() async throws {
        let error = await #expect(throws: ProctorError.self) {
            let url = "postgres://proctor:s3cret-pw@127.0.0.1:1/none"
            try await PostgresStore.withStore(url: url, logger: testLogger) { _ in }
        }
        #expect(error == .storeUnavailable)
        #expect(error?.description.contains("s3cret-pw") == false)
        #expect(error?.description.contains("postgres://proctor:***@127.0.0.1:1/none") == true)
        #expect(error?.description.contains("cannot connect to 127.0.0.1:1") == true)
    }

    @Test func serverThatNeverAnswersTimesOut() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let error = await #expect(throws: ProctorError.self) {
            try await PostgresStore.withStore(
                url: "postgres://proctor:s3cret-pw@127.0.0.1:\(listener.port)/db", logger: testLogger,
                connectTimeout: 1
            ) { _ in }
        }
        #expect(error == .storeUnavailable)
        #expect(error?.description.contains("no answer from 127.0.0.1:\(listener.port) within 1.0 s") == true)
        #expect(error?.description.contains("s3cret-pw") == false)
    }

    @Test func malformedAddressesAreRefusedWithoutShowingThePassword() async throws {
        let urls = ["postgres://u:s3cret-pw@/db", "mysql://u:s3cret-pw@h/db", "postgres://u:s3cret-pw@h/db?schema=A-b"]
        for url in urls {
            let error = await #expect(throws: ProctorError.self) {
                try await PostgresStore.withStore(url: url, logger: testLogger) { _ in }
            }
            #expect(error == .invalidArgument)
            #expect(error?.description.contains("s3cret-pw") == false)
        }
        let parsed = try PostgresURL("postgresql://me:p%40ss@db.example:6543/proctor?schema=team_a")
        #expect(parsed.password == "p@ss" && parsed.port == 6543 && parsed.schema == "team_a")
        #expect(parsed.redacted == "postgres://me:***@db.example:6543/proctor?schema=team_a")
    }

    @Test func missingDatabaseIsUnavailable() async throws {
        var components = try #require(URLComponents(string: try postgresTestURL()))
        components.path = "/proctor_no_such_database"
        let url = try #require(components.string)
        let error = await #expect(throws: ProctorError.self) {
            try await PostgresStore.withStore(url: url, logger: testLogger) { _ in }
        }
        #expect(error == .storeUnavailable)
        #expect(error?.description.contains("proctor_no_such_database") == true)
        if let password = components.password, !password.isEmpty {
            #expect(error?.description.contains(":\(password)@") == false)
        }
    }

    @Test func newerSchemaIsRefusedAndLeftUntouched() async throws {
        try await withFreshPostgresSchema { _, url in
            try await PostgresStore.withStore(url: url, logger: testLogger) { try await $0.setMemo("x", value: "y") }
            try await PostgresStore.execute(
                url: url, sql: "UPDATE proctor_meta SET value = '99' WHERE key = 'schema_version'", logger: testLogger)
            for _ in 0..<2 {  // The second attempt sees the same version: the first changed nothing.
                let error = await #expect(throws: ProctorError.self) {
                    try await PostgresStore.withStore(url: url, logger: testLogger) { _ in }
                }
                #expect(error == .newerStoreSchema)
                #expect(error?.description.contains("99") == true)
            }
        }
    }

    @Test func databaseOfAnotherProgramIsRefusedAndLeftUntouched() async throws {
        try await withFreshPostgresSchema { base, url in
            let schema = try #require(url.components(separatedBy: "schema=").last)
            try await PostgresStore.execute(url: base, sql: "CREATE SCHEMA \(schema)", logger: testLogger)
            try await PostgresStore.execute(url: url, sql: "CREATE TABLE app_users (id INT)", logger: testLogger)
            try await PostgresStore.execute(url: url, sql: "INSERT INTO app_users VALUES (7)", logger: testLogger)
            for _ in 0..<2 {  // The second attempt still finds no Proctor schema: none was created.
                let error = await #expect(throws: ProctorError.self) {
                    try await PostgresStore.withStore(url: url, logger: testLogger) { _ in }
                }
                #expect(error == .notAProctorStore)
                #expect(error?.description.contains("app_users") == true)
            }
            try await PostgresStore.execute(url: url, sql: "DELETE FROM app_users WHERE id = 7", logger: testLogger)
            let error = await #expect(throws: ProctorError.self) {
                try await PostgresStore.execute(url: url, sql: "SELECT 1 FROM runs", logger: testLogger)
            }
            #expect(error?.description.contains("runs") == true)
        }
    }

    @Test func storesSharingOneDatabaseSeeEachOther() async throws {
        try await withFreshPostgresSchema { _, url in
            // Several processes opening a new store at once: one creates the tables, none fails.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        try await PostgresStore.withStore(url: url, logger: testLogger) {
                            try await $0.setMemo("opened-\(index)", value: "yes")
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await PostgresStore.withStore(url: url, logger: testLogger) { first in
                try await PostgresStore.withStore(url: url, logger: testLogger) { second in
                    #expect(try await second.memo("opened-3") == "yes")
                    try await first.saveResponse(sampleResponse("k"), runID: nil)
                    #expect(try await second.response(forKey: "k")?.result.text == "answer")
                    #expect(try await first.claim(key: "k", owner: "host-a:1"))
                    #expect(try await second.claim(key: "k", owner: "host-b:1") == false)
                    let expected = try PostgresURL(url).redacted
                    #expect(first.location == expected && second.location == expected)
                }
            }
        }
    }
}

/// A TCP port that accepts connections and never answers, like a hung server.
final class SilentListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        #if os(Linux)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 8) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        try #require(descriptor >= 0 && bound, "cannot listen on 127.0.0.1")
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        #if canImport(Glibc)
            _ = Glibc.close(descriptor)
        #else
            _ = Darwin.close(descriptor)
        #endif
    }
}
