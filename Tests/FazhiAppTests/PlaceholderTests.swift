import Testing
import VaporTesting
@testable import FazhiApp
@Test func placeholder() { #expect(Bool(true)) }
