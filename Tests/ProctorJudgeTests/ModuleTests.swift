import Testing

@testable import ProctorJudge

@Test func moduleLinks() {
    #expect(String(describing: ProctorJudge.self) == "ProctorJudge")
}
