import Testing
@testable import FazhiCore
@Test func version() { #expect(!FazhiCoreVersion.value.isEmpty) }
