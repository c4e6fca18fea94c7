import Testing

@testable import ProctorMetrics

@Test func moduleLinks() {
    #expect(String(describing: ProctorMetrics.self) == "ProctorMetrics")
}
