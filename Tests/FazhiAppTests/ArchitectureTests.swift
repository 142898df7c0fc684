import Foundation
import Testing

/// Rules of the layout (docs/architecture.md) that the compiler does not check, read from the sources.
@Suite struct ArchitectureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func sources(_ target: String) throws -> [(name: String, text: String)] {
        let directory = root.appendingPathComponent("Sources").appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }.sorted()
        return try names.map { ($0, try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// `final class Name: Model` declarations of a target.
    static func models(of target: String) throws -> [String] {
        let pattern = try NSRegularExpression(pattern: #"final class (\w+): Model\b"#)
        return try sources(target).flatMap { file in
            pattern.matches(in: file.text, range: NSRange(file.text.startIndex..., in: file.text)).compactMap { match in
                Range(match.range(at: 1), in: file.text).map { String(file.text[$0]) }
            }
        }
    }

    @Test("supervision reads enforcement only through EnforcementRecords, never its Fluent models")
    func supervisionUsesTheReadAPI() throws {
        let models = try Self.models(of: "Enforcement")
        #expect(models.contains("PenaltyCase") && models.contains("OfficerCertificate"))
        for file in try Self.sources("EnforcementSupervision") {
            for model in models {
                let uses = file.text.range(of: #"\b\#(model)\b"#, options: .regularExpression) != nil
                #expect(!uses, "\(file.name) uses Enforcement's model \(model)")
            }
        }
    }

    @Test("comments and messages cite documents in this repository, never the steering repository's files")
    func citationsStayInTheRepository() throws {
        let targets = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources").path)
        for target in targets {
            for file in (try? Self.sources(target)) ?? [] {
                for outside in ["statutes.md", "glossary.md", "product.md", "../shared"] {
                    #expect(!file.text.contains(outside), "\(target)/\(file.name) cites \(outside)")
                }
            }
        }
    }

    @Test("figures are computed by the database: no metric's compute closure loads rows, sums or filters in Swift")
    func figuresInSQL() throws {
        let targets = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources").path)
        var figures = 0
        for target in targets {
            for file in (try? Self.sources(target)) ?? [] {
                var rest = Substring(file.text)
                while let start = rest.range(of: "compute: {") {
                    let tail = rest[start.upperBound...]
                    guard let end = tail.range(of: "records:") else { break }
                    let body = tail[..<end.lowerBound]
                    figures += 1
                    for loads in [".all()", ".all(\\", ".reduce(", ".filter {", "for "] {
                        #expect(!body.contains(loads), "\(target)/\(file.name): a compute closure uses \(loads)")
                    }
                    rest = tail[end.upperBound...]
                }
            }
        }
        #expect(figures >= 30)
    }

    @Test("lists apply the unit scope through UnitScoped.scoped, never by hand")
    func scopeByHelper() throws {
        let targets = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources").path)
        var sites = 0
        for target in targets {
            for file in (try? Self.sources(target)) ?? [] {
                sites += file.text.components(separatedBy: ".scoped(for:").count - 1
                // The helper itself, and the account list's join on the unit table, are the only hand-written filters.
                guard file.name != "ModuleKit.swift", file.name != "AccountService.swift" else { continue }
                #expect(!file.text.contains("scopePrefix {"), "\(target)/\(file.name) filters by unit path by hand")
            }
        }
        #expect(sites >= 20)
    }

    /// Every Swift file under `Sources/`, with its path relative to it.
    static func allSources() throws -> [(path: String, text: String)] {
        let base = root.appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        var files: [(String, String)] = []
        for case let path as String in walker where path.hasSuffix(".swift") {
            files.append((path, try String(contentsOf: base.appendingPathComponent(path), encoding: .utf8)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    @Test("routes are typed: none is registered with a path string, and no link spells a route's path outside the route enums (docs/modules.md §5)")
    func typedRoutes() throws {
        let files = try Self.allSources()
        let routeFiles = files.filter { $0.path.hasSuffix("Routes.swift") || $0.path.hasSuffix("Route.swift") }
        let casePattern = try NSRegularExpression(pattern: #"case \w+ = "([^"]*)""#)
        var prefixes: Set<String> = []
        for file in routeFiles {
            for match in casePattern.matches(in: file.text, range: NSRange(file.text.startIndex..., in: file.text)) {
                guard let range = Range(match.range(at: 1), in: file.text) else { continue }
                if let first = file.text[range].split(separator: "/").first { prefixes.insert(String(first)) }
            }
        }
        #expect(prefixes.isSuperset(of: ["reconsideration", "litigation", "enforcement", "supervision", "deadlines", "reports", "units", "gongshi"]), "\(prefixes)")
        let registration = try NSRegularExpression(pattern: #"router\.(page|api|form|open)\((\.[A-Z]+, )?""#)
        let link = try NSRegularExpression(pattern: #""/(\#(prefixes.sorted().joined(separator: "|")))(["/?#\\])"#)
        for file in files where !routeFiles.contains(where: { $0.path == file.path }) {
            for (number, line) in file.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let text = String(line), whole = NSRange(text.startIndex..., in: text)
                #expect(registration.firstMatch(in: text, range: whole) == nil, "\(file.path):\(number + 1) registers a route with a path string")
                // Migrations keep the paths they were written against (`ClockRecordBackfill` prefixes).
                if text.contains("prefix: \"") { continue }
                #expect(link.firstMatch(in: text, range: whole) == nil, "\(file.path):\(number + 1) spells a route's path: \(text.trimmingCharacters(in: .whitespaces))")
            }
        }
    }
}
