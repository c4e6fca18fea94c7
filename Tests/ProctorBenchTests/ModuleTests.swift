import Testing

@testable import ProctorBench

@Test func moduleLinks() {
    #expect(String(describing: ProctorBench.self) == "ProctorBench")
}
