import Foundation
import Testing

/// Bad judge input ends with one clear line on stderr and exit code 2, before any model is loaded.
@Suite("Judge bad input", .serialized)
struct JudgeBadInputTests {
    func expectError(_ arguments: [String], contains needles: [String]) async throws {
        let output = try await CLIRunner.run(arguments)
        #expect(output.status == 2, "exit status for \(arguments): \(output.stderr)")
        #expect(output.stderrLines.count == 1, "stderr was: \(output.stderr)")
        for needle in needles {
            #expect(output.stderr.contains(needle), "stderr lacks '\(needle)': \(output.stderr)")
        }
    }

    func answers(_ folder: String) throws -> [String] {
        try JudgeCLITests.iftFiles(folder, models: ["alpha", "beta"], items: 3).flatMap { ["--answers", $0] }
    }

    @Test func templateWithoutARequiredPlaceholder() async throws {
        let folder = try CLIRunner.temporaryFolder()
        try "[system]\nYou judge.\n[user]\nRate this: {{answer}}\n".write(
            toFile: "\(folder)/bad.txt", atomically: true, encoding: .utf8)
        try await expectError(
            ["judge", "run", "--judge", "local:smollm2-135m-instruct", "--template", "single_ref=\(folder)/bad.txt"]
                + answers(folder),
            contains: ["\(folder)/bad.txt", "{{question}}"])
    }

    @Test func answerFilesThatDoNotLineUp() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let files = try JudgeCLITests.iftFiles(folder, models: ["alpha", "beta"], items: 4, misalign: true)
        try await expectError(
            ["judge", "run", "--judge", "local:smollm2-135m-instruct"] + files.flatMap { ["--answers", $0] },
            contains: [files[1], "do not line up"])
    }

    @Test func rubricWhoseWeightsDoNotSumToAPositiveNumber() async throws {
        let folder = try CLIRunner.temporaryFolder()
        try """
        mode: rubric
        rubric:
          - {name: accuracy, description: right, weight: 0}
          - {name: clarity, description: clear, weight: 0}
        """.write(toFile: "\(folder)/rubric.yaml", atomically: true, encoding: .utf8)
        try await expectError(
            ["judge", "run", "--judge", "local:smollm2-135m-instruct", "--config", "\(folder)/rubric.yaml"]
                + answers(folder),
            contains: ["\(folder)/rubric.yaml", "positive"])
    }

    @Test func unknownMode() async throws {
        let folder = try CLIRunner.temporaryFolder()
        // A usage error: ArgumentParser adds the usage line after the message.
        let output = try await CLIRunner.run(
            ["judge", "run", "--judge", "local:smollm2-135m-instruct", "--mode", "sideways"] + answers(folder))
        #expect(output.status == 2)
        #expect(output.stderrLines.first?.contains("--mode must be single, batch, pairwise or rubric") == true)
    }
}
