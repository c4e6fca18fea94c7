import Foundation
import Testing

/// Each bad input ends with one clear line on stderr and exit code 2, and leaves files that
/// were already written valid.
@Suite("CLI bad input", .serialized)
struct BadInputTests {
    let demo = "Examples/demo/ift-demo.json"

    func expectOneLineError(
        _ arguments: [String], contains needles: [String], environment: [String: String] = [:]
    )
        async throws
    {
        let output = try await CLIRunner.run(arguments, environment: environment)
        #expect(output.status == 2, "exit status for \(arguments)")
        #expect(output.stderrLines.count == 1, "stderr was: \(output.stderr)")
        for needle in needles {
            #expect(output.stderr.contains(needle), "stderr lacks '\(needle)': \(output.stderr)")
        }
    }

    @Test func missingDataFile() async throws {
        try await expectOneLineError(
            [
                "ift", "--data", "/nonexistent/data.json", "--model", "local:smollm2-135m-instruct", "--judge",
                "local:smollm2-135m-instruct",
            ],
            contains: ["/nonexistent/data.json", "not found"])
    }

    @Test func invalidJSONNamesTheLine() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let path = "\(folder)/bad.json"
        try "[\n {\"instruction\": \"a\", \"output\": \"b\"},\n {\"instruction\" \"c\"}\n]".write(
            toFile: path, atomically: true, encoding: .utf8)
        try await expectOneLineError(
            [
                "ift", "--data", path, "--model", "local:smollm2-135m-instruct", "--judge",
                "local:smollm2-135m-instruct",
            ],
            contains: ["\(path):3:", "invalid JSON"])
    }

    @Test func entryWithoutOutputNamesIndexAndField() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let path = "\(folder)/missing.json"
        try "[\n {\"instruction\": \"a\", \"output\": \"b\"},\n {\"instruction\": \"c\", \"input\": \"\"}\n]".write(
            toFile: path, atomically: true, encoding: .utf8)
        try await expectOneLineError(
            [
                "ift", "--data", path, "--split", "all", "--model", "local:smollm2-135m-instruct", "--judge",
                "local:smollm2-135m-instruct",
            ],
            contains: ["\(path):3:", "entry 1", "'output'"])
    }

    @Test func unknownModelSpec() async throws {
        try await expectOneLineError(
            ["ift", "--data", demo, "--model", "llama-7b", "--judge", "local:smollm2-135m-instruct"],
            contains: ["unknown model spec 'llama-7b'", "gguf:PATH"])
    }

    @Test func ggufThatDoesNotExist() async throws {
        try await expectOneLineError(
            ["generate", "--model", "gguf:/nonexistent/model.gguf", "hi"],
            contains: ["/nonexistent/model.gguf", "not found"])
    }

    @Test func fileThatIsNotAGGUF() async throws {
        try await expectOneLineError(
            ["generate", "--model", "gguf:\(CLIRunner.checkout)/Package.swift", "hi"],
            contains: ["Package.swift", "GGUF"])
    }

    @Test func runtimeNotInstalledNamesTheInstallCommand() async throws {
        try await expectOneLineError(
            [
                "ift", "--data", demo, "--model", "local:smollm2-135m-instruct", "--judge",
                "local:smollm2-135m-instruct",
            ],
            contains: ["proctor runtime install"], environment: ["PROCTOR_RUNTIME_DIR": "/nonexistent/runtime"])
    }

    @Test func judgeTemplateMissingAPlaceholder() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let template = "\(folder)/judge.txt"
        try "Score {{response}} please.".write(toFile: template, atomically: true, encoding: .utf8)
        try await expectOneLineError(
            [
                "ift", "--data", demo, "--model", "local:smollm2-135m-instruct", "--judge",
                "local:smollm2-135m-instruct",
                "--judge-template", template,
            ],
            contains: [template, "{{input}}"])
    }

    @Test func misuseIsExitCodeTwo() async throws {
        let output = try await CLIRunner.run(["ift", "--data", demo, "--judge", "local:smollm2-135m-instruct"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("--model"))
        let zero = try await CLIRunner.run(["ift", "--data", demo, "--model", "x", "--judge", "y", "--limit", "0"])
        #expect(zero.status == 2)
    }

    /// Each command that calls models, with the arguments it needs to get as far as validation.
    static let modelCommands: [[String]] = [
        ["ift", "--data", "d.json", "--model", "m", "--judge", "j"],
        ["run", "--tasks", "arc_easy", "--model", "m"],
        ["judge", "run", "--answers", "a.json", "--judge", "j"],
        ["mtbench", "--questions", "q.jsonl", "--model", "m", "--judge", "j"],
        ["generate", "hello", "--model", "m"],
        ["loss", "--model", "m", "--text", "t.txt"],
    ]

    @Test(arguments: modelCommands)
    func httpOptionsAreCheckedByEveryModelCommand(_ command: [String]) async throws {
        let zero = try await CLIRunner.run(command + ["--concurrency", "0"])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("--concurrency must be at least 1 (got 0)"), "stderr was: \(zero.stderr)")
        let timeout = try await CLIRunner.run(command + ["--request-timeout=-1"])
        #expect(timeout.status == 2)
        #expect(timeout.stderr.contains("--request-timeout must be more than 0"), "stderr was: \(timeout.stderr)")
    }

    @Test func helpTeachesAndExitsZero() async throws {
        let output = try await CLIRunner.run(["ift", "--help"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("--judge-template"))
        #expect(output.stdout.contains("Example"))
    }

    @Test func filesAlreadyWrittenStayValid() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let existing = "\(folder)/smollm2-135m-instruct-responses.json"
        let valid = "[{\"instruction\": \"kept\", \"input\": \"\", \"output\": \"x\", \"score\": 50}]"
        try valid.write(toFile: existing, atomically: true, encoding: .utf8)
        let output = try await CLIRunner.run([
            "ift", "--data", "/nonexistent.json", "--out", folder, "--model", "local:smollm2-135m-instruct", "--judge",
            "local:smollm2-135m-instruct",
        ])
        #expect(output.status == 2)
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == valid)
    }
}
