import Foundation
import ProctorCore
import ProctorSQLite
import Testing

/// `claimUnanswered`: the one round trip a cached request makes before asking a model.
@Suite("Claims")
struct ClaimTests {
    @Test(arguments: StoreKind.allCases) func claimThenAnswerThenServeLinked(kind: StoreKind) async throws {
        try await withTestStore(kind) { store in
            for id in ["r1", "r2"] {
                _ = try await store.beginRun(
                    RunRecord(id: id, kind: "ift", arguments: [], config: "{}", models: [], tasks: []))
            }
            let first = try await store.claimUnanswered(key: "k", owner: "host-a:1", runID: "r1")
            guard case .claimed = first else { Issue.record("expected a claim, got \(first)"); return }
            // Another owner waits while the key is being answered.
            let second = try await store.claimUnanswered(key: "k", owner: "host-b:1", runID: "r2")
            guard case .busy = second else { Issue.record("expected busy, got \(second)"); return }
            try await store.saveResponse(
                sampleResponse("k", text: "the answer"), runID: "r1", releasingClaimOf: "host-a:1")
            // Now it is served, and linked to the run that asked, without a claim left behind.
            let third = try await store.claimUnanswered(key: "k", owner: "host-b:1", runID: "r2")
            guard case .answered(let result) = third else { Issue.record("expected the answer, got \(third)"); return }
            #expect(result.text == "the answer")
            #expect(try await store.responseKeys(runID: "r2") == ["k"])
            #expect(try await store.claim(key: "k", owner: "host-c:1"))
        }
    }

    @Test func sqliteClaimsReachOtherStoresOnTheFileAndDieWithTheirHolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-claims-\(UUID())")
        let path = folder.appendingPathComponent("proctor.sqlite").path
        let other = try SQLiteStore(path: path)
        do {
            // Two stores on one file behave like two processes: a claim in one keeps the other out.
            let holder = try SQLiteStore(path: path)
            #expect(try await holder.claim(key: "k", owner: "a:1"))
            #expect(try await other.claim(key: "k", owner: "b:1") == false)
            let outcome = try await other.claimUnanswered(key: "k", owner: "b:1", runID: nil)
            guard case .busy = outcome else { Issue.record("expected busy, got \(outcome)"); return }
            // An answer stored before the claim goes is found by the next claimant.
            try await holder.saveResponse(sampleResponse("k"), runID: nil, releasingClaimOf: "a:1")
            let served = try await other.claimUnanswered(key: "k", owner: "b:1", runID: nil)
            guard case .answered = served else { Issue.record("expected the answer, got \(served)"); return }
            #expect(try await holder.claim(key: "held", owner: "a:1"))
            #expect(try await other.claim(key: "held", owner: "b:1") == false)
        }
        // The holder is gone (as a killed process is): its claims went with it. Its last
        // reference may drop a moment after this scope on a loaded machine, so allow for that.
        var claimed = try await other.claim(key: "held", owner: "b:1")
        for _ in 0..<100 where !claimed {
            try await Task.sleep(for: .milliseconds(100))
            claimed = try await other.claim(key: "held", owner: "b:1")
        }
        #expect(claimed, "the claim outlived its holder")
        #expect(FileManager.default.fileExists(atPath: path + ".claims"))
    }
}
